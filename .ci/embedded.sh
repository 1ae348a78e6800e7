#!/usr/bin/env bash
# posenc on an emulated Cortex-M4F: builds embedded/ (its own workspace) for
# thumbv7em-none-eabihf and runs it in qemu-system-arm -M mps2-an386 with semihosting. The
# firmware checks every golden row of vectors.csv (f64-free path, core, SIMD row, rotation),
# every error path, and counts instructions per d = 64 row (-icount shift=0); it prints
# `N passed, M failed` and exits non-zero on any failure. Then the size of the one-row
# firmware (.text + .rodata), which the README quotes.
set -euo pipefail
cd "$(dirname "$0")/../embedded"
export CARGO_TERM_COLOR=never

rustup target add thumbv7em-none-eabihf
if ! command -v qemu-system-arm >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-arm
fi

echo "embedded: thumbv7em-none-eabihf on qemu-system-arm -M mps2-an386 (Cortex-M4F)"
cargo build --release --bins
# The runner (.cargo/config.toml) is qemu-system-arm; a timeout guards against a hung image.
timeout 600 cargo run --release --bin posenc-embedded

if command -v size >/dev/null; then
  for probe in "one-row:d = 64 row, f64-free path" "one-head:Llama-2 RoPE head, f32"; do
    elf=target/thumbv7em-none-eabihf/release/${probe%%:*}
    size -A "$elf" | awk -v what="${probe#*:}" -v name="${probe%%:*}" '$1 == ".text" || $1 == ".rodata" { print; total += $2 }
      END { printf "%s firmware (%s): .text + .rodata = %d bytes\n", name, what, total }'
  done
fi
