/**
 * MaxPool for the wasm backend on float32 NHWC tensors: one pass over the windows, four channels
 * at a time, on the calling thread (native/pool.c). On tfjs's threaded build the stock kernel
 * hands every call to XNNPACK's thread pool, which costs ~0.7 ms per call on 2 threads (measured
 * 2026-11-29: [64,7,7,128] 2x2 0.27 ms on 1 thread, 1.07 ms on 2). Ties and NaN follow the cpu
 * backend (the first strictly greater value; NaN never wins), as MaxPoolGrad does. Other dtypes
 * keep the stock kernel.
 */
import { backend_util, MaxPool, util, type KernelConfig, type MaxPoolAttrs, type TensorInfo } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, reshapeInfo, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function maxPool({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { x } = inputs;
  if (x.dtype !== 'float32' || x.shape.length !== 4) return runStockKernel(MaxPool, backend, inputs, attrs);
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  // A 1x1 window that keeps the shape is the identity (as on the cpu backend, which then keeps NaN).
  if (info.filterHeight === 1 && info.filterWidth === 1 && util.arraysEqual(info.inShape, info.outShape))
    return reshapeInfo(backend, x, x.shape);
  const out = backend.makeOutput(info.outShape, 'float32');
  const native = nativeKernels(backend);
  native.exports.max_pool_f32(native.offset(x), native.offset(out), native.geometry(info));
  return out;
}

/**
 * Builds the MaxPool override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function maxPoolConfig(): KernelConfig {
  return replacingStock(MaxPool, maxPool);
}
