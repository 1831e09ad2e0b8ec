import * as tf from '@tensorflow/tfjs';

import { ShapeError } from '../errors';
import {
  cpuVersusWasm,
  finiteDifferences,
  randomInt,
  randomPadding,
  randomValues,
  relativeError,
  seededRandom,
  useWasm,
} from '../testing/backend-comparison';

beforeAll(useWasm);

/** A random conv2d case: input [b, h, w, ci], filter [k, k, ci, co], strides 1 or 2, any padding. */
function randomConvCase(random: () => number) {
  const batch = random() < 0.5 ? 1 : randomInt(random, 2, 4);
  const k = randomInt(random, 1, 4);
  const h = randomInt(random, k, 12);
  const w = randomInt(random, k, 12);
  const ci = randomInt(random, 1, 5);
  const co = randomInt(random, 1, 6);
  const stride = random() < 0.5 ? 1 : 2;
  const pad = randomPadding(random);
  return {
    xShape: [batch, h, w, ci] as [number, number, number, number],
    wShape: [k, k, ci, co] as [number, number, number, number],
    stride,
    pad,
    x: randomValues(random, batch * h * w * ci),
    f: randomValues(random, k * k * ci * co),
  };
}

describe('Conv2DBackpropFilter on wasm', () => {
  it('equals the cpu backend (relative error <= 1e-5) over 40 random shapes, strides 1 and 2, same/valid/explicit padding', async () => {
    const random = seededRandom(1);
    const failures: object[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const c = randomConvCase(random);
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(c.xShape), tf.zeros<tf.Rank.R4>(c.wShape), c.stride, c.pad).shape);
      const r = randomValues(
        random,
        outShape.reduce((a, b) => a * b, 1),
      );
      const error = await cpuVersusWasm(() => {
        const x = tf.tensor4d(c.x, c.xShape);
        const loss = (f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.stride, c.pad), tf.tensor(r, outShape)));
        return tf.grad(loss)(tf.tensor4d(c.f, c.wShape));
      });
      if (!(error <= 1e-5)) failures.push({ trial, xShape: c.xShape, wShape: c.wShape, stride: c.stride, pad: c.pad, error });
    }
    expect(failures).toEqual([]);
  });

  it('agrees with central finite differences of the convolution', () => {
    const random = seededRandom(2);
    const x = tf.tensor4d(randomValues(random, 2 * 7 * 6 * 3), [2, 7, 6, 3]);
    const f0 = tf.tensor4d(randomValues(random, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const r = tf.tensor4d(randomValues(random, 2 * 4 * 3 * 4), [2, 4, 3, 4]);
    const loss = (f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'), r)) as tf.Scalar;
    const analytic = tf.grad(loss)(f0).dataSync();
    for (const { index, derivative } of finiteDifferences(loss, f0, random)) {
      expect(Math.abs(analytic[index] - derivative)).toBeLessThan(1e-2 * Math.max(1, Math.abs(derivative)));
    }
    tf.dispose([x, f0, r]);
  });

  it('rejects NCHW with a ShapeError naming the attribute', () => {
    const x = tf.zeros([1, 2, 5, 5]);
    const dy = tf.zeros([1, 2, 3, 3]);
    const run = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] });
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(/Conv2DBackpropFilter\.dataFormat.*"NCHW"/);
    tf.dispose([x, dy]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, 3]);
    const f = tf.randomNormal([3, 3, 3, 5]);
    // Intermediates inside a kernel are backend buffers, not tensors: count both.
    const before = [tf.memory().numTensors, tf.memory().numDataBuffers];
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'same')))(f);
    g.dispose();
    expect([tf.memory().numTensors, tf.memory().numDataBuffers]).toEqual(before);
    tf.dispose([x, f]);
  });
});

describe('relativeError', () => {
  it('is the max absolute difference over the max magnitude', () => {
    expect(relativeError([1, 2.5], [1, 2])).toBeCloseTo(0.25);
    expect(relativeError([0, 0], [0, 0])).toBe(0);
  });
});
