import * as tf from '@tensorflow/tfjs';

import { cpuVersusWasm, randomInt, randomValues, seededRandom, useWasm, valuesOn } from '../testing/backend-comparison';

beforeAll(useWasm);

describe('MaxPool on wasm', () => {
  it('equals the cpu backend bitwise over 30 random pools (sizes 1-3, strides 1-3, same/valid, 1-9 channels), with NaN and -Infinity', async () => {
    const random = seededRandom(32);
    const failures: object[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const size = randomInt(random, 1, 3);
      const stride = randomInt(random, 1, 3);
      const pad = random() < 0.5 ? 'same' : 'valid';
      const shape: [number, number, number, number] = [
        randomInt(random, 1, 3),
        randomInt(random, size, 9),
        randomInt(random, size, 9),
        randomInt(random, 1, 9),
      ];
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b),
      );
      if (trial % 3 === 0) x.forEach((_, i) => (i % 7 === 0 ? (x[i] = NaN) : i % 11 === 0 ? (x[i] = -Infinity) : 0));
      const build = () => tf.maxPool(tf.tensor4d(x, shape), size, stride, pad);
      const [[cpu], [wasm]] = [await valuesOn('cpu', build), await valuesOn('wasm', build)];
      if (cpu.length !== wasm.length || !cpu.every((v, i) => Object.is(v, wasm[i]))) failures.push({ trial, shape, size, stride, pad });
    }
    expect(failures).toEqual([]);
  });

  it("takes each window's greatest value, NaN ignored (hand-worked 4x4, 2x2 pool)", () => {
    const y = tf.maxPool(tf.tensor4d([1, 5, 2, 0, 3, NaN, 7, 7, 0, 0, 1, 9, -Infinity, 0, 8, 2], [1, 4, 4, 1]), 2, 2, 'valid');
    expect(Array.from(y.dataSync())).toEqual([5, 7, 0, 9]);
    y.dispose();
  });
});

describe('MaxPoolGrad on wasm', () => {
  it('equals the cpu backend over 40 random pools, including windows full of ties', async () => {
    const random = seededRandom(31);
    const failures: object[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const size = randomInt(random, 1, 3);
      const stride = randomInt(random, 1, 3);
      const pad = random() < 0.5 ? 'same' : 'valid';
      const shape: [number, number, number, number] = [
        randomInt(random, 1, 3),
        randomInt(random, size, 9),
        randomInt(random, size, 9),
        randomInt(random, 1, 9),
      ];
      // Rounded, rectified values: many windows hold equal maxima (ties go to the first, as on cpu).
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b),
      ).map((v) => Math.max(0, Math.round(v * 2) / 2));
      const outShape = tf.tidy(() => tf.maxPool(tf.zeros<tf.Rank.R4>(shape), size, stride, pad).shape);
      const r = randomValues(
        random,
        outShape.reduce((a, b) => a * b, 1),
      );
      const error = await cpuVersusWasm(() =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, stride, pad), tf.tensor(r, outShape))))(
          tf.tensor4d(x, shape),
        ),
      );
      if (!(error <= 1e-5)) failures.push({ trial, shape, size, stride, pad, error });
    }
    expect(failures).toEqual([]);
  });

  it("routes each window's gradient to its maximum (hand-worked 4x4, 2x2 pool)", () => {
    const x = tf.tensor4d([1, 5, 2, 0, 3, 4, 7, 7, 0, 0, 1, 9, 0, 0, 8, 2], [1, 4, 4, 1]);
    const dx = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]))),
    )(x);
    // Maxima: 5 (index 1), first 7 (index 6), first 0 (index 8), 9 (index 11).
    expect(Array.from(dx.dataSync())).toEqual([0, 10, 0, 0, 0, 0, 20, 0, 30, 0, 0, 40, 0, 0, 0, 0]);
    tf.dispose([x, dx]);
  });
});
