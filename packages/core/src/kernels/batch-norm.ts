/**
 * FusedBatchNorm for the wasm backend with per-channel statistics (channels last, each of mean,
 * variance, offset and scale holding one value per channel or one value in all), the form
 * batch-normalization layers use. The stock kernel runs at ~6 ns per element; ours precomputes
 * each channel's factor and makes one pass (native/batch_norm.c). Other forms go to the stock kernel.
 */
import { FusedBatchNorm, util, type FusedBatchNormAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * Builds the FusedBatchNorm override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function batchNormConfig(): KernelConfig {
  return replacingStock(FusedBatchNorm, ({ inputs, attrs, backend }: WasmKernelArgs) => {
    const { x, mean, variance, offset, scale } = inputs;
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const params = [mean, variance, offset, scale].filter((p): p is TensorInfo => p != null);
    const perChannel = (p: TensorInfo) => {
      const size = util.sizeFromShape(p.shape);
      return p.dtype === 'float32' && (size === 1 || (size === channels && p.shape[p.shape.length - 1] === channels));
    };
    if (x.dtype !== 'float32' || x.shape.length === 0 || !params.every(perChannel)) {
      return runStockKernel(FusedBatchNorm, backend, inputs, attrs);
    }
    const out = backend.makeOutput(x.shape, 'float32');
    const native = nativeKernels(backend);
    const scratch = native.malloc(3 * channels * 4);
    const at = (p: TensorInfo | undefined) => (p ? native.offset(p) : 0);
    const len = (p: TensorInfo | undefined) => (p ? util.sizeFromShape(p.shape) : 0);
    native.exports.batch_norm_f32(
      native.offset(x),
      at(mean),
      len(mean),
      at(variance),
      len(variance),
      at(offset),
      len(offset),
      at(scale),
      len(scale),
      native.offset(out),
      util.sizeFromShape(x.shape),
      channels,
      (attrs as unknown as FusedBatchNormAttrs).varianceEpsilon,
      scratch,
    );
    native.free(scratch);
    return out;
  });
}
