/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend (missing in tfjs-backend-wasm 4.22).
 *
 * `dW[kh, kw, c, q] = sum_{n, oh, ow} x[n, ih, iw, c] * dy[n, oh, ow, c * mult + q]`, a direct
 * accumulation with channels innermost (native/conv.c).
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { type WasmKernelArgs } from './wasm-kernel-utils';

function depthwiseConv2dNativeBackpropFilter({ inputs, attrs, backend }: WasmKernelArgs) {
  const { x, dy } = inputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const dw = backend.makeOutput([...filterShape], 'float32');
  const native = nativeKernels(backend);
  native.exports.depthwise_backprop_filter(native.offset(x), native.offset(dy), native.offset(dw), native.geometry(info));
  return dw;
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
