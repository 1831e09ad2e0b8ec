import * as tf from '@tensorflow/tfjs';

import { ShapeError } from '../errors';
import { mulberry32 } from '../random';
import { useWasm } from '../testing/backend-comparison';
import { randomAffine, randomCrop, randomHorizontalFlip, randomScale } from './augmentation';

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

  describe('randomAffine', () => {
    // 1..16 in a 4x4 image; the four draws per image are angle, zoom, shift x, shift y (0.5 = none).
    const grid = () => tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const rows = (x: tf.Tensor) => x.reshape([4, 4]).arraySync() as number[][];
    const closeRows = (actual: number[][], expected: number[][]) => actual.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r][c], 4)));

    it('turns the content a quarter turn clockwise at the largest angle of 90 degrees', () => {
      const out = randomAffine(grid(), { rotation: 90, random: draws([1, 0.5, 0.5, 0.5]) });
      closeRows(rows(out), [
        [13, 9, 5, 1],
        [14, 10, 6, 2],
        [15, 11, 7, 3],
        [16, 12, 8, 4],
      ]);
    });

    it('shifts the content by whole pixels with zero fill (right by 1, then up by 1)', () => {
      closeRows(rows(randomAffine(grid(), { shift: 2, random: draws([0.5, 0.5, 0.75, 0.5]) })), [
        [0, 1, 2, 3],
        [0, 5, 6, 7],
        [0, 9, 10, 11],
        [0, 13, 14, 15],
      ]);
      closeRows(rows(randomAffine(grid(), { shift: 2, random: draws([0.5, 0.5, 0.5, 0.25]) })), [
        [5, 6, 7, 8],
        [9, 10, 11, 12],
        [13, 14, 15, 16],
        [0, 0, 0, 0],
      ]);
    });

    it('zooms about the center: at 2x, output pixel (r, c) samples the input at 0.75 + (r, c) / 2 bilinearly', () => {
      // The input value at (y, x) is 1 + x + 4y, linear, so bilinear sampling gives it exactly.
      const expected = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => 1 + (0.75 + c / 2) + 4 * (0.75 + r / 2)));
      closeRows(rows(randomAffine(grid(), { scale: [2, 2], random: draws([0.5, 0.5, 0.5, 0.5]) })), expected);
    });

    it('is the identity by default, reproducible from a seed, and keeps the batch shape', () => {
      const x = tf.randomUniform([3, 8, 8, 2], 0, 1, 'float32', 5) as tf.Tensor4D;
      expect(Array.from(randomAffine(x, { random: mulberry32(1) }).dataSync())).toEqual(Array.from(x.dataSync()));
      const options = { rotation: 15, scale: [0.8, 1.2] as [number, number], shift: 2 };
      const a = randomAffine(x, { ...options, random: mulberry32(2) });
      const b = randomAffine(x, { ...options, random: mulberry32(2) });
      expect(a.shape).toEqual([3, 8, 8, 2]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(x.dataSync()));
    });

    it('rejects bad ranges naming the option', () => {
      expect(() => randomAffine(grid(), { rotation: -1, random: Math.random })).toThrow(/options\.rotation/);
      expect(() => randomAffine(grid(), { scale: [1.2, 0.8], random: Math.random })).toThrow(/options\.scale/);
      expect(() => randomAffine(grid(), { shift: Number.NaN, random: Math.random })).toThrow(/options\.shift/);
    });
  });

  it('rejects non-NHWC input with a ShapeError', () => {
    expect(() => randomCrop(tf.zeros([3, 3]) as unknown as tf.Tensor4D, { padding: 1, random: Math.random })).toThrow(ShapeError);
  });
});
