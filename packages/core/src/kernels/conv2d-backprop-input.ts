/**
 * Conv2DBackpropInput for the wasm backend: the gradient of conv2d with respect to its input, and
 * the forward pass of conv2dTranspose.
 *
 * The stock kernel is a naive loop. We compute it as one GEMM ({@link matMul2d}: bigmodel's, or
 * XNNPACK's) followed by a col2im fold: `cols[m, (kh, kw, ci)] = sum_co dy[m, co] * W[kh, kw, ci, co]`
 * (the filter read as a transposed [K, co] operand), then every column entry
 * is added to the input pixel it came from (col2im, native/conv.c, split by rows of dx across the
 * GEMM's threads). The GEMM carries all the arithmetic; the fold is O(size(cols)) additions.
 *
 * With bigmodel's GEMM, input channels a multiple of 16 and at most 512 output channels, the fold
 * runs in the GEMM's epilogue instead (native/gemm.c conv_backprop_input_f32): per block of 64
 * output positions and per tap, a [64 x channels] tile is added straight into dx, so cols is never
 * written out. Each dx element then sums its terms in another fixed order than the scatter's
 * (within float rounding of it); the channels are split across threads, with the same results on
 * any thread count.
 */
import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs';

import { nativeGemm } from './native/native-gemm';
import { nativeKernels } from './native/native-kernels';
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

  const gemm = nativeGemm(backend);
  if (gemm && inChannels % 16 === 0 && outChannels <= 512 && dy.dtype === 'float32' && filter.dtype === 'float32') {
    // The fold in the GEMM's epilogue: cols [m, k] is never written out.
    const dx = backend.makeOutput(info.inShape, 'float32');
    const native = nativeKernels(backend);
    const [pdy, pw, pdx] = [native.offset(dy), native.offset(filter), native.offset(dx)];
    const taps = filterHeight * filterWidth;
    gemm.runBackpropInput({
      dy: pdy,
      w: pw,
      dx: pdx,
      geometry: native.geometry(info),
      inChannels,
      outChannels,
      taps,
      macs: m * k * outChannels,
    });
    return dx;
  }

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
