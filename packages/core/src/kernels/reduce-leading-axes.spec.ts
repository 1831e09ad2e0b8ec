import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('Sum and Mean on wasm', () => {
  it('equal the cpu backend over leading axes (the fast path) and over every other axis set', async () => {
    const random = seededRandom(61);
    const shape = [3, 4, 5, 6];
    const x = randomValues(random, 360);
    for (const axis of [[0], [0, 1], [0, 1, 2], [1], [2, 3], [3], [0, 2], [0, 1, 2, 3]]) {
      for (const keepDims of [false, true]) {
        for (const reduce of [tf.sum, tf.mean]) {
          const error = await cpuVersusWasm(() => reduce(tf.tensor(x, shape), axis, keepDims));
          expect({ reduce: reduce.name, axis, keepDims, ok: error <= 1e-5 }).toEqual({ reduce: reduce.name, axis, keepDims, ok: true });
        }
      }
    }
  });

  it('give the hand-worked column sums and means with the shape keepDims asks for', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const s = tf.sum(x, [0, 1], true);
    expect(s.shape).toEqual([1, 1, 2]);
    expect(Array.from(s.dataSync())).toEqual([16, 20]);
    expect(Array.from(tf.mean(x, [0, 1]).dataSync())).toEqual([4, 5]);
    tf.dispose([x, s]);
  });
});
