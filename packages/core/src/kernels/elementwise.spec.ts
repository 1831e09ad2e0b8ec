import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

/** The shape `build` produces on `backend`. */
async function shapeOn(backend: 'cpu' | 'wasm', build: () => tf.Tensor): Promise<number[]> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  const shape = tf.tidy(() => build().shape);
  await tf.setBackend(previous);
  return shape;
}

beforeAll(useWasm);

/** A random shape of rank 1-4 whose last dimension is `channels` when given. */
function randomShape(random: () => number, channels?: number): number[] {
  const rank = randomInt(random, 1, 4);
  const shape = Array.from({ length: rank }, () => randomInt(random, 1, 7));
  if (channels !== undefined) shape[rank - 1] = channels;
  return shape;
}

describe('elementwise kernels on wasm', () => {
  it('LeakyRelu and Sqrt equal the cpu backend', async () => {
    const random = seededRandom(81);
    for (let trial = 0; trial < 10; trial++) {
      const shape = randomShape(random);
      const x = randomValues(random, shape.reduce((a, b) => a * b, 1));
      const alpha = random();
      expect(await cpuVersusWasm(() => tf.leakyRelu(tf.tensor(x, shape), alpha))).toBeLessThanOrEqual(1e-6);
      expect(await cpuVersusWasm(() => tf.sqrt(tf.abs(tf.tensor(x, shape))))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('comparisons equal the cpu backend for same shapes, a single value on either side, NaN and broadcasting', async () => {
    const random = seededRandom(82);
    const shape = [3, 5, 4];
    const a = randomValues(random, 60).map((v) => Math.round(v * 4) / 4);
    a[7] = NaN;
    const b = randomValues(random, 60).map((v) => Math.round(v * 4) / 4);
    const row = randomValues(random, 4);
    for (const op of [tf.greater, tf.greaterEqual, tf.less, tf.lessEqual]) {
      const cases: [string, () => tf.Tensor][] = [
        ['same shape', () => op(tf.tensor(a, shape), tf.tensor(b, shape))],
        ['value on the right', () => op(tf.tensor(a, shape), tf.scalar(0.25))],
        ['value on the left', () => op(tf.scalar(0.25), tf.tensor(a, shape))],
        ['broadcast row (stock path)', () => op(tf.tensor(a, shape), tf.tensor(row, [4]))],
        ['a single value of higher rank', () => op(tf.tensor(a.slice(0, 3), [3]), tf.tensor2d([[0.25]]))],
        ['a [1, 1] value against a scalar', () => op(tf.tensor2d([[0.5]]), tf.scalar(0.25))],
      ];
      for (const [name, build] of cases) {
        const error = await cpuVersusWasm(() => build().toFloat());
        expect({ op: op.name, name, error }).toEqual({ op: op.name, name, error: 0 });
        const [cpuShape, wasmShape] = [await shapeOn('cpu', build), await shapeOn('wasm', build)];
        expect({ name, shape: wasmShape }).toEqual({ name, shape: cpuShape });
      }
    }
  });

  it('Select equals the cpu backend, and a hand-worked case', async () => {
    const random = seededRandom(83);
    const shape = [4, 6];
    const c = Array.from({ length: 24 }, () => random() < 0.5);
    const t = randomValues(random, 24);
    const e = randomValues(random, 24);
    expect(await cpuVersusWasm(() => tf.where(tf.tensor(c, shape, 'bool'), tf.tensor(t, shape), tf.tensor(e, shape)))).toBe(0);
    const out = tf.where(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, -2, -3]));
    expect(Array.from(out.dataSync())).toEqual([1, -2, 3]);
    out.dispose();
  });

  it('FusedBatchNorm equals the cpu backend with per-channel, single-value and missing offset/scale, on offset data', async () => {
    const random = seededRandom(84);
    for (let trial = 0; trial < 12; trial++) {
      const channels = randomInt(random, 1, 9);
      const shape = randomShape(random, channels);
      // Values far from zero with small spread: (x - mean) must be formed before scaling.
      const x = randomValues(random, shape.reduce((a, b) => a * b, 1)).map((v) => 1000 + v * 1e-2);
      const per = () => Array.from({ length: channels }, () => random());
      const [mean, variance, offset, scale] = [per().map((v) => 1000 + v * 1e-2), per().map((v) => v * 1e-4 + 1e-5), per(), per()];
      const single = trial % 3 === 0;
      const error = await cpuVersusWasm(() =>
        tf.batchNorm(
          tf.tensor(x, shape),
          tf.tensor1d(mean),
          tf.tensor1d(variance),
          trial % 4 === 1 ? undefined : tf.tensor1d(offset),
          trial % 4 === 2 ? undefined : tf.tensor1d(single ? [scale[0]] : scale),
          1e-3,
        ),
      );
      expect({ trial, error: error <= 1e-5 }).toEqual({ trial, error: true });
    }
  });
});
