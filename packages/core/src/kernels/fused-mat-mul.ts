/**
 * _FusedMatMul (a dense layer's forward pass: matMul + bias + activation) for the wasm backend, as
 * bigmodel's BatchMatMul (its GEMM, reading transposed operands in place; batched products on the
 * stock kernel) followed by one bias/activation pass (native/elementwise.c).
 *
 * The stock kernel (tfjs-backend-wasm 4.22) gets every product with a bias wrong when an operand is
 * transposed or the operands are batched: measured against the cpu backend, errors of 0.4-3 on
 * unit-normal operands. Activations other than linear, relu, relu6 and leaky relu, prelu, and a
 * bias that is not one value per output column keep the stock kernel.
 */
import { _FusedMatMul, type _FusedMatMulAttrs, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { batchMatMul } from './batch-mat-mul';
import { nativeKernels } from './native/native-kernels';
import { FUSED_ACTIVATION_CODES, replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

function fusedMatMul({ inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as _FusedMatMulAttrs;
  const code = FUSED_ACTIVATION_CODES[activation ?? 'linear'];
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const biasFits = !bias || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === n);
  if (code === undefined || preluActivationWeights || a.dtype !== 'float32' || b.dtype !== 'float32' || !biasFits) {
    return runStockKernel(_FusedMatMul, backend, inputs, attrs);
  }
  const out = batchMatMul({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend });
  if (bias || code !== 0) {
    const native = nativeKernels(backend);
    const rows = out.shape.reduce((size, d) => size * d, 1) / Math.max(1, n);
    native.exports.bias_activation_f32(native.offset(out), bias ? native.offset(bias) : 0, rows, n, code, leakyreluAlpha ?? 0);
  }
  return out;
}

/**
 * Builds the _FusedMatMul override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function fusedMatMulConfig(): KernelConfig {
  return replacingStock(_FusedMatMul, fusedMatMul);
}
