/**
 * The worker threads of bigmodel's threaded GEMM: `size` worker_threads (gemm-worker.ts), each with
 * its own instances of the GEMM and kernels modules on the backend's shared memory, to which the main
 * thread hands one call each through a SharedArrayBuffer with Atomics (the main thread blocks in
 * `Atomics.wait`, which Node allows). The workers are unref'd (they never keep the process alive).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { BackendError } from '../../errors';
import type { GemmWorkerData } from './gemm-worker';

/** How long the main thread waits for a worker before giving up with an error (never in normal use). */
const WORKER_TIMEOUT_MS = 60_000;

/*
 * The hand-over protocol. One control block of int32 slots is shared with the workers:
 *   GENERATION  the number of the current call; the main thread writes a call's slots, then
 *               stores its number here (Atomics, so the slots are visible to a worker that sees it)
 *               and notifies;
 *   per worker  the function and its arguments, whether it has a part in this call, whether its
 *               part threw, and ACK: the number of the last call it finished, stored (Atomics) after
 *               its last write to memory and notified.
 * The main thread waits until every worker's ACK equals this call's number, so a worker's answer
 * counts only for the call it was given: a late answer for an abandoned call can never complete a
 * later one. A wake-up without a new call is waited out again. If a worker misses the deadline, the
 * pool is ended (and never reused): the caller keeps that call's scratch allocated, since the
 * worker may still write into it, and the next call starts a fresh pool with a fresh block.
 */
const GENERATION = 0;
const QUIT = 1; // set to end the workers
const JITTER = 2; // test hook: the most microseconds a thread idles at random at each hand-over (0 in normal use)
const SLOTS = 4; // then, per worker: the function (an index into `functions`), up to 11 arguments, HAS_PART, FAILED, ACK
const HAS_PART = 12;
const FAILED = 13;
const ACK = 14;
const SLOT_INTS = 15;
const LAYOUT: GemmWorkerData['layout'] = { GENERATION, QUIT, JITTER, SLOTS, HAS_PART, FAILED, ACK, SLOT_INTS };

let liveWorkers = 0;

/** Test hooks of the worker pools (see {@link setGemmThreadTestHooks}). */
const testHooks = { workerDelayMicros: 0, mainDelayMicros: 0, timeoutMs: WORKER_TIMEOUT_MS };

/**
 * For stress tests only: makes every worker of the GEMM's pools idle a random 0 to
 * `workerDelayMicros` microseconds before it reads its part and again before it reports it done,
 * makes this thread idle a random 0 to `mainDelayMicros` before its own part and again before it
 * waits, and sets how long this thread waits for a worker (`timeoutMs`, default 60 s). Results must
 * not change; only timing does. Calling it without a field restores that field's default (0, 60 s).
 */
export function setGemmThreadTestHooks(hooks: { workerDelayMicros?: number; mainDelayMicros?: number; timeoutMs?: number }): void {
  testHooks.workerDelayMicros = hooks.workerDelayMicros ?? 0;
  testHooks.mainDelayMicros = hooks.mainDelayMicros ?? 0;
  testHooks.timeoutMs = hooks.timeoutMs ?? WORKER_TIMEOUT_MS;
}

/** Idles this thread a random 0 to `micros` microseconds (test hook; Math.random, as timing is all it changes). */
function idleAtRandom(micros: number): void {
  if (micros <= 0) return;
  for (const end = performance.now() + (Math.random() * micros) / 1000; performance.now() < end;);
}

/** GEMM worker threads started and not yet exited, over all backends (for tests). */
export function liveGemmWorkers(): number {
  return liveWorkers;
}

let transpiledWorker: string | undefined;

/**
 * The worker's script: gemm-worker.js beside this file where the package is compiled (dist/), else
 * (running from sources, as under ts-jest) gemm-worker.ts transpiled to CommonJS and run with
 * `eval: true`, since a worker thread cannot load TypeScript.
 */
function workerScript(): { script: string; eval: boolean } {
  const compiled = join(__dirname, 'gemm-worker.js');
  if (existsSync(compiled)) return { script: compiled, eval: false };
  if (transpiledWorker === undefined) {
    const ts = require('typescript') as typeof import('typescript');
    const source = readFileSync(join(__dirname, 'gemm-worker.ts'), 'utf8');
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
    transpiledWorker = ts.transpileModule(source, { compilerOptions: options }).outputText;
  }
  return { script: transpiledWorker, eval: true };
}

/** `size` worker_threads, each running the GEMM and kernels modules on the backend's shared memory. */
export class GemmWorkerPool {
  private readonly control: Int32Array;
  private readonly workers: import('node:worker_threads').Worker[];
  /** The number of the last call handed over. */
  private generation = 0;
  /** A worker missed the deadline of a call: the pool is ended and must not be used again. */
  stalled = false;

  /** `functions` are those a call may name, by index ([module, export name]). */
  constructor(
    module: WebAssembly.Module,
    kernels: WebAssembly.Module,
    memory: WebAssembly.Memory,
    size: number,
    functions: GemmWorkerData['functions'],
  ) {
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.control = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + size * SLOT_INTS)));
    const { script, eval: evaluated } = workerScript();
    this.workers = Array.from({ length: size }, (_, id) => {
      const workerData: GemmWorkerData = {
        module,
        kernelsModule: kernels,
        memory,
        control: this.control.buffer as SharedArrayBuffer,
        id,
        functions,
        layout: LAYOUT,
      };
      const worker = new Worker(script, { eval: evaluated, execArgv: [], workerData });
      liveWorkers++;
      worker.once('exit', () => liveWorkers--);
      worker.unref();
      return worker;
    });
  }

  /**
   * Hands `calls[i]` ([function, ...arguments]) to worker i, runs `own` on this thread, and returns
   * when every worker has finished this call.
   */
  run(calls: number[][], own: () => void): void {
    if (this.stalled) {
      throw new BackendError({ backend: 'wasm', message: 'the GEMM worker pool was ended after a worker missed its deadline.' });
    }
    const ctl = this.control;
    const generation = (this.generation = (this.generation + 1) | 0 || 1); // never 0, the workers' starting value
    for (let id = 0; id < this.workers.length; id++) {
      const slot = SLOTS + id * SLOT_INTS;
      const call = calls[id];
      if (call) ctl.set(call, slot);
      Atomics.store(ctl, slot + HAS_PART, call ? 1 : 0);
    }
    Atomics.store(ctl, JITTER, testHooks.workerDelayMicros);
    // Publishes the slots above: a worker reads them only after it has seen this number.
    Atomics.store(ctl, GENERATION, generation);
    Atomics.notify(ctl, GENERATION);
    let ownError: unknown;
    try {
      idleAtRandom(testHooks.mainDelayMicros);
      own();
    } catch (error) {
      ownError = error;
    }
    // Always wait for the workers, even if this thread's part threw: they write into C and the scratch.
    idleAtRandom(testHooks.mainDelayMicros);
    const deadline = performance.now() + testHooks.timeoutMs; // monotonic: a wall-clock step cannot cut the wait short
    let failed = false;
    for (let id = 0; id < this.workers.length; id++) {
      const ack = SLOTS + id * SLOT_INTS + ACK;
      for (let seen = Atomics.load(ctl, ack); seen !== generation; seen = Atomics.load(ctl, ack)) {
        const left = deadline - performance.now();
        if (left <= 0) {
          this.stalled = true;
          this.terminate();
          throw new BackendError({
            backend: 'wasm',
            message: `a GEMM worker thread did not finish its part within ${testHooks.timeoutMs / 1000} s; its pool was ended.`,
            hint: 'Is the machine overloaded or suspended? The next call starts a fresh pool.',
          });
        }
        Atomics.wait(ctl, ack, seen, left);
      }
      failed ||= Atomics.load(ctl, SLOTS + id * SLOT_INTS + FAILED) !== 0;
    }
    if (ownError !== undefined) throw ownError;
    if (failed) throw new BackendError({ backend: 'wasm', message: 'a GEMM worker thread failed (out-of-bounds memory access?).' });
  }

  /** Ends the workers (they may be blocked in Atomics.wait, so they are told to quit and then terminated). */
  terminate(): void {
    Atomics.store(this.control, QUIT, 1);
    Atomics.store(this.control, GENERATION, (this.generation = (this.generation + 1) | 0 || 1));
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers) void worker.terminate();
  }
}
