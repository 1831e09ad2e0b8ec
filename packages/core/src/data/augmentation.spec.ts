import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';
import { mulberry32 } from '../random';
import { useWasm } from '../testing/backend-comparison';
import { randomAffine, randomCrop, randomElastic, randomHorizontalFlip, randomScale } from './augmentation';

beforeAll(useWasm);

/** Replays a fixed list of draws. */
const draws = (values: number[]) => () => values.shift()!;
const image = () =>
  tf.tensor4d(
    Float32Array.from({ length: 9 }, (_, i) => i + 1),
    [1, 3, 3, 1],
  ); // 1..9

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
    const grid = () =>
      tf.tensor4d(
        Float32Array.from({ length: 16 }, (_, i) => i + 1),
        [1, 4, 4, 1],
      );
    const rows = (x: tf.Tensor) => x.reshape([4, 4]).arraySync() as number[][];
    const closeRows = (actual: number[][], expected: number[][]) =>
      actual.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r][c], 4)));

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

  describe('randomElastic', () => {
    // A 12x12 two-channel ramp: channel 0 is 12 * row + column, channel 1 twice that.
    const ramp = () =>
      tf.tensor4d(
        Float32Array.from({ length: 288 }, (_, i) => Math.floor(i / 2) * ((i % 2) + 1)),
        [1, 12, 12, 2],
      );
    const value = (out: tf.Tensor, row: number, column: number, channel: number) => out.dataSync()[(row * 12 + column) * 2 + channel];

    it('is the identity at alpha 0', () => {
      const x = ramp();
      expect(Array.from(randomElastic(x, { alpha: 0, sigma: 2, random: mulberry32(1) }).dataSync())).toEqual(Array.from(x.dataSync()));
    });

    it('with a constant field moves the interior by alpha pixels on both axes (whole and half pixels), channels alike', () => {
      // Draws of 1 make the field 1 everywhere; blurred with zero outside, it stays 1 at least
      // 3 sigma from the border. At alpha 1, output (r, c) = input (r + 1, c + 1) = 12 (r + 1) + c + 1.
      const whole = randomElastic(ramp(), { alpha: 1, sigma: 1, random: () => 1 });
      // Draws of 0.75 make the field 0.5: a half-pixel move, the mean of the four neighbours.
      const half = randomElastic(ramp(), { alpha: 1, sigma: 1, random: () => 0.75 });
      for (let r = 3; r <= 7; r++) {
        for (let c = 3; c <= 7; c++) {
          expect(value(whole, r, c, 0)).toBeCloseTo(12 * (r + 1) + c + 1, 4);
          expect(value(whole, r, c, 1)).toBeCloseTo(2 * (12 * (r + 1) + c + 1), 4);
          expect(value(half, r, c, 0)).toBeCloseTo(12 * (r + 0.5) + c + 0.5, 4);
        }
      }
    });

    it('fills with zeros where the field points outside the image', () => {
      // Field 1 at alpha 20: every pixel samples 20 pixels down-right of itself, outside a 12x12 image.
      const out = randomElastic(ramp(), { alpha: 20, sigma: 0.5, random: () => 1 });
      expect(Math.max(...Array.from(out.dataSync()).map(Math.abs))).toBe(0);
    });

    it('is reproducible from a seed, differs between seeds, keeps the shape and allocates only its result', () => {
      const x = ramp();
      const before = tf.memory().numTensors;
      const a = randomElastic(x, { alpha: 8, sigma: 2, random: mulberry32(5) });
      expect(tf.memory().numTensors).toBe(before + 1);
      const b = randomElastic(x, { alpha: 8, sigma: 2, random: mulberry32(5) });
      const c = randomElastic(x, { alpha: 8, sigma: 2, random: mulberry32(6) });
      expect(a.shape).toEqual([1, 12, 12, 2]);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    });

    it('rejects bad options naming them, and non-NHWC input', () => {
      expect(() => randomElastic(ramp(), { alpha: -1, sigma: 4, random: Math.random })).toThrow(/options\.alpha/);
      expect(() => randomElastic(ramp(), { alpha: 34, sigma: 0, random: Math.random })).toThrow(InvalidArgumentError);
      expect(() => randomElastic(tf.zeros([3, 3]) as unknown as tf.Tensor4D, { alpha: 1, sigma: 1, random: Math.random })).toThrow(
        ShapeError,
      );
    });
  });

  it('rejects non-NHWC input with a ShapeError', () => {
    expect(() => randomCrop(tf.zeros([3, 3]) as unknown as tf.Tensor4D, { padding: 1, random: Math.random })).toThrow(ShapeError);
  });
});
