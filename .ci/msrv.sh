#!/usr/bin/env bash
# Builds the workspace with the stated rust-version (1.89, Cargo.toml), so that code needing a
# newer compiler (such as the CPUID wrapper in posenc-simd's dispatch) is caught. Installs that
# toolchain if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
echo "msrv: rust $msrv"
rustup toolchain install "$msrv" --profile minimal
# Libraries and the CLI binary, not the tests and benches (their dev-dependencies also build
# with 1.89 today: `cargo +1.89 build --workspace --all-targets`, 4 more CPU-minutes).
# Its own target folder: artifacts of another compiler share nothing with the stable ones.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/msrv" cargo "+$msrv" build --workspace
echo "msrv: rust $msrv built the workspace"
