/**
 * Test helpers (not part of the published package): run the same computation on the cpu backend
 * (the reference) and on wasm with bigmodel's kernels, and compare.
 */
import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend';
import { mulberry32 } from '../random';

/** Selects wasm with bigmodel's kernels (call once in `beforeAll`). */
export async function useWasm(): Promise<void> {
  // Silences the cpu backend's "install tfjs-node" notice. (Not IS_TEST: that turns on a per-op
  // data-id audit that misfires on the stock wasm fused matMul with or without bigmodel's kernels.)
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
}

/** Runs `build` on `backend` and returns copies of its outputs' values; the previous backend is restored. */
export async function valuesOn(backend: 'cpu' | 'wasm', build: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const outputs = tf.tidy(build);
    const list = Array.isArray(outputs) ? outputs : [outputs];
    const values = list.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(list);
    return values;
  } finally {
    await tf.setBackend(previous);
  }
}

/** max |actual - expected| / max |expected| (the norm-wise relative error; 0 when both are 0). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `build` on cpu and on wasm and returns the worst relative error over its outputs. */
export async function cpuVersusWasm(build: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const expected = await valuesOn('cpu', build);
  const actual = await valuesOn('wasm', build);
  return Math.max(...expected.map((e, i) => relativeError(actual[i], e)));
}

/** A seeded generator, so that randomized cases are the same on every run. */
export const seededRandom = mulberry32;

/** An integer in [low, high] from `random`. */
export function randomInt(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** `size` values uniform in [-1, 1) from `random`. */
export function randomValues(random: () => number, size: number): Float32Array {
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

/** One of the padding modes these kernels take: 'same', 'valid' or explicit NHWC pads. */
export type Padding = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** A padding mode drawn from `random` (explicit pads are 0-2 per side). */
export function randomPadding(random: () => number): Padding {
  const r = random();
  if (r < 1 / 3) return 'same';
  if (r < 2 / 3) return 'valid';
  const p = () => randomInt(random, 0, 2);
  return [
    [0, 0],
    [p(), p()],
    [p(), p()],
    [0, 0],
  ];
}

/**
 * Central finite differences of the scalar `f` at `x`, for `count` coordinates picked by `random`.
 * Returns the coordinates and their numerical derivatives.
 */
export function finiteDifferences(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  random: () => number,
  count = 8,
  epsilon = 1e-2,
): { index: number; derivative: number }[] {
  const base = x.dataSync();
  const out: { index: number; derivative: number }[] = [];
  for (let k = 0; k < count; k++) {
    const index = Math.floor(random() * base.length);
    const at = (delta: number) =>
      tf.tidy(() => {
        const shifted = Float32Array.from(base);
        shifted[index] += delta;
        return f(tf.tensor(shifted, x.shape)).dataSync()[0];
      });
    out.push({ index, derivative: (at(epsilon) - at(-epsilon)) / (2 * epsilon) });
  }
  return out;
}
