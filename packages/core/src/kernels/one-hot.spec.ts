import * as tf from '@tensorflow/tfjs';

import { useWasm } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('OneHot on wasm', () => {
  it('returns float32 values when asked (the stock kernel returned int32 bit patterns)', () => {
    const out = tf.oneHot(tf.tensor1d([0, 2, -1, 3], 'int32'), 3, 1, 0, 'float32');
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.dataSync())).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    out.dispose();
  });

  it('honours onValue, offValue and int32', () => {
    const out = tf.oneHot(tf.tensor2d([[1], [0]], [2, 1], 'int32'), 2, 5, -2, 'int32');
    expect(out.shape).toEqual([2, 1, 2]);
    expect(out.dtype).toBe('int32');
    expect(Array.from(out.dataSync())).toEqual([-2, 5, 5, -2]);
    out.dispose();
  });
});
