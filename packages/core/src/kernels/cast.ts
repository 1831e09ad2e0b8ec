/**
 * Cast for the wasm backend without a copy when the dtype does not change. Losses and metrics cast
 * float32 tensors to float32 (e.g. `tf.losses.sigmoidCrossEntropy`'s labels and weights), several
 * times per training step; the stock kernel copies the whole buffer each time. The output shares
 * the input's data and takes a reference to it, as the Identity override does.
 *
 * Also a correction: the stock kernel casts to bool by truncating each value into a byte (1.5 gives
 * 1, -2 gives 254, 256 gives 0), where every other backend gives `x != 0`; here a cast to bool is
 * `x != 0` (NaN included, as on the cpu backend). Other changes of dtype keep the stock kernel.
 */
import { Cast, type CastAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { replacingStock, reshapeInfo, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function cast({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { x } = inputs;
  const { dtype } = attrs as unknown as CastAttrs;
  if (x.dtype === 'string' || x.dtype === 'complex64') return runStockKernel(Cast, backend, inputs, attrs);
  if (dtype === x.dtype) return reshapeInfo(backend, x, x.shape);
  if (dtype === 'bool') {
    const out = backend.makeOutput(x.shape, 'bool');
    const values = backend.typedArrayFromHeap(x);
    const bools = backend.typedArrayFromHeap(out);
    for (let i = 0; i < values.length; i++) bools[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
  return runStockKernel(Cast, backend, inputs, attrs);
}

/**
 * Builds the Cast override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function castConfig(): KernelConfig {
  return replacingStock(Cast, cast);
}
