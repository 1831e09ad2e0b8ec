/**
 * bigmodel's own GEMM (native/gemm.c) on the tfjs wasm backend's memory, on the backend's threads.
 *
 * The module uses relaxed SIMD (`f32x4.relaxed_madd`, one FMA per lane), which Node 20 (V8 11.3)
 * compiles only behind `--experimental-wasm-relaxed-simd`; newer Node and browsers have it on by
 * default. We ask whether the engine validates a tiny module with one `f32x4.relaxed_madd`, try to
 * switch the flag on in Node if it does not, and ask again; where it still cannot,
 * {@link nativeGemm} returns undefined and callers keep XNNPACK. `BIGMODEL_WASM_GEMM=xnnpack` forces
 * that fallback.
 *
 * Threads: tfjs's threaded build (threaded-wasm.ts) runs on a shared `WebAssembly.Memory`. Then a
 * pool of `threads - 1` worker_threads, each with its own instance of the GEMM module on that same
 * memory, computes with the main thread: C is cut into contiguous row (or column) blocks, one per
 * thread, and each thread packs into its own scratch from the backend's allocator. Jobs are handed
 * over through a SharedArrayBuffer with Atomics (the main thread blocks in `Atomics.wait`, which Node
 * allows). Every element is computed by one thread in the same order whatever the split (see
 * gemm.c), so results are bitwise identical for any thread count. The workers are unref'd (they
 * never keep the process alive) and are terminated when the backend is disposed.
 *
 * The same workers also run the row-range kernels of native/kernels.c that surround the GEMMs of a
 * convolution (the im2col unfold and the col2im fold, {@link NativeGemm.runRows}): each thread
 * writes its own rows, computed as on one thread, so those stay bitwise identical too.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { BackendError, InvalidArgumentError } from '../../errors';
import { GEMM_SHARED_WASM_BASE64, GEMM_WASM_BASE64 } from './gemm-wasm';
import { kernelsModule, memoryOf, nativeKernels } from './native-kernels';

/** The exports of native/gemm.c. Pointer arguments are byte offsets into the backend's heap. */
interface GemmExports {
  gemm_f32(
    a: number, b: number, c: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
    flags: number, pack: number,
  ): void;
  gemm_f32_pack_floats(m: number, n: number, k: number): number;
  gemm_f32_unfold_t(
    x: number, b: number, c: number, m: number, n: number, k: number, i0: number, ldb: number, ldc: number, pack: number, geometry: number,
  ): void;
  gemm_f32_unfold(
    x: number, b: number, c: number, m: number, n: number, k: number, i0: number, ldb: number, ldc: number, pack: number, geometry: number,
  ): void;
  conv_backprop_input_pack_floats(co: number, cn: number, taps: number): number;
  conv_backprop_input_f32(dy: number, w: number, dx: number, c0: number, cn: number, pack: number, geometry: number): void;
}

/**
 * One row-major product `c [m, n] (=|+=) op(a) [m, k] x op(b) [k, n]` on heap offsets (bytes), where
 * op(a) is `a` stored [m, k], or its transpose stored [k, m] (likewise b: [k, n] or [n, k]).
 */
export interface GemmArgs {
  a: number;
  b: number;
  c: number;
  m: number;
  n: number;
  k: number;
  /** `a` is stored transposed, [k, m] (default false). */
  transposeA?: boolean;
  /** `b` is stored transposed, [n, k] (default false). */
  transposeB?: boolean;
  /** Row strides of the stored matrices in floats (default: their row lengths, dense). */
  lda?: number;
  ldb?: number;
  ldc?: number;
  /** Add to c instead of overwriting it (default false). */
  accumulate?: boolean;
}

/** bigmodel's GEMM bound to one backend. */
export interface NativeGemm {
  /** Threads a product may be split across (the backend's thread count when its memory is shared, else 1). */
  readonly threads: number;
  /** Computes one product, split across at most `maxThreads` (default {@link NativeGemm.threads}) threads. */
  run(args: GemmArgs, maxThreads?: number): void;
  /**
   * Runs `kernel(args[0], args[1], args[2], rowBegin, rowEnd)` of native/kernels.c over the rows
   * [0, rows), cut into contiguous ranges across at most `maxThreads` threads when there are at least
   * 64 Ki floats (`floatsPerRow` each) per thread.
   */
  runRows(kernel: RowKernel, args: [number, number, number], rows: number, floatsPerRow: number, maxThreads?: number): void;
  /**
   * A product with the im2col unfold of an NHWC input `x` that is never written out: with
   * `transposed`, a convolution's filter gradient `c [m, n] = unfold(x)^T [m, k] x b [k, n]` (k output
   * positions, m = kh * kw * ci taps, b = dy); without, its forward pass `c [m, n] = unfold(x) [m, k]
   * x b [k, n]` (m positions, k taps, b = the filter). `geometry` is the heap offset of the
   * convolution's 15 ints ({@link NativeKernels.geometry}). Split across threads like
   * {@link NativeGemm.run}, and bitwise the same as `run` on the written-out unfold.
   */
  runUnfold(args: { x: number; b: number; c: number; m: number; n: number; k: number; geometry: number; transposed: boolean }, maxThreads?: number): void;
  /**
   * A convolution's input gradient with the col2im fold in the GEMM's epilogue (native/gemm.c
   * conv_backprop_input_f32): `dx` [batch, inHeight, inWidth, inChannels] from `dy` and the filter
   * `w` [kh, kw, inChannels, outChannels], for the convolution whose geometry lies at `geometry`.
   * Needs inChannels a multiple of 16; the channels are split across threads in multiples of 16,
   * with the same results on any thread count.
   */
  runBackpropInput(args: { dy: number; w: number; dx: number; geometry: number; inChannels: number; outChannels: number; taps: number; macs: number }, maxThreads?: number): void;
}

/** The row-range kernels of native/kernels.c that {@link NativeGemm.runRows} can split across threads. */
export type RowKernel = 'im2col' | 'col2im';

/** Functions a worker can run, by index in a job's slot (the worker's `fns` lists them in this order). */
const FUNCTIONS: Record<'gemm' | 'gemmUnfoldT' | 'gemmUnfold' | 'backpropInput' | RowKernel, number> = {
  gemm: 0,
  im2col: 1,
  col2im: 2,
  gemmUnfoldT: 3,
  gemmUnfold: 4,
  backpropInput: 5,
};

/** Products below this many multiply-adds run on one thread: handing them over costs more than it saves. */
const MIN_MACS_PER_THREAD = 1 << 20;
/** Row kernels (copies and sums) below this many floats per thread run on one thread. */
const MIN_FLOATS_PER_THREAD = 1 << 16;
/** Tile sizes of gemm.c: row blocks are cut at multiples of MR, column blocks at multiples of NR. */
const MR = 2;
const NR = 16;
/** gemm_f32's flag bits (native/gemm.c). */
const GEMM_ACCUMULATE = 1;
const GEMM_TRANSPOSE_A = 2;
const GEMM_TRANSPOSE_B = 4;
/** How long the main thread waits for a worker before giving up with an error (never in normal use). */
const WORKER_TIMEOUT_MS = 60_000;
/** Bytes of a convolution's geometry copy in a call's scratch (15 int32 values, rounded up to 16 bytes). */
const GEOMETRY_BYTES = 64;

/**
 * The smallest module with an `f32x4.relaxed_madd`: (func (param v128 v128 v128) (result v128)
 * (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))).
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code
]);

let relaxedSimd: boolean | undefined;

/**
 * Whether this engine compiles relaxed SIMD, switching it on in Node where V8 keeps it behind a
 * flag (Node 20). Never throws: where the flag cannot be set the answer is simply false.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSimd !== undefined) return relaxedSimd;
  relaxedSimd = WebAssembly.validate(RELAXED_SIMD_PROBE);
  if (!relaxedSimd && typeof process !== 'undefined' && process.versions?.node) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = WebAssembly.validate(RELAXED_SIMD_PROBE);
    } catch {
      relaxedSimd = false;
    }
  }
  return relaxedSimd;
}

/**
 * Whether `BIGMODEL_WASM_GEMM=xnnpack` asks for the stock XNNPACK products (`bigmodel` or unset: ours
 * where the engine allows). Read on every call, so that a benchmark can switch within one process.
 */
function forcedToXnnpack(): boolean {
  const value = typeof process !== 'undefined' ? process.env?.['BIGMODEL_WASM_GEMM'] : undefined;
  if (value === undefined || value === '' || value === 'bigmodel') return false;
  if (value === 'xnnpack') return true;
  throw new InvalidArgumentError({
    parameter: 'BIGMODEL_WASM_GEMM',
    value,
    message: 'Expected "bigmodel" (the default: bigmodel\'s GEMM where the engine has relaxed SIMD) or "xnnpack".',
  });
}

const compiled: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
const bound = new WeakMap<BackendWasm, NativeGemm>();

/**
 * bigmodel's GEMM for `backend`, instantiated on first use; undefined where the engine lacks relaxed
 * SIMD or `BIGMODEL_WASM_GEMM=xnnpack` is set (callers then use XNNPACK).
 */
export function nativeGemm(backend: BackendWasm): NativeGemm | undefined {
  if (forcedToXnnpack() || !relaxedSimdSupported()) return undefined;
  let gemm = bound.get(backend);
  if (!gemm) {
    gemm = bindGemm(backend);
    bound.set(backend, gemm);
  }
  return gemm;
}

interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  tfjs?: { getThreadsCount?(): number };
}

function bindGemm(backend: BackendWasm): NativeGemm {
  const memory = memoryOf(backend);
  const shared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
  const module = shared
    ? (compiled.shared ??= new WebAssembly.Module(Buffer.from(GEMM_SHARED_WASM_BASE64, 'base64')))
    : (compiled.plain ??= new WebAssembly.Module(Buffer.from(GEMM_WASM_BASE64, 'base64')));
  // Not named `exports`: that would shadow CommonJS's `exports`, through which this module's own exported constants are read.
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  const kernels = nativeKernels(backend).exports;
  const wasm = backend.wasm as unknown as WasmModule;
  const threads = shared && canBlockMainThread() ? Math.max(1, wasm.tfjs?.getThreadsCount?.() ?? 1) : 1;
  let pool: WorkerPool | undefined;
  if (threads > 1) {
    // The pool ends with the backend (tf.removeBackend disposes it).
    const disposeBackend = backend.dispose.bind(backend);
    backend.dispose = () => {
      pool?.terminate();
      pool = undefined;
      disposeBackend();
    };
  }

  /**
   * Runs one native call per unit of work, the first on this thread and the others on the pool,
   * each with its own 16-byte aligned packing scratch of `packFloats(unit)` floats (the heap may
   * grow here; offsets stay valid, and may exceed 2^31 on a 4 GiB heap: no int32 bit arithmetic on
   * them). A convolution's `geometry` (15 ints) is copied into that scratch first, so that every
   * thread reads a copy of its own call (kernels' shared geometry block is rewritten by the next
   * kernel). `call(unit, pack, geometry)` gives `[FUNCTIONS id, ...arguments]`; `own` is the same
   * function called directly. If a worker misses its deadline the pool is ended and the scratch is
   * left allocated (never reused while that worker may still write into it).
   */
  function dispatch<U>(
    units: U[],
    packFloats: (unit: U) => number,
    call: (unit: U, pack: number, geometry: number) => number[],
    own: (...args: number[]) => void,
    geometry = 0,
  ) {
    const packBytes = Math.ceil(Math.max(...units.map(packFloats)) / 4) * 16;
    const scratch = wasm._malloc(packBytes * units.length + GEOMETRY_BYTES + 16);
    if (!scratch) throw new Error(`bigmodel: out of wasm memory for ${packBytes * units.length} bytes of GEMM scratch`);
    const pack0 = Math.ceil(scratch / 16) * 16;
    const geometryCopy = geometry && pack0 + packBytes * units.length;
    if (geometry) new Int32Array(memory.buffer).copyWithin(geometryCopy / 4, geometry / 4, geometry / 4 + GEOMETRY_BYTES / 4);
    let abandoned = false;
    try {
      const first = () => own(...call(units[0], pack0, geometryCopy).slice(1));
      if (units.length === 1) {
        first();
      } else {
        pool ??= new WorkerPool(module, kernelsModule(shared), memory, threads - 1);
        pool.run(units.slice(1).map((unit, i) => call(unit, pack0 + (i + 1) * packBytes, geometryCopy)), first);
      }
    } catch (error) {
      if (pool?.stalled) {
        // A worker may still be writing into this scratch (and into the call's output, which the
        // throwing kernel never hands on): keep both allocated, and start a fresh pool next time.
        abandoned = true;
        pool = undefined;
      }
      throw error;
    } finally {
      if (!abandoned) wasm._free(scratch);
    }
  }

  return {
    threads,
    run(args, maxThreads = threads) {
      const { a, b, c, m, n, k, transposeA = false, transposeB = false } = args;
      const lda = args.lda ?? (transposeA ? m : k);
      const ldb = args.ldb ?? (transposeB ? k : n);
      const ldc = args.ldc ?? n;
      const flags = (args.accumulate ? GEMM_ACCUMULATE : 0) | (transposeA ? GEMM_TRANSPOSE_A : 0) | (transposeB ? GEMM_TRANSPOSE_B : 0);
      if (m <= 0 || n <= 0) return;
      // A block of C reads rows [row, row + rows) of op(a) and columns [col, col + cols) of op(b).
      dispatch(
        splitWork(m, n, k, Math.min(maxThreads, threads)),
        (part) => gemm.gemm_f32_pack_floats(part.rows, part.cols, k),
        (part, pack) => [
          FUNCTIONS.gemm,
          a + 4 * (transposeA ? part.row : part.row * lda),
          b + 4 * (transposeB ? part.col * ldb : part.col),
          c + 4 * (part.row * ldc + part.col),
          part.rows, part.cols, k, lda, ldb, ldc, flags, pack,
        ],
        gemm.gemm_f32 as (...args: number[]) => void,
      );
    },
    runUnfold({ x, b, c, m, n, k, geometry, transposed }, maxThreads = threads) {
      if (m <= 0 || n <= 0) return;
      // A block of C is rows [row, row + rows) of the (transposed) unfold times columns [col, col + cols) of b.
      dispatch(
        splitWork(m, n, k, Math.min(maxThreads, threads)),
        (part) => gemm.gemm_f32_pack_floats(part.rows, part.cols, k),
        (part, pack, copy) => [
          transposed ? FUNCTIONS.gemmUnfoldT : FUNCTIONS.gemmUnfold,
          x, b + 4 * part.col, c + 4 * (part.row * n + part.col),
          part.rows, part.cols, k, part.row, n, n, pack, copy,
        ],
        (transposed ? gemm.gemm_f32_unfold_t : gemm.gemm_f32_unfold) as (...args: number[]) => void,
        geometry,
      );
    },
    runBackpropInput({ dy, w, dx, geometry, inChannels, outChannels, taps, macs }, maxThreads = threads) {
      const wanted = Math.max(1, Math.min(maxThreads, threads, inChannels / NR, Math.floor(macs / MIN_MACS_PER_THREAD)));
      // Channel ranges in multiples of NR (16), as even as they come.
      const unitsPer = Math.ceil(inChannels / NR / wanted);
      const ranges: [number, number][] = [];
      for (let c0 = 0; c0 < inChannels; c0 += unitsPer * NR) ranges.push([c0, Math.min(unitsPer * NR, inChannels - c0)]);
      dispatch(
        ranges,
        ([, cn]) => gemm.conv_backprop_input_pack_floats(outChannels, cn, taps),
        ([c0, cn], pack, copy) => [FUNCTIONS.backpropInput, dy, w, dx, c0, cn, pack, copy],
        gemm.conv_backprop_input_f32 as (...args: number[]) => void,
        geometry,
      );
    },
    runRows(kernel, [p0, p1, p2], rows, floatsPerRow, maxThreads = threads) {
      if (rows <= 0) return;
      const wanted = Math.max(1, Math.min(maxThreads, threads, Math.floor((rows * floatsPerRow) / MIN_FLOATS_PER_THREAD), rows));
      const step = Math.ceil(rows / wanted);
      if (wanted === 1) {
        kernels[kernel](p0, p1, p2, 0, rows);
        return;
      }
      const ranges: [number, number][] = [];
      for (let begin = 0; begin < rows; begin += step) ranges.push([begin, Math.min(begin + step, rows)]);
      // p2 is the geometry of both row kernels.
      dispatch(ranges, () => 0, ([begin, end], _pack, copy) => [FUNCTIONS[kernel], p0, p1, copy, begin, end], kernels[kernel], p2);
    },
  };
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
function canBlockMainThread(): boolean {
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('node:worker_threads');
    return true;
  } catch {
    return false;
  }
}

/** A block of C: rows [row, row + rows) x columns [col, col + cols). */
interface Part {
  row: number;
  rows: number;
  col: number;
  cols: number;
}

/** Cuts C into at most `threads` contiguous blocks along its longer side (rows at multiples of MR, columns of NR). */
export function splitWork(m: number, n: number, k: number, threads: number): Part[] {
  const wanted = Math.max(1, Math.min(threads, Math.floor((m * n * k) / MIN_MACS_PER_THREAD)));
  if (wanted === 1) return [{ row: 0, rows: m, col: 0, cols: n }];
  const byRows = m >= n;
  const length = byRows ? m : n;
  const unit = byRows ? MR : NR;
  const step = Math.ceil(Math.ceil(length / wanted) / unit) * unit;
  const parts: Part[] = [];
  for (let start = 0; start < length; start += step) {
    const size = Math.min(step, length - start);
    parts.push(byRows ? { row: start, rows: size, col: 0, cols: n } : { row: 0, rows: m, col: start, cols: size });
  }
  return parts;
}

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
const SLOTS = 4; // then, per worker: the function (FUNCTIONS), up to 11 arguments, HAS_PART, FAILED, ACK
const HAS_PART = 12;
const FAILED = 13;
const ACK = 14;
const SLOT_INTS = 15;

/** The workers' code (CommonJS, run with `eval: true`; it never prints). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, kernelsModule, memory, control, id } = workerData;
const ctl = new Int32Array(control);
let fns = [];
try {
  const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = new WebAssembly.Instance(kernelsModule, { env: { memory } }).exports;
  // In the order of FUNCTIONS.
  fns = [gemm.gemm_f32, kernels.im2col, kernels.col2im, gemm.gemm_f32_unfold_t, gemm.gemm_f32_unfold, gemm.conv_backprop_input_f32];
} catch {
  fns = [];
}
const idle = (micros) => {
  if (micros > 0) for (const end = performance.now() + (Math.random() * micros) / 1000; performance.now() < end; );
};
const s = ${SLOTS} + id * ${SLOT_INTS};
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, seen);
  const call = Atomics.load(ctl, ${GENERATION});
  if (call === seen) continue; // woken without a new call
  seen = call;
  if (Atomics.load(ctl, ${QUIT})) break;
  const jitter = Atomics.load(ctl, ${JITTER});
  idle(jitter);
  let failed = 0;
  if (Atomics.load(ctl, s + ${HAS_PART})) {
    try {
      fns[ctl[s]](ctl[s + 1], ctl[s + 2], ctl[s + 3], ctl[s + 4], ctl[s + 5], ctl[s + 6], ctl[s + 7], ctl[s + 8], ctl[s + 9], ctl[s + 10], ctl[s + 11]);
    } catch {
      failed = 1;
    }
  }
  idle(jitter);
  Atomics.store(ctl, s + ${FAILED}, failed);
  Atomics.store(ctl, s + ${ACK}, call);
  Atomics.notify(ctl, s + ${ACK});
}
`;

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
  for (const end = performance.now() + (Math.random() * micros) / 1000; performance.now() < end; );
}

/** GEMM worker threads started and not yet exited, over all backends (for tests). */
export function liveGemmWorkers(): number {
  return liveWorkers;
}

/** `size` worker_threads, each running the GEMM and kernels modules on the backend's shared memory. */
class WorkerPool {
  private readonly control: Int32Array;
  private readonly workers: import('node:worker_threads').Worker[];
  /** The number of the last call handed over. */
  private generation = 0;
  /** A worker missed the deadline of a call: the pool is ended and must not be used again. */
  stalled = false;

  constructor(module: WebAssembly.Module, kernels: WebAssembly.Module, memory: WebAssembly.Memory, size: number) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.control = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + size * SLOT_INTS)));
    this.workers = Array.from({ length: size }, (_, id) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        workerData: { module, kernelsModule: kernels, memory, control: this.control.buffer, id },
      });
      liveWorkers++;
      worker.once('exit', () => liveWorkers--);
      worker.unref();
      return worker;
    });
  }

  /** Hands `calls[i]` ([function, ...arguments]) to worker i, runs `own` on this thread, and returns when every worker has finished this call. */
  run(calls: number[][], own: () => void): void {
    if (this.stalled) throw new BackendError({ backend: 'wasm', message: 'the GEMM worker pool was ended after a worker missed its deadline.' });
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
