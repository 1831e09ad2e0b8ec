/**
 * tfjs-backend-wasm's threaded build, made to load in Node.
 *
 * tfjs ships a pthreads build of its wasm module (XNNPACK's convolutions and GEMMs split across a
 * thread pool) but never uses it in Node: it sets WASM_HAS_MULTITHREAD_SUPPORT to false there, and
 * its loader hands the pthread workers `blob:` URLs, which Node's worker_threads reject. This file
 * loads the same build the way Node can: the worker script is written (atomically) to a private
 * temporary directory of the process, and the main script is given by path. The C++ side sizes its
 * pool as min(requested, logical cores / 2) (it assumes two hyper-threads per core), so the core
 * count it reads while it initialises is reported as twice the requested thread count; the real
 * value is restored as soon as the module is up.
 *
 * The result is registered as the `wasm` backend, so every wasm kernel (stock and bigmodel's)
 * applies unchanged.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule & Record<string, unknown>>;

let workerFile: string | undefined;

/** Writes `contents` to `path` atomically (temp file, fsync, rename). */
function writeAtomically(path: string, contents: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** Loads tfjs's threaded wasm module with `threads` threads and wraps it as a tfjs backend. */
async function createThreadedBackend(threads: number): Promise<tf.KernelBackend> {
  const wasmPackage = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const folder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));

  const factory = require(join(folder, 'tfjs-backend-wasm-threaded-simd.js')) as Factory;

  const { wasmWorkerContents } = require(join(folder, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The worker source is a template literal: its "\n" escapes became newlines and must be escaped again.
  const workerScript = wasmWorkerContents.replace(/\n/g, '\\n');
  // A private directory of this process (mkdtemp: unpredictable name, mode 0700), so no other user can plant the script.
  workerFile ??= join(mkdtempSync(join(tmpdir(), 'bigmodel-wasm-')), 'tfjs-backend-wasm-threaded-simd.worker.js');
  writeAtomically(workerFile, workerScript);

  // The module object itself (an `import * as` namespace is read-only).

  const os = require('node:os') as typeof import('node:os');
  // Emscripten's Node glue installs process-wide handlers that rethrow every uncaught exception
  // and rejection from inside its (minified, 50 kB) source; they are removed once it is up.
  const events = ['uncaughtException', 'unhandledRejection'];
  const listenersOf = (event: string) => process.listeners(event as 'uncaughtException') as unknown[];
  const listenersBefore = events.map(listenersOf);
  const realCpus = os.cpus;
  const patchable = os as { cpus: typeof os.cpus };
  patchable.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]);
  let module: EmscriptenModule & Record<string, unknown>;
  try {
    module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? workerFile : path.endsWith('.wasm') ? join(folder, path) : prefix + path,
      mainScriptUrlOrBlob: join(folder, 'tfjs-backend-wasm-threaded-simd.js'),
    });
  } finally {
    patchable.cpus = realCpus;
    events.forEach((event, i) => {
      for (const listener of listenersOf(event)) {
        if (!listenersBefore[i].includes(listener)) process.removeListener(event, listener as never);
      }
    });
  }
  module['tfjs'] = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  wasmPackage.setThreadsCount(threads);
  const backend = new wasmPackage.BackendWasm(module as never);
  // The pool's workers must not keep the process alive once the program is done with it, and they
  // end with the backend (tf.removeBackend('wasm') disposes it).
  const pthreads = module['PThread'] as
    { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[]; terminateAllThreads(): void } | undefined;
  for (const worker of [...(pthreads?.unusedWorkers ?? []), ...(pthreads?.runningWorkers ?? [])]) worker.unref();
  const disposeBackend = backend.dispose.bind(backend);
  backend.dispose = () => {
    disposeBackend();
    pthreads?.terminateAllThreads();
  };
  return backend;
}

/**
 * Registers tfjs's threaded wasm build as the `wasm` backend, computing on `threads` threads.
 * Replaces a `wasm` backend registered before (its tensors are disposed), so call it before
 * creating tensors. Node only.
 * @category Backend
 */
export function registerThreadedWasm(threads: number): void {
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => createThreadedBackend(threads), 2);
}
