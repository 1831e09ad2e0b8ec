/**
 * Shared plumbing for the kernels bigmodel registers on the wasm backend.
 *
 * Our kernels work on `TensorInfo`s directly (never wrapping them as tensors), so reference
 * counting stays with the engine: every intermediate made here is released with
 * `backend.disposeData` before the kernel returns, and only the output survives.
 */
import {
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { ShapeError } from '../errors';
import { nativeGemm } from './native/native-gemm';
import { ACTIVATION_LEAKY_RELU, ACTIVATION_LINEAR, ACTIVATION_RELU, ACTIVATION_RELU6 } from './native/abi';
import { nativeKernels } from './native/native-kernels';

/**
 * Arguments every wasm kernel function receives.
 *
 * @category Backend
 */
export interface WasmKernelArgs {
  inputs: Record<string, TensorInfo>;
  attrs?: NamedAttrMap;
  backend: BackendWasm;
}

/** The stock tfjs-backend-wasm kernels we build on, captured before we register our own. */
const stockKernels = new Map<string, KernelConfig>();

/**
 * Remembers the stock wasm kernel `name` (once), so that an override can still call it.
 *
 * @category Backend
 */
export function captureStockKernel(name: string): KernelConfig | undefined {
  if (!stockKernels.has(name)) {
    const config = getKernel(name, 'wasm');
    if (config) stockKernels.set(name, config);
  }
  return stockKernels.get(name);
}

/**
 * A config that replaces the stock wasm kernel `name` with `kernelFunc` (which may still call the
 * stock one through {@link runStockKernel}); it keeps the stock setup and dispose functions, so
 * re-initialising the backend keeps working.
 * @category Backend
 */
export function replacingStock(name: string, kernelFunc: (args: WasmKernelArgs) => TensorInfo | TensorInfo[]): KernelConfig {
  const stock = captureStockKernel(name);
  return {
    kernelName: name,
    backendName: 'wasm',
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/**
 * Runs the stock wasm kernel `name`. The caller owns (and must dispose) the result.
 *
 * @category Backend
 */
export function runStockKernel(
  name: string,
  backend: BackendWasm,
  inputs: NamedTensorInfoMap | Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = captureStockKernel(name);
  if (!config) throw new Error(`bigmodel: the wasm backend has no ${name} kernel to build on`);
  return config.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

/**
 * A TensorInfo that shares `info`'s data with another shape (a reference is taken; dispose it).
 *
 * @category Backend
 */
export function reshapeInfo(backend: BackendWasm, info: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(info.dataId);
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/**
 * Releases intermediates made by a kernel.
 *
 * @category Backend
 */
export function disposeInfos(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * 2-D float32 matrix product `op(a) x op(b)`, op transposing its operand when asked (`a` stored
 * [m, k] or, transposed, [k, m]; `b` [k, n] or [n, k]). Runs on bigmodel's relaxed-SIMD GEMM on the
 * backend's threads (native/gemm.c), which reads transposed operands in place, where the engine has
 * relaxed SIMD; else transposes physically and runs XNNPACK's fully connected operator (the stock
 * wasm BatchMatMul takes that fast path only for untransposed rank-2 operands). The caller owns
 * the result and keeps its references on `a` and `b`.
 * @category Backend
 */
export function matMul2d(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false): TensorInfo {
  const gemm = nativeGemm(backend);
  const n = transposeB ? b.shape[0] : b.shape[1];
  // Our GEMM computes 16 columns at a time: with 2 or 3 (measured) XNNPACK is faster. A single
  // column is a matrix-vector product or a one-row GEMM (below); on XNNPACK it paid ~0.7 ms per
  // call for the thread pool on 2 threads.
  const narrow = n === 2 || n === 3;
  if (!gemm || narrow || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length !== 2 || b.shape.length !== 2) {
    const left = transposeA ? transpose2d(backend, a) : a;
    const right = transposeB ? transpose2d(backend, b) : b;
    const out = runStockKernel('BatchMatMul', backend, { a: left, b: right }, { transposeA: false, transposeB: false });
    disposeInfos(backend, ...[left, right].filter((info) => info !== a && info !== b));
    return out;
  }
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const kB = transposeB ? b.shape[1] : b.shape[0];
  if (k !== kB) {
    throw new ShapeError({
      parameter: 'matMul.b',
      expected: `inner dimensions to agree: a gives k = ${k}`,
      actual:
        `b gives k = ${kB} (a ${JSON.stringify(a.shape)}${transposeA ? '^T' : ''}, ` +
        `b ${JSON.stringify(b.shape)}${transposeB ? '^T' : ''})`,
      hint: "Check the operands' shapes and the transposeA / transposeB flags.",
    });
  }
  const out = backend.makeOutput([m, n], 'float32');
  const native = nativeKernels(backend);
  if (n === 1 && m > 1 && !transposeA) {
    // c [m, 1] = a [m, k] x one column of k contiguous values (b [k, 1], or b^T stored [1, k]).
    native.exports.gemv_f32(native.offset(a), native.offset(b), native.offset(out), m, k, k);
  } else if (n === 1 && m > 1) {
    // c [m, 1] lies in memory as c^T [1, m] = op(b)^T op(a)^T: one row of m columns instead of m rows
    // of one column (each element's sum keeps its order).
    gemm.run({
      a: native.offset(b),
      b: native.offset(a),
      c: native.offset(out),
      m: 1,
      n: m,
      k,
      transposeA: !transposeB,
      transposeB: !transposeA,
    });
  } else {
    gemm.run({ a: native.offset(a), b: native.offset(b), c: native.offset(out), m, n, k, transposeA, transposeB });
  }
  return out;
}

/**
 * Writes the im2col unfold of `x` into `cols` ([batch * outHeight * outWidth, kh * kw * inChannels],
 * native/conv.c), split by rows across the GEMM's threads where bigmodel's GEMM runs.
 * @category Backend
 */
export function im2colInto(backend: BackendWasm, x: TensorInfo, cols: TensorInfo, info: backend_util.Conv2DInfo): void {
  const native = nativeKernels(backend);
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const args: [number, number, number] = [native.offset(x), native.offset(cols), native.geometry(info)];
  const gemm = nativeGemm(backend);
  if (gemm) gemm.runRows('im2col', args, rows, info.filterHeight * info.filterWidth * info.inChannels);
  else native.exports.im2col(...args, 0, rows);
}

/**
 * Folds `cols` (as {@link im2colInto} lays it out) back into `dx` [batch, inHeight, inWidth,
 * inChannels], summing the taps that read each pixel (native/conv.c col2im); split by rows of dx
 * across the GEMM's threads where bigmodel's GEMM runs, with the same sums as on one thread.
 * @category Backend
 */
export function col2imInto(backend: BackendWasm, cols: TensorInfo, dx: TensorInfo, info: backend_util.Conv2DInfo): void {
  const native = nativeKernels(backend);
  const rows = info.batchSize * info.inHeight;
  const args: [number, number, number] = [native.offset(cols), native.offset(dx), native.geometry(info)];
  const gemm = nativeGemm(backend);
  const colsPerRow = (info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels) / info.inHeight;
  if (gemm) gemm.runRows('col2im', args, rows, Math.ceil(colsPerRow));
  else native.exports.col2im(...args, 0, rows);
}

/**
 * tfjs's FusableActivation codes of the activations native bias_activation_f32 applies (native/abi.h; others keep stock kernels).
 *
 * @category Backend
 */
export const FUSED_ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: ACTIVATION_LINEAR,
  relu: ACTIVATION_RELU,
  relu6: ACTIVATION_RELU6,
  leakyrelu: ACTIVATION_LEAKY_RELU,
};

/**
 * Physically transposes a 2-D TensorInfo on the wasm backend.
 *
 * @category Backend
 */
export function transpose2d(backend: BackendWasm, x: TensorInfo): TensorInfo {
  return runStockKernel('Transpose', backend, { x }, { perm: [1, 0] });
}

/**
 * Throws a {@link ShapeError} unless the layout is NHWC, the only one these kernels implement.
 *
 * @category Backend
 */
export function assertNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new ShapeError({
      parameter: `${kernel}.dataFormat`,
      expected: '"NHWC" (channels last)',
      actual: dataFormat,
      hint: 'Transpose the input to NHWC (tf.transpose(x, [0, 2, 3, 1])) before the convolution.',
    });
  }
}
