/**
 * Square, Relu, Relu6, Neg and Abs for the wasm backend on float32 tensors: one SIMD pass on the
 * calling thread. On tfjs's threaded build the stock kernels hand every large tensor to XNNPACK's
 * thread pool, which costs ~0.7 ms per call on 2 threads (measured 2026-11-29: relu on [64,7,7,128]
 * 0.10 ms on 1 thread, 0.87 ms on 2), ten times the work itself; training calls them for every
 * batch-norm statistic (Square), every ReLU and every Adam update (Square). Other dtypes keep the
 * stock kernels.
 */
import { Abs, Neg, Relu, Relu6, Square, util, type KernelConfig } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Op codes of unary_f32 (native/kernels.c). */
const OPS: Record<string, number> = { [Square]: 0, [Relu]: 1, [Relu6]: 2, [Neg]: 3, [Abs]: 4 };

/** Builds the Square, Relu, Relu6, Neg and Abs overrides (call after the wasm backend is registered). */
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
