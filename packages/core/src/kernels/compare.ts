/**
 * Greater, GreaterEqual, Less and LessEqual for the wasm backend, for float32 operands of one
 * shape or against one value (the case of every activation gradient: `x > 0`). The stock kernels
 * broadcast element by element (~6 ns per element). Other cases go to the stock kernels.
 */
import { backend_util, Greater, GreaterEqual, Less, LessEqual, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs';

import { COMPARE_GREATER, COMPARE_GREATER_EQUAL, COMPARE_LESS, COMPARE_LESS_EQUAL } from './native/abi';
import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

/** Op codes of compare_f32 (native/abi.h), and each one's mirror (a OP b == b MIRROR a). */
const OPS: Record<string, { code: number; mirror: number }> = {
  [Greater]: { code: COMPARE_GREATER, mirror: COMPARE_LESS },
  [GreaterEqual]: { code: COMPARE_GREATER_EQUAL, mirror: COMPARE_LESS_EQUAL },
  [Less]: { code: COMPARE_LESS, mirror: COMPARE_GREATER },
  [LessEqual]: { code: COMPARE_LESS_EQUAL, mirror: COMPARE_GREATER_EQUAL },
};

function compare(kernel: string, { inputs, attrs, backend }: WasmKernelArgs): TensorInfo {
  const { a, b } = inputs;
  const sizeA = util.sizeFromShape(a.shape);
  const sizeB = util.sizeFromShape(b.shape);
  const floats = a.dtype === 'float32' && b.dtype === 'float32';
  const sameShape = util.arraysEqual(a.shape, b.shape);
  // With a single value on the left, compare the other way round.
  const [full, other, code] = sameShape || sizeB === 1 ? [a, b, OPS[kernel].code] : [b, a, OPS[kernel].mirror];
  const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  // The fast path needs the output to have the full operand's shape (a [1, 1] value can add a rank).
  const fast = floats && (sameShape || sizeB === 1 || sizeA === 1) && util.arraysEqual(outShape, full.shape);
  if (!fast) return runStockKernel(kernel, backend, inputs, attrs);
  const out = backend.makeOutput(full.shape, 'bool');
  const native = nativeKernels(backend);
  native.exports.compare_f32(
    native.offset(full),
    native.offset(other),
    native.offset(out),
    util.sizeFromShape(full.shape),
    sameShape ? 0 : 1,
    code,
  );
  return out;
}

/**
 * Builds the four comparison overrides (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function compareConfigs(): KernelConfig[] {
  return Object.keys(OPS).map((kernel) => replacingStock(kernel, (args) => compare(kernel, args)));
}
