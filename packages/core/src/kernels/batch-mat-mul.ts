/**
 * BatchMatMul for the wasm backend. The stock kernel runs XNNPACK only for untransposed, unbatched
 * operands and falls back to a scalar loop otherwise, which is the case for both weight gradients of
 * every dense layer (`x^T dy` and `dy W^T`). We transpose such operands physically (a cheap,
 * memory-bound copy) and run every unbatched float32 product through {@link matMul2d}: bigmodel's
 * threaded relaxed-SIMD GEMM where the engine has relaxed SIMD, else XNNPACK.
 */
import { BatchMatMul, broadcast_util, util, type BatchMatMulAttrs, type KernelConfig } from '@tensorflow/tfjs';

import { disposeInfos, matMul2d, reshapeInfo, replacingStock, runStockKernel, transpose2d, type WasmKernelArgs } from './wasm-kernel-utils';

function batchMatMul({ inputs, attrs, backend }: WasmKernelArgs) {
  const { a, b } = inputs;
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA !== 1 || batchB !== 1 || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runStockKernel(BatchMatMul, backend, inputs, attrs);
  }
  const [aRows, aCols] = a.shape.slice(-2);
  const [bRows, bCols] = b.shape.slice(-2);
  const outShape = broadcast_util
    .assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    .concat([transposeA ? aCols : aRows, transposeB ? bRows : bCols]);

  const a2d = reshapeInfo(backend, a, [aRows, aCols]);
  const b2d = reshapeInfo(backend, b, [bRows, bCols]);
  const left = transposeA ? transpose2d(backend, a2d) : a2d;
  const right = transposeB ? transpose2d(backend, b2d) : b2d;
  if (left.shape[1] !== right.shape[0]) {
    disposeInfos(backend, ...new Set([a2d, b2d, left, right]));
    return runStockKernel(BatchMatMul, backend, inputs, attrs); // reports the shape mismatch
  }
  const out = matMul2d(backend, left, right);
  disposeInfos(backend, ...new Set([a2d, b2d, left, right]));
  out.shape = outShape;
  return out;
}

/** Builds the override (call after the wasm backend is registered). */
export function batchMatMulConfig(): KernelConfig {
  return replacingStock(BatchMatMul, batchMatMul);
}
