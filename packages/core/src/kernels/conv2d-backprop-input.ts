/**
 * Conv2DBackpropInput for the wasm backend: the gradient of conv2d with respect to its input, and
 * the forward pass of conv2dTranspose.
 *
 * The stock kernel is a naive loop. We compute it as one GEMM ({@link matMul2d}: bigmodel's, or
 * XNNPACK's) followed by a col2im fold: `cols[m, (kh, kw, ci)] = sum_co dy[m, co] * W[kh, kw, ci, co]`
 * (the filter read as a transposed [K, co] operand), then every column entry
 * is added to the input pixel it came from (col2im, native/kernels.c, split by rows of dx across the
 * GEMM's threads). The GEMM carries all the arithmetic; the fold is O(size(cols)) additions.
 */
import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs';

import { assertNhwc, col2imInto, disposeInfos, matMul2d, reshapeInfo, type WasmKernelArgs } from './wasm-kernel-utils';

function conv2dBackpropInput({ inputs, attrs, backend }: WasmKernelArgs) {
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', dataFormat);
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const k = filterHeight * filterWidth * inChannels;
  const m = info.batchSize * info.outHeight * info.outWidth;

  const filter2d = reshapeInfo(backend, filter, [k, outChannels]);
  const dy2d = reshapeInfo(backend, dy, [m, outChannels]);
  const cols = matMul2d(backend, dy2d, filter2d, false, true);
  disposeInfos(backend, filter2d, dy2d);

  const dx = backend.makeOutput(info.inShape, 'float32');
  col2imInto(backend, cols, dx, info);
  disposeInfos(backend, cols);
  return dx;
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
