import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows into their segments and drops ids outside the range (hand-worked)', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const out = tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 5], 'int32'), 3);
    expect(out.shape).toEqual([3, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
    const ints = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([3, 3]);
    tf.dispose([x, out, ints]);
  });

  it('equals the cpu backend as the gradient of gather (embedding lookups) over 20 random cases', async () => {
    const random = seededRandom(41);
    for (let trial = 0; trial < 20; trial++) {
      const vocab = randomInt(random, 1, 30);
      const dim = randomInt(random, 1, 8);
      const count = randomInt(random, 1, 40);
      const table = randomValues(random, vocab * dim);
      const ids = Int32Array.from({ length: count }, () => randomInt(random, 0, vocab - 1));
      const r = randomValues(random, count * dim);
      const error = await cpuVersusWasm(() =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(ids, 'int32')), tf.tensor2d(r, [count, dim]))))(
          tf.tensor2d(table, [vocab, dim]),
        ),
      );
      expect(error).toBeLessThanOrEqual(1e-5);
    }
  });
});
