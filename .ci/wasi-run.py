#!/usr/bin/env python3
"""Runs a wasm32-wasip1 program (a cargo test binary) under wasmtime's WASI, as cargo's runner
for that target: `python3 .ci/wasi-run.py program.wasm args...`. The whole file system is
preopened at `/`, so the tests read the golden files by their absolute paths; the program's
exit status is the runner's."""
import os
import sys

import wasmtime


def main() -> int:
    program, *args = sys.argv[1:]
    config = wasmtime.Config()
    engine = wasmtime.Engine(config)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, program)
    wasi = wasmtime.WasiConfig()
    wasi.argv = [program, *args]
    wasi.env = [(k, v) for k, v in os.environ.items()] + [("PWD", os.getcwd())]
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    wasi.preopen_dir("/", "/")
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)
    except wasmtime.ExitTrap as exit_trap:
        return exit_trap.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
