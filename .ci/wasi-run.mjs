// Runs a wasm32-wasip1 program (a cargo test binary) under Node.js's WASI, as cargo's runner
// for that target: `node --no-warnings .ci/wasi-run.mjs program.wasm args...`. The whole file
// system is preopened at `/`, so the tests read the golden files by their absolute paths.
//
// The program runs in a child process that reports its exit status over IPC before it exits:
// Node 20 can crash (SIGSEGV) while tearing down a process after a program that grew its memory
// to tens of MiB had already returned. The status is the program's own; a child that dies
// before reporting one (a real crash) fails the run with its signal.
import { fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import process, { argv, cwd, env } from 'node:process';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';

const CHILD = 'POSENC_WASI_RUN_CHILD';

if (env[CHILD] !== '1') {
  const child = fork(fileURLToPath(import.meta.url), argv.slice(2), {
    env: { ...env, [CHILD]: '1' },
    execArgv: ['--no-warnings'],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  let reported = null;
  child.on('message', (message) => {
    reported = message.status;
  });
  child.on('exit', (status, signal) => {
    if (reported !== null) {
      process.exit(reported);
    }
    console.error(`wasi-run: the program ended without a status (${signal ?? status})`);
    process.exit(status || 1);
  });
} else {
  const [program, ...args] = argv.slice(2);
  const { [CHILD]: _, ...programEnv } = env;
  const wasi = new WASI({
    version: 'preview1',
    args: [program, ...args],
    env: { ...programEnv, PWD: cwd() },
    preopens: { '/': '/' },
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(await readFile(program));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  const status = wasi.start(instance);
  process.send({ status }, () => process.exit(status));
}
