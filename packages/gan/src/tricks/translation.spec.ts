import * as tf from '@tensorflow/tfjs';
import { initBackend, mulberry32 } from '@bigmodel/core';

import { translateImages, translationPadding } from './translation';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('translateImages', () => {
  it('moves each image by whole pixels within the padding, the border at -1, and keeps no tensor', () => {
    const random = mulberry32(2);
    const images = tf.tensor4d(
      Float32Array.from({ length: 6 * 25 }, () => random() * 1.8 - 0.9),
      [6, 5, 5, 1],
    );
    const before = tf.memory().numTensors;
    const shiftedTensor = tf.tidy(() => translateImages(images, 1, mulberry32(4)));
    expect(tf.memory().numTensors).toBe(before + 1);
    const seen = tf.squeeze(shiftedTensor, [3]).arraySync() as number[][][];
    const originals = tf.squeeze(images, [3]).arraySync() as number[][][];
    // Independent truth: the image moved by (dy, dx), with -1 where it moved in from outside.
    const moved = (image: number[][], dy: number, dx: number) => image.map((row, y) => row.map((_, x) => image[y - dy]?.[x - dx] ?? -1));
    const close = (a: number[][], b: number[][]) => a.every((row, y) => row.every((v, x) => Math.abs(v - b[y][x]) < 1e-6));
    const shifts = seen.map((image, i) =>
      [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx])).filter(([dy, dx]) => close(image, moved(originals[i], dy, dx))),
    );
    expect(shifts.map((found) => found.length)).toEqual(Array(6).fill(1));
    expect(shifts.some(([[dy, dx]]) => dy !== 0 || dx !== 0)).toBe(true);
    tf.dispose([images, shiftedTensor]);
  });

  it('rounds the fraction of the image size to whole pixels', () => {
    expect(translationPadding(0.125, 28)).toBe(4); // 3.5 rounds up
    expect(translationPadding(0.25, 8)).toBe(2);
    expect(translationPadding(0, 28)).toBe(0);
  });
});
