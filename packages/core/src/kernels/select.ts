/**
 * Select (`tf.where`) for the wasm backend when condition, `t` and `e` share one shape and the
 * values are float32 (the case of activation gradients). The stock kernel is a scalar loop
 * (~4 ns per element). Other cases go to the stock kernel.
 */
import { Select, util, type KernelConfig } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Builds the Select override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function selectConfig(): KernelConfig {
  return replacingStock(Select, ({ inputs, attrs, backend }: WasmKernelArgs) => {
    const { condition, t, e } = inputs;
    const supported =
      condition.dtype === 'bool' &&
      t.dtype === 'float32' &&
      e.dtype === 'float32' &&
      util.arraysEqual(condition.shape, t.shape) &&
      util.arraysEqual(t.shape, e.shape);
    if (!supported) return runStockKernel(Select, backend, inputs, attrs);
    const out = backend.makeOutput(t.shape, 'float32');
    const native = nativeKernels(backend);
    native.exports.select_f32(
      native.offset(condition),
      native.offset(t),
      native.offset(e),
      native.offset(out),
      util.sizeFromShape(t.shape),
    );
    return out;
  });
}
