/**
 * Identity for the wasm backend without a copy. The stock kernel copies the whole buffer, and
 * training calls it hundreds of times per step (gradients passed through, `tf.clone`, layers'
 * outputs). Like the cpu and webgl backends' Identity, the output shares the input's data and
 * takes a reference to it: tensors are immutable, and a variable's `assign` swaps its data rather
 * than writing into it. Strings keep the stock kernel.
 */
import { Identity, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { replacingStock, reshapeInfo, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function identity({ inputs, backend }: WasmKernelArgs): TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') return runStockKernel(Identity, backend, inputs);
  return reshapeInfo(backend, x, x.shape);
}

/**
 * Builds the Identity override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function identityConfig(): KernelConfig {
  return replacingStock(Identity, identity);
}
