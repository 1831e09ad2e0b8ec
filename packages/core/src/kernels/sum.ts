/**
 * Sum for the wasm backend, for the reduction training does most: over the leading axes of a
 * float32 tensor (the bias gradient of every dense and convolution layer, `dy` summed over batch,
 * height and width). The stock kernel transposes the tensor before reducing; ours reads it once
 * (native/kernels.c). Every other reduction goes to the stock kernel.
 */
import { Sum, util, type KernelConfig, type KernelFunc, type SumAttrs } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { captureStockKernel, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function sum({ inputs, attrs, backend }: WasmKernelArgs) {
  const { x } = inputs;
  const { axis, keepDims } = attrs as unknown as SumAttrs;
  const rank = x.shape.length;
  const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return runStockKernel(Sum, backend, inputs, attrs);

  const kept = x.shape.slice(axes.length);
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  const out = backend.makeOutput(outShape, 'float32');
  const native = nativeKernels(backend);
  native.exports.sum_rows_f32(native.offset(x), native.offset(out), rows, util.sizeFromShape(kept));
  return out;
}

/** Builds the override; it keeps the stock kernel's setup so that re-initialising the backend works. */
export function sumConfig(): KernelConfig {
  const stock = captureStockKernel(Sum);
  return {
    kernelName: Sum,
    backendName: 'wasm',
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
    kernelFunc: sum as unknown as KernelFunc,
  };
}
