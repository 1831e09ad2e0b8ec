import * as tf from '@tensorflow/tfjs';

import { initBackend } from '../backend';
import {
  cpuVersusWasm,
  finiteDifferences,
  randomInt,
  randomPadding,
  randomValues,
  seededRandom,
  useWasm,
} from '../testing/backend-comparison';

beforeAll(useWasm);

describe('Conv2DBackpropInput on wasm', () => {
  it('equals the cpu backend as the input gradient of conv2d over 40 random cases', async () => {
    const random = seededRandom(11);
    const failures: object[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const batch = random() < 0.5 ? 1 : randomInt(random, 2, 4);
      const k = randomInt(random, 1, 4);
      const xShape: [number, number, number, number] = [batch, randomInt(random, k, 12), randomInt(random, k, 12), randomInt(random, 1, 5)];
      const wShape: [number, number, number, number] = [k, k, xShape[3], randomInt(random, 1, 6)];
      const stride = random() < 0.5 ? 1 : 2;
      const pad = randomPadding(random);
      const x = randomValues(
        random,
        xShape.reduce((a, b) => a * b),
      );
      const f = randomValues(
        random,
        wShape.reduce((a, b) => a * b),
      );
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(xShape), tf.zeros<tf.Rank.R4>(wShape), stride, pad).shape);
      const r = randomValues(
        random,
        outShape.reduce((a, b) => a * b, 1),
      );
      const error = await cpuVersusWasm(() => {
        const filter = tf.tensor4d(f, wShape);
        const loss = (input: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, filter, stride, pad), tf.tensor(r, outShape)));
        return tf.grad(loss)(tf.tensor4d(x, xShape));
      });
      if (!(error <= 1e-5)) failures.push({ trial, xShape, wShape, stride, pad, error });
    }
    expect(failures).toEqual([]);
  });

  it('equals the cpu backend as the forward pass of conv2dTranspose (strides 1 and 2, same/valid)', async () => {
    const random = seededRandom(12);
    const failures: object[] = [];
    for (let trial = 0; trial < 24; trial++) {
      const batch = randomInt(random, 1, 3);
      const k = randomInt(random, 2, 5);
      const stride = random() < 0.5 ? 1 : 2;
      const pad = random() < 0.5 ? 'same' : 'valid';
      const h = randomInt(random, 2, 8);
      const w = randomInt(random, 2, 8);
      const cin = randomInt(random, 1, 6);
      const cout = randomInt(random, 1, 5);
      const outH = pad === 'same' ? h * stride : (h - 1) * stride + k;
      const outW = pad === 'same' ? w * stride : (w - 1) * stride + k;
      const x = randomValues(random, batch * h * w * cin);
      const f = randomValues(random, k * k * cout * cin);
      const error = await cpuVersusWasm(() =>
        tf.conv2dTranspose(tf.tensor4d(x, [batch, h, w, cin]), tf.tensor4d(f, [k, k, cout, cin]), [batch, outH, outW, cout], stride, pad),
      );
      if (!(error <= 1e-5)) failures.push({ trial, batch, h, w, cin, cout, k, stride, pad, error });
    }
    expect(failures).toEqual([]);
  });

  it('with 16k input channels (the fold in the GEMM epilogue) equals the cpu backend over 16 random cases, bitwise the same on 1 and 2 threads', async () => {
    const random = seededRandom(14);
    const cases = Array.from({ length: 16 }, () => {
      const batch = random() < 0.5 ? 1 : randomInt(random, 2, 5);
      const k = randomInt(random, 1, 4);
      const xShape: [number, number, number, number] = [
        batch,
        randomInt(random, k, 12),
        randomInt(random, k, 12),
        16 * randomInt(random, 1, 4),
      ];
      const wShape: [number, number, number, number] = [k, k, xShape[3], randomInt(random, 1, 40)];
      const stride = random() < 0.5 ? 1 : 2;
      const pad = randomPadding(random);
      const x = randomValues(
        random,
        xShape.reduce((a, b) => a * b),
      );
      const f = randomValues(
        random,
        wShape.reduce((a, b) => a * b),
      );
      const outShape = tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(xShape), tf.zeros<tf.Rank.R4>(wShape), stride, pad).shape);
      const r = randomValues(
        random,
        outShape.reduce((a, b) => a * b, 1),
      );
      const build = () => {
        const filter = tf.tensor4d(f, wShape);
        const loss = (input: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, filter, stride, pad), tf.tensor(r, outShape)));
        return tf.grad(loss)(tf.tensor4d(x, xShape));
      };
      return { xShape, wShape, stride, pad, build };
    });
    const failures: object[] = [];
    await initBackend({ backend: 'wasm', threads: 2 });
    const two: Float32Array[] = [];
    for (const [trial, c] of cases.entries()) {
      const error = await cpuVersusWasm(c.build);
      if (!(error <= 1e-5)) failures.push({ trial, ...c, build: undefined, error });
      two.push(tf.tidy(() => c.build().dataSync() as Float32Array).slice());
    }
    await initBackend({ backend: 'wasm', threads: 1 });
    for (const [trial, c] of cases.entries()) {
      const one = tf.tidy(() => c.build().dataSync() as Float32Array).slice();
      if (!Buffer.from(one.buffer).equals(Buffer.from(two[trial].buffer)))
        failures.push({ trial, ...c, build: undefined, sameOnOneThread: false });
    }
    expect(failures).toEqual([]);
  });

  it('agrees with central finite differences for a strided transposed convolution', () => {
    const random = seededRandom(13);
    const filter = tf.tensor4d(randomValues(random, 4 * 4 * 2 * 3), [4, 4, 2, 3]);
    const r = tf.tensor4d(randomValues(random, 2 * 10 * 10 * 2), [2, 10, 10, 2]);
    const x0 = tf.tensor4d(randomValues(random, 2 * 5 * 5 * 3), [2, 5, 5, 3]);
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(tf.conv2dTranspose(x as tf.Tensor4D, filter, [2, 10, 10, 2], 2, 'same'), r)) as tf.Scalar;
    const analytic = tf.grad(loss)(x0).dataSync();
    for (const { index, derivative } of finiteDifferences(loss, x0, random)) {
      expect(Math.abs(analytic[index] - derivative)).toBeLessThan(1e-2 * Math.max(1, Math.abs(derivative)));
    }
    tf.dispose([filter, r, x0]);
  });
});
