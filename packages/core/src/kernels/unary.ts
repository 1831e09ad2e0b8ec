/**
 * Square, Relu, Relu6, Neg, Abs, Tanh, Sigmoid, Elu and ClipByValue for the wasm backend on float32
 * tensors: one SIMD pass on the calling thread. On tfjs's threaded build the stock kernels of the first five hand every large
 * tensor to XNNPACK's thread pool, which costs ~0.7 ms per call on 2 threads (measured 2026-11-29:
 * relu on [64,7,7,128] 0.10 ms on 1 thread, 0.87 ms on 2), ten times the work itself; training
 * calls them for every batch-norm statistic (Square), every ReLU and every Adam update (Square).
 * These five are exact (bitwise the cpu backend's results). The stock Tanh is a scalar libm loop
 * (~25 ns per element, the slowest kernel of a DCGAN generator's output); ours is Cephes' tanhf
 * polynomial, four lanes at a time, within ~2e-7 of the exact value relative. Sigmoid and Elu (stock:
 * XNNPACK's pool on 2 threads, measured 2026-11-29 sigmoid on [64,7,7,128] 2.8 ms on 2 threads
 * against 1.4 ms on 1, loaded machine) use the same polynomial e^x; ClipByValue is exact. Other
 * dtypes keep the stock kernels.
 */
import {
  Abs,
  ClipByValue,
  Elu,
  Neg,
  Relu,
  Relu6,
  Sigmoid,
  Square,
  Tanh,
  util,
  type ClipByValueAttrs,
  type KernelConfig,
} from '@tensorflow/tfjs';

import { UNARY_ABS, UNARY_ELU, UNARY_NEG, UNARY_RELU, UNARY_RELU6, UNARY_SIGMOID, UNARY_SQUARE, UNARY_TANH } from './native/abi';
import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Op codes of unary_f32 (native/abi.h). */
const OPS: Record<string, number> = {
  [Square]: UNARY_SQUARE,
  [Relu]: UNARY_RELU,
  [Relu6]: UNARY_RELU6,
  [Neg]: UNARY_NEG,
  [Abs]: UNARY_ABS,
  [Tanh]: UNARY_TANH,
  [Sigmoid]: UNARY_SIGMOID,
  [Elu]: UNARY_ELU,
};

/**
 * Builds the Square, Relu, Relu6, Neg, Abs, Tanh, Sigmoid and Elu overrides (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function unaryConfigs(): KernelConfig[] {
  return Object.keys(OPS).map((kernel) =>
    replacingStock(kernel, ({ inputs, attrs, backend }: WasmKernelArgs) => {
      const { x } = inputs;
      if (x.dtype !== 'float32') return runStockKernel(kernel, backend, inputs, attrs);
      const out = backend.makeOutput(x.shape, 'float32');
      const native = nativeKernels(backend);
      native.exports.unary_f32(native.offset(x), native.offset(out), util.sizeFromShape(x.shape), OPS[kernel]);
      return out;
    }),
  );
}

/**
 * Builds the ClipByValue override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function clipByValueConfig(): KernelConfig {
  return replacingStock(ClipByValue, ({ inputs, attrs, backend }: WasmKernelArgs) => {
    const { x } = inputs;
    if (x.dtype !== 'float32') return runStockKernel(ClipByValue, backend, inputs, attrs);
    const { clipValueMin, clipValueMax } = attrs as unknown as ClipByValueAttrs;
    const out = backend.makeOutput(x.shape, 'float32');
    const native = nativeKernels(backend);
    native.exports.clip_f32(native.offset(x), native.offset(out), util.sizeFromShape(x.shape), clipValueMin, clipValueMax);
    return out;
  });
}
