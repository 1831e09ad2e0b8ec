/**
 * One worker thread of the GEMM's pool ({@link GemmWorkerPool}): it instantiates the GEMM and kernels
 * modules on the backend's shared memory and runs the calls the main thread hands over through the
 * control block, following the numbered hand-over protocol described in gemm-worker-pool.ts. It never
 * prints.
 *
 * This file runs on its own in a worker thread (compiled to gemm-worker.js; from sources, the pool
 * transpiles it): it imports nothing of the package, and takes the control block's layout and the
 * functions it may run from its `workerData` ({@link GemmWorkerData}).
 */
import { workerData as data } from 'node:worker_threads';

/** What a GEMM worker is started with. */
export interface GemmWorkerData {
  module: WebAssembly.Module;
  kernelsModule: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** This worker's index: its slots start at `layout.SLOTS + id * layout.SLOT_INTS`. */
  id: number;
  /** The functions a call may name, by index: [module, export name]. */
  functions: ['gemm' | 'kernels', string][];
  /** Indices of the control block's int32 values (see gemm-worker-pool.ts). */
  layout: Record<'GENERATION' | 'QUIT' | 'JITTER' | 'SLOTS' | 'HAS_PART' | 'FAILED' | 'ACK' | 'SLOT_INTS', number>;
}

type NativeFunction = (...args: number[]) => void;

/** Idles this thread a random 0 to `micros` microseconds (the stress tests' jitter; 0 in normal use). */
function idle(micros: number): void {
  if (micros > 0) for (const end = performance.now() + (Math.random() * micros) / 1000; performance.now() < end;);
}

/** Serves calls until the pool sets QUIT (or terminates this thread). */
function serve({ module, kernelsModule, memory, control, id, functions, layout }: GemmWorkerData): void {
  const { GENERATION, QUIT, JITTER, SLOTS, HAS_PART, FAILED, ACK, SLOT_INTS } = layout;
  const ctl = new Int32Array(control);
  let fns: NativeFunction[];
  try {
    const instances = {
      gemm: new WebAssembly.Instance(module, { env: { memory } }).exports,
      kernels: new WebAssembly.Instance(kernelsModule, { env: { memory } }).exports,
    };
    fns = functions.map(([instance, name]) => instances[instance][name] as NativeFunction);
  } catch {
    fns = [];
  }
  const s = SLOTS + id * SLOT_INTS;
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, GENERATION, seen);
    const call = Atomics.load(ctl, GENERATION);
    if (call === seen) continue; // woken without a new call
    seen = call;
    if (Atomics.load(ctl, QUIT)) break;
    const jitter = Atomics.load(ctl, JITTER);
    idle(jitter);
    let failed = 0;
    if (Atomics.load(ctl, s + HAS_PART)) {
      try {
        const a = (i: number) => ctl[s + i];
        fns[ctl[s]](a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11));
      } catch {
        failed = 1;
      }
    }
    idle(jitter);
    Atomics.store(ctl, s + FAILED, failed);
    Atomics.store(ctl, s + ACK, call);
    Atomics.notify(ctl, s + ACK);
  }
}

serve(data as GemmWorkerData);
