/**
 * Loads bigmodel's compiled kernels (native/kernels.c) into the tfjs wasm backend's memory.
 *
 * The module imports the backend's own `WebAssembly.Memory`, so its functions take tensors' heap
 * offsets and work in place: no copies between JavaScript and wasm.
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm';

/** The exports of native/kernels.c. Pointer arguments are byte offsets into the backend's heap. */
interface KernelExports {
  im2col_transposed(x: number, colsT: number, geometry: number): void;
  col2im(cols: number, dx: number, geometry: number, rowBegin: number, rowEnd: number): void;
  im2col(x: number, cols: number, geometry: number, rowBegin: number, rowEnd: number): void;
  bias_activation_f32(x: number, bias: number, rows: number, cols: number, activation: number, alpha: number): void;
  max_pool_grad(x: number, dy: number, dx: number, geometry: number): void;
  depthwise_backprop_input(dy: number, w: number, dx: number, geometry: number): void;
  depthwise_backprop_filter(x: number, dy: number, dw: number, geometry: number): void;
  unsorted_segment_sum_f32(x: number, ids: number, out: number, count: number, inner: number, segments: number): void;
  unsorted_segment_sum_i32(x: number, ids: number, out: number, count: number, inner: number, segments: number): void;
  sum_rows_f32(x: number, out: number, rows: number, cols: number, scale: number): void;
  leaky_relu_f32(x: number, out: number, n: number, alpha: number): void;
  sqrt_f32(x: number, out: number, n: number): void;
  compare_f32(a: number, b: number, out: number, n: number, bScalar: number, op: number): void;
  select_f32(condition: number, t: number, e: number, out: number, n: number): void;
  batch_norm_f32(
    x: number, mean: number, meanLen: number, variance: number, varianceLen: number, offset: number, offsetLen: number,
    scale: number, scaleLen: number, out: number, n: number, channels: number, epsilon: number, scratch: number,
  ): void;
  tile_32(x: number, out: number, spec: number): void;
  binary_row_f32(x: number, row: number, out: number, rows: number, cols: number, op: number, rowFirst: number): void;
  unary_f32(x: number, out: number, n: number, op: number): void;
  clip_f32(x: number, out: number, n: number, low: number, high: number): void;
  gemv_f32(a: number, x: number, out: number, m: number, k: number, lda: number): void;
  max_pool_f32(x: number, out: number, geometry: number): void;
  adam_f32(
    w: number, g: number, m: number, v: number, vMax: number, wOut: number, mOut: number, vOut: number, vMaxOut: number,
    n: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, biasCorrection2Sqrt: number,
    epsilon: number, stepSize: number,
  ): void;
}

/** The kernels bound to one backend instance, with a small scratch block for geometry arguments. */
export interface NativeKernels {
  readonly exports: KernelExports;
  /** Heap offset of a tensor's data. */
  offset(info: TensorInfo): number;
  /** Writes a convolution/pooling geometry to scratch and returns its heap offset. */
  geometry(info: backend_util.Conv2DInfo): number;
  /** Writes up to 32 int32 values to scratch and returns their heap offset (valid until the next call). */
  ints(values: number[]): number;
  /** Allocates `bytes` of temporary heap; release with {@link NativeKernels.free}. */
  malloc(bytes: number): number;
  free(pointer: number): void;
}

const SCRATCH_INTS = 32;
const compiled: { plain?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
const bound = new WeakMap<BackendWasm, NativeKernels>();

/** The backend's linear memory (shared when tfjs's threaded build is loaded). */
export function memoryOf(backend: BackendWasm): WebAssembly.Memory {
  // The single-threaded module exports its memory; the threaded one imports it (Module.wasmMemory).
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error('bigmodel: cannot find the wasm backend\'s memory (expected tfjs-backend-wasm 4.x)');
  }
  return memory;
}

/** The compiled kernels module for a plain or a shared memory (compiled once; GEMM worker threads instantiate it too). */
export function kernelsModule(shared: boolean): WebAssembly.Module {
  return shared
    ? (compiled.shared ??= new WebAssembly.Module(Buffer.from(KERNELS_SHARED_WASM_BASE64, 'base64')))
    : (compiled.plain ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
}

/** The compiled kernels for `backend`, instantiated on first use. */
export function nativeKernels(backend: BackendWasm): NativeKernels {
  let kernels = bound.get(backend);
  if (kernels) return kernels;
  const memory = memoryOf(backend);
  // tfjs's threaded build runs on a shared memory, which only a module declaring a shared import accepts.
  const shared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
  const module = kernelsModule(shared);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const wasm = backend.wasm as unknown as { _malloc(bytes: number): number; _free(pointer: number): void };
  const scratch = wasm._malloc(SCRATCH_INTS * 4);
  const ints = (values: number[]) => {
    if (values.length > SCRATCH_INTS) throw new Error(`bigmodel: ${values.length} ints exceed the kernel scratch`);
    new Int32Array(memory.buffer, scratch, values.length).set(values);
    return scratch;
  };
  kernels = {
    exports,
    offset: (info) => backend.dataIdMap.get(info.dataId).memoryOffset,
    ints,
    geometry(info) {
      return ints([
        info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
        info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
        info.padInfo.top, info.padInfo.left,
      ]);
    },
    malloc: (bytes) => wasm._malloc(bytes),
    free: (pointer) => wasm._free(pointer),
  };
  bound.set(backend, kernels);
  return kernels;
}
