/**
 * MaxPoolGrad for the wasm backend. The stock kernel revisits every window for every input pixel;
 * ours (native/pool.c) finds each window's argmax once, channels innermost, and routes `dy` to
 * it. Ties and NaN follow the cpu backend: the first strictly greater value wins, and a window
 * with no value above -Infinity passes no gradient.
 */
import { backend_util, MaxPoolGrad, type KernelConfig, type KernelFunc, type MaxPoolGradAttrs } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { type WasmKernelArgs } from './wasm-kernel-utils';

function maxPoolGrad({ inputs, attrs, backend }: WasmKernelArgs) {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const dx = backend.makeOutput(input.shape, 'float32');
  const native = nativeKernels(backend);
  native.exports.max_pool_grad(native.offset(input), native.offset(dy), native.offset(dx), native.geometry(info));
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
