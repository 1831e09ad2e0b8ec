import * as tf from '@tensorflow/tfjs';

import {
  finiteDifferences,
  relativeError,
  valuesOn,
  randomInt,
  randomPadding,
  randomValues,
  seededRandom,
  useWasm,
} from '../testing/backend-comparison';

beforeAll(useWasm);

/** A random depthwise case; dilation 2 only with stride 1, as tfjs requires. */
function randomDepthwiseCase(random: () => number) {
  const batch = random() < 0.5 ? 1 : randomInt(random, 2, 3);
  const k = randomInt(random, 1, 3);
  const dilation = random() < 0.3 ? 2 : 1;
  const stride = dilation === 1 && random() < 0.5 ? 2 : 1;
  const effective = (k - 1) * dilation + 1;
  const xShape: [number, number, number, number] = [
    batch,
    randomInt(random, effective, 10),
    randomInt(random, effective, 10),
    randomInt(random, 1, 5),
  ];
  const multiplier = randomInt(random, 1, 3);
  const wShape: [number, number, number, number] = [k, k, xShape[3], multiplier];
  return { xShape, wShape, stride, dilation, pad: randomPadding(random) };
}

describe('DepthwiseConv2dNative gradients on wasm', () => {
  // The cpu backend's depthwise gradient kernels ignore dilations (tfjs's own gradients never pass
  // any), so for dilation d the reference is the cpu kernels run on the equivalent undilated filter
  // (taps spread d apart, zeros between), whose filter gradient is read back at the taps.
  it('equal the cpu backend for 40 random cases with strides, dilations and same/valid/explicit padding', async () => {
    const random = seededRandom(21);
    const failures: object[] = [];
    for (let trial = 0; trial < 40; trial++) {
      const c = randomDepthwiseCase(random);
      const x = randomValues(
        random,
        c.xShape.reduce((a, b) => a * b),
      );
      const f = randomValues(
        random,
        c.wShape.reduce((a, b) => a * b),
      );
      const dyShape = tf.tidy(
        () => tf.depthwiseConv2d(tf.zeros<tf.Rank.R4>(c.xShape), tf.zeros<tf.Rank.R4>(c.wShape), c.stride, c.pad, 'NHWC', c.dilation).shape,
      );
      const dy = randomValues(
        random,
        dyShape.reduce((a, b) => a * b, 1),
      );
      const [k, , channels, multiplier] = c.wShape;
      const span = (k - 1) * c.dilation + 1;
      const taps = Array.from({ length: k }, (_, i) => i * c.dilation);
      const spread = (w: tf.Tensor4D) => {
        const full = tf.buffer([span, span, channels, multiplier]);
        const values = w.arraySync();
        taps.forEach((ti, i) =>
          taps.forEach((tj, j) => values[i][j].forEach((row, ci) => row.forEach((v, q) => full.set(v, ti, tj, ci, q)))),
        );
        return full.toTensor();
      };
      const attrs = { strides: c.stride, pad: c.pad };
      const expected = await valuesOn('cpu', () => {
        const dyT = tf.tensor(dy, dyShape);
        const dx = tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: dyT, filter: spread(tf.tensor4d(f, c.wShape)) },
          {
            ...attrs,
            dilations: 1,
            inputShape: c.xShape,
          },
        ) as tf.Tensor;
        const dwFull = tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: tf.tensor4d(x, c.xShape), dy: dyT },
          {
            ...attrs,
            dilations: 1,
            filterShape: [span, span, channels, multiplier],
          },
        ) as tf.Tensor;
        const dw = tf.gather(tf.gather(dwFull, taps, 0), taps, 1);
        return [dx, dw];
      });
      const actual = await valuesOn('wasm', () => [
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropInput',
          { dy: tf.tensor(dy, dyShape), filter: tf.tensor4d(f, c.wShape) },
          {
            ...attrs,
            dilations: c.dilation,
            inputShape: c.xShape,
          },
        ) as tf.Tensor,
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: tf.tensor4d(x, c.xShape), dy: tf.tensor(dy, dyShape) },
          {
            ...attrs,
            dilations: c.dilation,
            filterShape: c.wShape,
          },
        ) as tf.Tensor,
      ]);
      const error = Math.max(relativeError(actual[0], expected[0]), relativeError(actual[1], expected[1]));
      if (!(error <= 1e-5)) failures.push({ trial, ...c, error });
    }
    expect(failures).toEqual([]);
  });

  it('give the gradients of depthwiseConv2d that central finite differences give', () => {
    const random = seededRandom(22);
    const x0 = tf.tensor4d(randomValues(random, 2 * 6 * 6 * 3), [2, 6, 6, 3]);
    const w0 = tf.tensor4d(randomValues(random, 3 * 3 * 3 * 2), [3, 3, 3, 2]);
    const r = tf.tensor4d(randomValues(random, 2 * 3 * 3 * 6), [2, 3, 3, 6]);
    const lossX = (x: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w0, 2, 'same'), r)) as tf.Scalar;
    const lossW = (w: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(x0, w as tf.Tensor4D, 2, 'same'), r)) as tf.Scalar;
    for (const [loss, at] of [
      [lossX, x0],
      [lossW, w0],
    ] as const) {
      const analytic = tf.grad(loss)(at).dataSync();
      for (const { index, derivative } of finiteDifferences(loss, at, random)) {
        expect(Math.abs(analytic[index] - derivative)).toBeLessThan(1e-2 * Math.max(1, Math.abs(derivative)));
      }
    }
    tf.dispose([x0, w0, r]);
  });
});
