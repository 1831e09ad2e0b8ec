/**
 * Add, Sub, Multiply and RealDiv for the wasm backend when one float32 operand is broadcast along
 * the leading axes of the other: a bias or a per-channel statistic against an activation, e.g.
 * `[64, 7, 7, 128] - [1, 1, 1, 128]` in batch normalization and its gradient. The stock kernels
 * take a per-element index path whenever shapes differ (~2 ns per element, 8x their same-shape
 * speed); here it is one SIMD pass over rows. Same shapes, single values and every other case go to
 * the stock kernels.
 */
import { Add, backend_util, Multiply, RealDiv, Sub, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { BINARY_ROW_ADD, BINARY_ROW_DIV, BINARY_ROW_MUL, BINARY_ROW_SUB } from './native/abi';
import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Op codes of binary_row_f32 (native/abi.h). */
const OPS: Record<string, number> = { [Add]: BINARY_ROW_ADD, [Sub]: BINARY_ROW_SUB, [Multiply]: BINARY_ROW_MUL, [RealDiv]: BINARY_ROW_DIV };

/**
 * The number of values `row` repeats along `full` when `row`'s shape, without its leading 1s, is a
 * proper trailing part of `full`'s shape (so `full` is rows of that many values); else undefined.
 * @category Backend
 */
export function broadcastRowLength(full: number[], row: number[]): number | undefined {
  let start = 0;
  while (start < row.length && row[start] === 1) start++;
  const trailing = row.slice(start);
  if (trailing.length === 0 || trailing.length >= full.length) return undefined;
  if (!util.arraysEqual(trailing, full.slice(full.length - trailing.length))) return undefined;
  return util.sizeFromShape(trailing);
}

function binaryRow(kernel: string, { inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { a, b } = inputs;
  const floats = a.dtype === 'float32' && b.dtype === 'float32';
  if (floats && !util.arraysEqual(a.shape, b.shape)) {
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    // The full operand must have the output's shape (a row of higher rank can add axes).
    const rowFirst = util.arraysEqual(outShape, b.shape);
    const [full, row] = rowFirst ? [b, a] : [a, b];
    const cols = util.arraysEqual(outShape, full.shape) ? broadcastRowLength(full.shape, row.shape) : undefined;
    if (cols !== undefined && cols > 1) {
      const out = backend.makeOutput(full.shape, 'float32');
      const native = nativeKernels(backend);
      const rows = util.sizeFromShape(full.shape) / cols;
      native.exports.binary_row_f32(native.offset(full), native.offset(row), native.offset(out), rows, cols, OPS[kernel], rowFirst ? 1 : 0);
      return out;
    }
  }
  return runStockKernel(kernel, backend, inputs, attrs);
}

/**
 * Builds the Add, Sub, Multiply and RealDiv overrides (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function broadcastRowConfigs(): KernelConfig[] {
  return Object.keys(OPS).map((kernel) => replacingStock(kernel, (args) => binaryRow(kernel, args)));
}
