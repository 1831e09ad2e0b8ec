import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('Sum on wasm', () => {
  it('equals the cpu backend over leading axes (the fast path) and over every other axis set', async () => {
    const random = seededRandom(61);
    const shape = [3, 4, 5, 6];
    const x = randomValues(random, 360);
    for (const axis of [[0], [0, 1], [0, 1, 2], [1], [2, 3], [3], [0, 2], [0, 1, 2, 3]]) {
      for (const keepDims of [false, true]) {
        const error = await cpuVersusWasm(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
        expect({ axis, keepDims, ok: error <= 1e-5 }).toEqual({ axis, keepDims, ok: true });
      }
    }
  });

  it('gives the hand-worked column sums with the shape keepDims asks for', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const s = tf.sum(x, [0, 1], true);
    expect(s.shape).toEqual([1, 1, 2]);
    expect(Array.from(s.dataSync())).toEqual([16, 20]);
    tf.dispose([x, s]);
  });
});
