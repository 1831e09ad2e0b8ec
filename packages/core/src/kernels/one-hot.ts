/**
 * OneHot for the wasm backend. The stock kernel always writes int32 values, so a float32 one-hot
 * (what losses and metrics need) comes back as int32 bit patterns read as floats. This kernel honours
 * `dtype`, `onValue` and `offValue`; indices outside [0, depth) give an all-`offValue` row.
 */
import { OneHot, type KernelConfig, type KernelFunc, type OneHotAttrs } from '@tensorflow/tfjs';

import { type WasmKernelArgs } from './wasm-kernel-utils';

function oneHot({ inputs, attrs, backend }: WasmKernelArgs) {
  const { indices } = inputs;
  const { depth, onValue, offValue, dtype } = attrs as unknown as OneHotAttrs;
  const out = backend.makeOutput([...indices.shape, depth], dtype);
  const outValues = backend.typedArrayFromHeap(out);
  const ids = backend.typedArrayFromHeap(indices);
  outValues.fill(offValue);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < depth) outValues[i * depth + id] = onValue;
  }
  return out;
}

export const oneHotConfig: KernelConfig = {
  kernelName: OneHot,
  backendName: 'wasm',
  kernelFunc: oneHot as unknown as KernelFunc,
};
