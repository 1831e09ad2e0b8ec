import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('Tile on wasm', () => {
  it('equals the cpu backend for 30 random shapes and repetitions of rank 1 to 5, float32 and int32', async () => {
    const random = seededRandom(71);
    const failures: object[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const rank = randomInt(random, 1, 5);
      const shape = Array.from({ length: rank }, () => randomInt(random, 1, 4));
      const reps = Array.from({ length: rank }, () => randomInt(random, 1, 3));
      const values = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      const dtype = trial % 2 === 0 ? 'float32' : 'int32';
      const error = await cpuVersusWasm(() =>
        tf
          .tile(
            tf.tensor(
              values.map((v) => Math.round(v * 9)),
              shape,
              dtype,
            ),
            reps,
          )
          .toFloat(),
      );
      if (error !== 0) failures.push({ trial, shape, reps, dtype, error });
    }
    expect(failures).toEqual([]);
  });

  it('repeats a hand-worked 2x2 block', () => {
    const out = tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2]), [2, 3]);
    expect(out.arraySync()).toEqual([
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
      [1, 2, 1, 2, 1, 2],
      [3, 4, 3, 4, 3, 4],
    ]);
    out.dispose();
  });

  it('still tiles bool tensors (through the stock kernel)', () => {
    const out = tf.tile(tf.tensor1d([true, false], 'bool'), [2]);
    expect(Array.from(out.dataSync())).toEqual([1, 0, 1, 0]);
    out.dispose();
  });
});
