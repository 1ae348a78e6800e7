#!/usr/bin/env bash
# The workspace's tests on aarch64-unknown-linux-gnu under qemu-user, so that `wide`'s NEON
# lanes (and every other target-dependent line) meet the same golden files and properties as
# the x86-64 run. Installs what a fresh Debian machine lacks: the Rust target, the cross
# linker and libc, and qemu-user.
#
# Test binaries run through CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER; the CLI tests, which
# spawn the `posenc` binary themselves, read the same runner from POSENC_TEST_RUNNER (an
# aarch64 process cannot exec another aarch64 binary without binfmt_misc, which a container
# may not have).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
TARGET=aarch64-unknown-linux-gnu
echo "cross: target $TARGET (qemu-user)"

rustup target add "$TARGET"
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
fi

runner="qemu-aarch64 -L /usr/aarch64-linux-gnu"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$runner"
export POSENC_TEST_RUNNER="$runner"
# The native run checks every relation at proptest's full depth; here the point is the lines
# that depend on the target, and each case costs ~20× under qemu, so fewer cases by default
# (32: at 64 this step took 11 of a 35-minute CI run on the Ice Lake VM, over the 30 allowed).
export PROPTEST_CASES="${PROPTEST_CASES:-32}"

# Optimised test builds (opt-level 1; overflow checks and debug assertions stay on, and no
# optimisation level changes a float's rounding in Rust): under qemu an unoptimised test binary
# ran the determinism, backend and RoPE tests for 5 minutes of this step.
export CARGO_PROFILE_DEV_OPT_LEVEL="${CARGO_PROFILE_DEV_OPT_LEVEL:-1}"
export CARGO_PROFILE_TEST_OPT_LEVEL="${CARGO_PROFILE_TEST_OPT_LEVEL:-1}"

# The crates whose code depends on the target: core, simd (wide's NEON lanes), parallel and the
# property suite over all of them, with the golden files. CROSS_ALL=1 runs the whole workspace
# but the benches (the CLI too: its tests pass under the runner, but building clap, plotters
# and the rest for aarch64 adds minutes to CI and tests no target-dependent line).
if [ "${CROSS_ALL:-0}" = 1 ]; then
  cargo test --target "$TARGET" --workspace --exclude posenc-benches
else
  cargo test --target "$TARGET" -p posenc-core -p posenc-simd -p posenc-parallel -p posenc-verify \
    -p posenc-testkit
fi
echo "cross: $TARGET passed"
