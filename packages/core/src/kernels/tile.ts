/**
 * Tile for the wasm backend. The stock kernel computes every output element's source index one by
 * one (~85 ns per element here), and training hits it constantly: batch normalization and bias
 * gradients broadcast per-channel vectors to full activations. Ours copies whole rows and then
 * whole blocks (native/tile.c, `memory.copy`). float32 and int32 only; other dtypes go to the
 * stock kernel.
 */
import { Tile, util, type KernelConfig, type TileAttrs } from '@tensorflow/tfjs';

import { nativeKernels } from './native/native-kernels';
import { replacingStock, runStockKernel, type WasmKernelArgs } from './wasm-kernel-utils';

const MAX_RANK = 15; // [rank, shape, reps] must fit the 32-int scratch

function tile({ inputs, attrs, backend }: WasmKernelArgs) {
  const { x } = inputs;
  const { reps } = attrs as unknown as TileAttrs;
  const rank = x.shape.length;
  const supported = (x.dtype === 'float32' || x.dtype === 'int32') && rank >= 1 && rank <= MAX_RANK && reps.length === rank;
  if (!supported || util.sizeFromShape(x.shape) === 0) return runStockKernel(Tile, backend, inputs, attrs);
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * reps[i]),
    x.dtype,
  );
  if (util.sizeFromShape(out.shape) === 0) return out;
  const native = nativeKernels(backend);
  native.exports.tile_32(native.offset(x), native.offset(out), native.ints([rank, ...x.shape, ...reps]));
  return out;
}

/**
 * Builds the override (call after the wasm backend is registered).
 *
 * @category Backend
 */
export function tileConfig(): KernelConfig {
  return replacingStock(Tile, tile);
}
