/**
 * Conv2D and FusedConv2D for the wasm backend, as an im2col unfold and one GEMM on bigmodel's
 * relaxed-SIMD GEMM: `y[m, co] = sum_K cols[m, K] * W[K, co]` with m = (n, oh, ow) and
 * K = (kh, kw, ci), W being the filter [kh, kw, ci, co] as it lies in memory. A 1x1 stride-1
 * unpadded convolution needs no unfold; with a channel count that is a multiple of 4 the GEMM packs
 * the unfold straight from x (native/gemm.c gemm_f32_unfold), else it is written out first
 * (native/conv.c im2col), with bitwise the same results. FusedConv2D's bias and activation (linear, relu, relu6,
 * leaky relu) are one pass over y afterwards.
 *
 * Every depth K = kh * kw * ci takes this path wherever bigmodel's GEMM runs, on any thread count,
 * so that results stay bitwise the same on 1 and 2 threads. Measured against XNNPACK's convolution
 * (2026-11-29, in one process, 1-2 other processes running; ours / stock time, 1 thread then 2):
 * K = 16 [64,28,28,1] * [4,4,1,64] stride 2 0.61 / 0.43, K = 9 [64,28,28,1] * [3,3,1,32] 0.92 /
 * 0.64, K = 27 [64,28,28,3] * [3,3,3,32] 1.08 / 0.85, K = 144 0.61-0.83 / 0.51-0.70, K = 75
 * [16,32,32,3] * [5,5,3,16] 1.48 / 0.96, K = 1024 1.0 / 0.93, 1x1 K = 8 ~1.0 / 0.48. On 2 threads
 * every stock convolution pays ~0.7-1 ms per call for XNNPACK's thread pool, and our unfold is
 * split across the threads. Without relaxed SIMD, for NCHW, and for the other fused activations
 * the stock kernel runs.
 */
import {
  backend_util,
  Conv2D,
  FusedConv2D,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { nativeGemm } from './native/native-gemm';
import { nativeKernels } from './native/native-kernels';
import { disposeInfos, FUSED_ACTIVATION_CODES, im2colInto, replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * y = act(conv(x, filter) + bias) through im2col and our GEMM, or undefined where the stock
 * kernel should run instead. The caller owns the result.
 */
function im2colConv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DAttrs,
  epilogue: { bias?: TensorInfo; activation: number; alpha: number },
): TensorInfo | undefined {
  const gemm = nativeGemm(backend);
  if (!gemm || x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4) return undefined;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  if (info.dataFormat !== 'channelsLast') return undefined;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  const { bias } = epilogue;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return undefined;

  const native = nativeKernels(backend);
  const pointwise =
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth;
  const y = backend.makeOutput(info.outShape, 'float32');
  if (pointwise) {
    gemm.run({ a: native.offset(x), b: native.offset(filter), c: native.offset(y), m, n, k });
  } else if (info.inChannels % 4 === 0) {
    // The GEMM packs the unfold straight from x, four channels at a time (never written out).
    const [px, pw, py] = [native.offset(x), native.offset(filter), native.offset(y)];
    gemm.runUnfold({ x: px, b: pw, c: py, m, n, k, geometry: native.geometry(info), transposed: false });
  } else {
    const cols = backend.makeOutput([m, k], 'float32');
    im2colInto(backend, x, cols, info);
    gemm.run({ a: native.offset(cols), b: native.offset(filter), c: native.offset(y), m, n, k });
    disposeInfos(backend, cols);
  }
  if (bias || epilogue.activation !== 0) {
    native.exports.bias_activation_f32(native.offset(y), bias ? native.offset(bias) : 0, m, n, epilogue.activation, epilogue.alpha);
  }
  return y;
}

function conv2d({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { x, filter } = inputs;
  const ours = im2colConv2d(backend, x, filter, attrs as unknown as Conv2DAttrs, { activation: 0, alpha: 0 });
  return ours ?? runStockKernel(Conv2D, backend, inputs, attrs);
}

function fusedConv2d({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { x, filter, bias, preluActivationWeights } = inputs;
  const fused = attrs as unknown as FusedConv2DAttrs;
  const activation = FUSED_ACTIVATION_CODES[fused.activation ?? 'linear'];
  const ours =
    activation === undefined || preluActivationWeights
      ? undefined
      : im2colConv2d(backend, x, filter, fused, { bias, activation, alpha: fused.leakyreluAlpha ?? 0 });
  return ours ?? runStockKernel(FusedConv2D, backend, inputs, attrs);
}

/**
 * Builds the Conv2D override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function conv2dConfig(): KernelConfig {
  return replacingStock(Conv2D, conv2d);
}

/**
 * Builds the FusedConv2D override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function fusedConv2dConfig(): KernelConfig {
  return replacingStock(FusedConv2D, fusedConv2d);
}
