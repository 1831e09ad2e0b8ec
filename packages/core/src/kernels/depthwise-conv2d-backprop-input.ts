/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend (missing in tfjs-backend-wasm 4.22).
 *
 * `dx[n, ih, iw, c] = sum_{kh, kw, q} dy[n, oh, ow, c * mult + q] * W[kh, kw, c, q]` over the output
 * positions whose window covers (ih, iw). Depthwise work is small (no reduction over channels), so
 * a direct scatter with channels innermost (native/conv.c) is the fast formulation.
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { type WasmKernelArgs } from './wasm-kernel-utils';

function depthwiseConv2dNativeBackpropInput({ inputs, attrs, backend }: WasmKernelArgs) {
  const { dy, filter } = inputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const dx = backend.makeOutput(info.inShape, 'float32');
  const native = nativeKernels(backend);
  native.exports.depthwise_backprop_input(native.offset(dy), native.offset(filter), native.offset(dx), native.geometry(info));
  return dx;
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
