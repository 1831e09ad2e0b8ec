import * as tf from '@tensorflow/tfjs';

import { ShapeError } from '../errors';
import { mulberry32 } from '../random';
import { useWasm } from '../testing/backend-comparison';
import { randomCrop, randomHorizontalFlip, randomScale } from './augmentation';

beforeAll(useWasm);

/** Replays a fixed list of draws. */
const draws = (values: number[]) => () => values.shift()!;
const image = () => tf.tensor4d(Float32Array.from({ length: 9 }, (_, i) => i + 1), [1, 3, 3, 1]); // 1..9

describe('augmentation', () => {
  it('randomCrop takes the window the draws pick from the zero-padded image', () => {
    // padding 1: offsets in {0, 1, 2}; draws 0.0 -> 0 (shift down-right), 0.99 -> 2 (up-left).
    const out = randomCrop(image(), { padding: 1, random: draws([0.0, 0.99]) });
    // Window rows 0-2, columns 2-4 of the 5x5 padded image.
    expect(Array.from(out.dataSync())).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
  });

  it('randomCrop with padding 1 and draws picking offset 1 returns the image itself', () => {
    const out = randomCrop(image(), { padding: 1, random: draws([0.5, 0.5]) });
    expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('randomHorizontalFlip mirrors exactly the images whose draw is below the probability', () => {
    const batch = tf.concat([image(), image()]) as tf.Tensor4D;
    const out = randomHorizontalFlip(batch, { random: draws([0.2, 0.8]) });
    expect(Array.from(out.dataSync())).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('randomScale keeps the size, is the identity at scale 1, and is reproducible from a seed', () => {
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    expect(Array.from(randomScale(x, { min: 1, max: 1, random: mulberry32(1) }).dataSync())).toEqual(Array.from(x.dataSync()));
    const a = randomScale(x, { min: 0.7, max: 1.3, random: mulberry32(2) });
    const b = randomScale(x, { min: 0.7, max: 1.3, random: mulberry32(2) });
    expect(a.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  });

  it('rejects non-NHWC input with a ShapeError', () => {
    expect(() => randomCrop(tf.zeros([3, 3]) as unknown as tf.Tensor4D, { padding: 1, random: Math.random })).toThrow(ShapeError);
  });
});
