/**
 * bigmodel's own GEMM (native/gemm.c) bound to the tfjs wasm backend's memory, run on the backend's threads.
 *
 * The module uses relaxed SIMD (`f32x4.relaxed_madd`, one FMA per lane): where the engine cannot
 * compile it even after switching the flag on ({@link relaxedSimdSupported}), {@link nativeGemm}
 * returns undefined and callers keep XNNPACK. `BIGMODEL_WASM_GEMM=xnnpack` forces that fallback.
 *
 * Threads: tfjs's threaded build (threaded-wasm.ts) runs on a shared `WebAssembly.Memory`. Then a
 * pool of `threads - 1` worker_threads ({@link GemmWorkerPool}), each with its own instance of the
 * GEMM module on that same memory, computes with the main thread: each call is cut into parts
 * (split-work.ts), one per thread, and each thread packs into its own scratch from the backend's
 * allocator. Every element is computed by one thread in the same order whatever the split (see
 * gemm.c), so results are bitwise identical for any thread count. The pool is terminated when the
 * backend is disposed.
 *
 * The same workers also run the row-range kernels of native/conv.c that surround the GEMMs of a
 * convolution (the im2col unfold and the col2im fold, {@link NativeGemm.runRows}): each thread
 * writes its own rows, computed as on one thread, so those stay bitwise identical too.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { InvalidArgumentError } from '../../errors';
import { GEMM_ACCUMULATE, GEMM_TRANSPOSE_A, GEMM_TRANSPOSE_B, GEOMETRY_INTS, type GemmExports } from './abi';
import { GEMM_SHARED_WASM_BASE64, GEMM_WASM_BASE64 } from './gemm-wasm';
import { GemmWorkerPool } from './gemm-worker-pool';
import { kernelsModule, memoryOf, nativeKernels } from './native-kernels';
import { relaxedSimdSupported } from './relaxed-simd-supported';
import { splitChannels, splitRows, splitWork } from './split-work';

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
   * Runs `kernel(args[0], args[1], args[2], rowBegin, rowEnd)` of native/conv.c over the rows
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
  runUnfold(
    args: { x: number; b: number; c: number; m: number; n: number; k: number; geometry: number; transposed: boolean },
    maxThreads?: number,
  ): void;
  /**
   * A convolution's input gradient with the col2im fold in the GEMM's epilogue (native/gemm.c
   * conv_backprop_input_f32): `dx` [batch, inHeight, inWidth, inChannels] from `dy` and the filter
   * `w` [kh, kw, inChannels, outChannels], for the convolution whose geometry lies at `geometry`.
   * Needs inChannels a multiple of 16; the channels are split across threads in multiples of 16,
   * with the same results on any thread count.
   */
  runBackpropInput(
    args: { dy: number; w: number; dx: number; geometry: number; inChannels: number; outChannels: number; taps: number; macs: number },
    maxThreads?: number,
  ): void;
}

/** The row-range kernels of native/conv.c that {@link NativeGemm.runRows} can split across threads. */
export type RowKernel = 'im2col' | 'col2im';

/** Functions a worker can run, by index in a job's slot: [name, module, export name] (the workers get this list). */
const WORKER_FUNCTIONS = [
  ['gemm', 'gemm', 'gemm_f32'],
  ['im2col', 'kernels', 'im2col'],
  ['col2im', 'kernels', 'col2im'],
  ['gemmUnfoldT', 'gemm', 'gemm_f32_unfold_t'],
  ['gemmUnfold', 'gemm', 'gemm_f32_unfold'],
  ['backpropInput', 'gemm', 'conv_backprop_input_f32'],
] as const satisfies readonly (readonly [string, 'gemm' | 'kernels', keyof GemmExports | RowKernel])[];
/** Each worker function's index. */
const FUNCTIONS = Object.fromEntries(WORKER_FUNCTIONS.map(([name], index) => [name, index])) as Record<
  (typeof WORKER_FUNCTIONS)[number][0],
  number
>;

/** Bytes of a convolution's geometry copy in a call's scratch (abi.h's GEOMETRY_INTS int32 values, rounded up to 16 bytes). */
const GEOMETRY_BYTES = Math.ceil((GEOMETRY_INTS * 4) / 16) * 16;

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
  let pool: GemmWorkerPool | undefined;
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
        const functions = WORKER_FUNCTIONS.map(([, instance, exported]): ['gemm' | 'kernels', string] => [instance, exported]);
        pool ??= new GemmWorkerPool(module, kernelsModule(shared), memory, threads - 1, functions);
        pool.run(
          units.slice(1).map((unit, i) => call(unit, pack0 + (i + 1) * packBytes, geometryCopy)),
          first,
        );
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
          part.rows,
          part.cols,
          k,
          lda,
          ldb,
          ldc,
          flags,
          pack,
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
          x,
          b + 4 * part.col,
          c + 4 * (part.row * n + part.col),
          part.rows,
          part.cols,
          k,
          part.row,
          n,
          n,
          pack,
          copy,
        ],
        (transposed ? gemm.gemm_f32_unfold_t : gemm.gemm_f32_unfold) as (...args: number[]) => void,
        geometry,
      );
    },
    runBackpropInput({ dy, w, dx, geometry, inChannels, outChannels, taps, macs }, maxThreads = threads) {
      dispatch(
        splitChannels(inChannels, macs, Math.min(maxThreads, threads)),
        ([, cn]) => gemm.conv_backprop_input_pack_floats(outChannels, cn, taps),
        ([c0, cn], pack, copy) => [FUNCTIONS.backpropInput, dy, w, dx, c0, cn, pack, copy],
        gemm.conv_backprop_input_f32 as (...args: number[]) => void,
        geometry,
      );
    },
    runRows(kernel, [p0, p1, p2], rows, floatsPerRow, maxThreads = threads) {
      if (rows <= 0) return;
      const ranges = splitRows(rows, floatsPerRow, Math.min(maxThreads, threads));
      if (ranges.length === 1) {
        kernels[kernel](p0, p1, p2, 0, rows);
        return;
      }
      // p2 is the geometry of both row kernels.
      dispatch(
        ranges,
        () => 0,
        ([begin, end], _pack, copy) => [FUNCTIONS[kernel], p0, p1, copy, begin, end],
        kernels[kernel],
        p2,
      );
    },
  };
}

/** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
function canBlockMainThread(): boolean {
  if (typeof process === 'undefined' || !process.versions?.node) return false;
  try {
    require('node:worker_threads');
    return true;
  } catch {
    return false;
  }
}
