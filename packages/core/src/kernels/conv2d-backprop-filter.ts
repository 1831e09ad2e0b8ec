/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so conv1d, conv2d,
 * conv2dTranspose and separableConv2d cannot train there without it).
 *
 * `dW[(kh, kw, ci), co] = sum_m cols[m, (kh, kw, ci)] * dy[m, co]`: an im2col unfold of the input
 * and one GEMM. With a channel count that is a multiple of 4, bigmodel's GEMM packs cols^T straight
 * from the input (native/gemm.c gemm_f32_unfold_t), so the unfold is never written out; otherwise
 * it reads a written-out cols transposed in place. For the XNNPACK fallback the unfold is written
 * transposed, so that the product is a single untransposed GEMM.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';

import { nativeGemm } from './native/native-gemm';
import { nativeKernels } from './native/native-kernels';
import { assertNhwc, disposeInfos, im2colInto, matMul2d, reshapeInfo, type WasmKernelArgs } from './wasm-kernel-utils';

function conv2dBackpropFilter({ inputs, attrs, backend }: WasmKernelArgs) {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  assertNhwc('Conv2DBackpropFilter', dataFormat);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;

  const native = nativeKernels(backend);
  const dy2d = reshapeInfo(backend, dy, [m, info.outChannels]);
  let dw2d: TensorInfo;
  const gemm = nativeGemm(backend);
  if (gemm && info.inChannels % 4 === 0) {
    // Our GEMM packs the unfold's transpose straight from x, four channels at a time: the unfold is
    // never written out (same results as below, bitwise).
    dw2d = backend.makeOutput([k, info.outChannels], 'float32');
    const [px, pdy, pdw] = [native.offset(x), native.offset(dy2d), native.offset(dw2d)];
    gemm.runUnfold({ x: px, b: pdy, c: pdw, m: k, n: info.outChannels, k: m, geometry: native.geometry(info), transposed: true });
    disposeInfos(backend, dy2d);
  } else if (gemm) {
    // Our GEMM reads cols^T in place, so the unfold can write contiguous rows (5x faster than colsT).
    const cols = backend.makeOutput([m, k], 'float32');
    im2colInto(backend, x, cols, info);
    dw2d = matMul2d(backend, cols, dy2d, true, false);
    disposeInfos(backend, cols, dy2d);
  } else {
    const colsT = backend.makeOutput([k, m], 'float32');
    native.exports.im2col_transposed(native.offset(x), native.offset(colsT), native.geometry(info));
    dw2d = matMul2d(backend, colsT, dy2d);
    disposeInfos(backend, colsT, dy2d);
  }
  dw2d.shape = [...filterShape];
  return dw2d;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
