#!/usr/bin/env bash
# Fuzz smoke: builds every cargo-fuzz target of fuzz/ and runs each for a short time
# (FUZZ_SECONDS, default 10: there are nine targets, and the whole CI run must stay under 30
# minutes). A crash, a failed assertion or a timeout fails the script.
# Long local runs: `cd fuzz && cargo +nightly fuzz run <target> -- -max_total_time=600`.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${FUZZ_SECONDS:-10}"

# cargo fuzz needs a nightly toolchain (sanitizer and coverage flags) and the cargo-fuzz tool.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz build

for target in $(cargo +nightly fuzz list); do
  printf '\n::: fuzz %s for %ss\n' "$target" "$seconds"
  # corpus/<target> collects what this run finds (not committed); seeds/<target>, when
  # present, is the small committed starting corpus.
  mkdir -p "corpus/$target"
  dirs=("corpus/$target")
  if [ -d "seeds/$target" ]; then
    dirs+=("seeds/$target")
  fi
  # -timeout: one input taking over 10 s is a hang, and fails like a crash.
  cargo +nightly fuzz run "$target" "${dirs[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
done
