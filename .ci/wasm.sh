#!/usr/bin/env bash
# posenc on wasm32. wasm32-unknown-unknown (browsers; no runtime to test in here): the no_std
# crates and the parallel crate build, with and without simd128 (wide's 128-bit lanes).
# wasm32-wasip1: the tests of core, simd, parallel and verify run under wasmtime's WASI (the
# `wasmtime` package from PyPI; .ci/wasi-run.py as cargo's runner), with and without simd128 for
# the SIMD crate and the property suite (but those that need threads, below). Installs the Rust
# targets and wasmtime. (Node.js's WASI crashed in its teardown after large tests had passed.)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
rustup target add wasm32-unknown-unknown wasm32-wasip1
python3 -c 'import wasmtime' 2>/dev/null \
  || python3 -m pip install --quiet wasmtime \
  || python3 -m pip install --quiet --break-system-packages wasmtime
echo "wasm: wasmtime $(python3 -c 'import importlib.metadata as m; print(m.version("wasmtime"))') (Python) as the wasm32-wasip1 runner"
export CARGO_TARGET_WASM32_WASIP1_RUNNER="python3 $PWD/.ci/wasi-run.py"
target_dir="${CARGO_TARGET_DIR:-target}"
simd128_dir="$target_dir/wasm-simd128" # RUSTFLAGS differ: keep their artifacts apart

echo "wasm: build wasm32-unknown-unknown (no simd128, then simd128)"
cargo build --target wasm32-unknown-unknown -p posenc-core -p posenc-simd -p posenc-parallel
RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$simd128_dir" \
  cargo build --target wasm32-unknown-unknown -p posenc-core -p posenc-simd -p posenc-parallel

# wasm32-wasip1 has no threads: rayon's global pool runs on the calling thread, but the tests
# that build pools of 2, 3 or 7 threads (parallel's unit tests, verify's determinism and
# rope_fast) cannot
# run there; every other test of these crates does.
verify_tests=(--test backends --test add --test regressions --test sensitivity --test uniqueness_bound
  --test rope_golden --test rope_relations --test rope_hf_recipe)
echo "wasm: tests on wasm32-wasip1 (no simd128)"
cargo test --target wasm32-wasip1 -p posenc-core -p posenc-simd
cargo test --target wasm32-wasip1 -p posenc-parallel --test errors
cargo test --target wasm32-wasip1 -p posenc-verify "${verify_tests[@]}"
echo "wasm: tests on wasm32-wasip1 with simd128"
export RUSTFLAGS="-C target-feature=+simd128" CARGO_TARGET_DIR="$simd128_dir"
cargo test --target wasm32-wasip1 -p posenc-simd
cargo test --target wasm32-wasip1 -p posenc-verify "${verify_tests[@]}"
echo "wasm: passed"
