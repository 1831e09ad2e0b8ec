/**
 * BatchMatMul for the wasm backend. The stock kernel runs XNNPACK only for untransposed, unbatched
 * operands and falls back to a scalar loop otherwise, which is the case for both weight gradients of
 * every dense layer (`x^T dy` and `dy W^T`). Every unbatched float32 product goes to
 * {@link matMul2d}: bigmodel's threaded relaxed-SIMD GEMM, which reads transposed operands in place,
 * where the engine has relaxed SIMD; else physically transposed operands (a cheap, memory-bound
 * copy) on XNNPACK.
 */
import { BatchMatMul, broadcast_util, util, type BatchMatMulAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { disposeInfos, matMul2d, reshapeInfo, replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/**
 * The BatchMatMul kernel function (also the product inside bigmodel's _FusedMatMul).
 *
 * @category Backend
 */
export function batchMatMul({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
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

  if ((transposeA ? aRows : aCols) !== (transposeB ? bCols : bRows)) {
    return runStockKernel(BatchMatMul, backend, inputs, attrs); // reports the shape mismatch
  }
  const a2d = reshapeInfo(backend, a, [aRows, aCols]);
  const b2d = reshapeInfo(backend, b, [bRows, bCols]);
  const out = matMul2d(backend, a2d, b2d, transposeA, transposeB);
  disposeInfos(backend, a2d, b2d);
  out.shape = outShape;
  return out;
}

/**
 * Builds the override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function batchMatMulConfig(): KernelConfig {
  return replacingStock(BatchMatMul, batchMatMul);
}
