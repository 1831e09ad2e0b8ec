/** LeakyRelu and Sqrt for the wasm backend: the stock kernels are scalar loops (~5-7 ns per element). */
import { LeakyRelu, Sqrt, type KernelConfig, type LeakyReluAttrs } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Builds the LeakyRelu override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function leakyReluConfig(): KernelConfig {
  return replacingStock(LeakyRelu, ({ inputs, attrs, backend }: WasmKernelArgs) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return runStockKernel(LeakyRelu, backend, inputs, attrs);
    const out = backend.makeOutput(x.shape, 'float32');
    const native = nativeKernels(backend);
    const size = out.shape.reduce((a, b) => a * b, 1);
    native.exports.leaky_relu_f32(native.offset(x), native.offset(out), size, (attrs as unknown as LeakyReluAttrs).alpha);
    return out;
  });
}

/**
 * Builds the Sqrt override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function sqrtConfig(): KernelConfig {
  return replacingStock(Sqrt, ({ inputs, attrs, backend }: WasmKernelArgs) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return runStockKernel(Sqrt, backend, inputs, attrs);
    const out = backend.makeOutput(x.shape, 'float32');
    const native = nativeKernels(backend);
    native.exports.sqrt_f32(
      native.offset(x),
      native.offset(out),
      out.shape.reduce((a, b) => a * b, 1),
    );
    return out;
  });
}
