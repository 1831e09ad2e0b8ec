/**
 * Sum and Mean for the wasm backend, for the reductions training does most: over the leading axes
 * of a float32 tensor (bias gradients: `dy` summed over batch, height and width; batch-norm
 * statistics: means over the same axes). The stock kernels transpose the tensor first, and Mean is
 * a scalar loop; ours read it once (native/reduce.c). Every other reduction goes to the stock
 * kernels.
 */
import { Mean, Sum, util, type KernelConfig, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function reduceLeadingAxes(kernel: typeof Sum | typeof Mean, { inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { x } = inputs;
  const { axis, keepDims } = attrs as unknown as SumAttrs;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return runStockKernel(kernel, backend, inputs, attrs);

  const kept = x.shape.slice(axes.length);
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  const out = backend.makeOutput(outShape, 'float32');
  const native = nativeKernels(backend);
  const scale = kernel === Mean ? 1 / rows : 1;
  native.exports.sum_rows_f32(native.offset(x), native.offset(out), rows, util.sizeFromShape(kept), scale);
  return out;
}

/**
 * Builds the Sum override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function sumConfig(): KernelConfig {
  return replacingStock(Sum, (args) => reduceLeadingAxes(Sum, args));
}

/**
 * Builds the Mean override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function meanConfig(): KernelConfig {
  return replacingStock(Mean, (args) => reduceLeadingAxes(Mean, args));
}
