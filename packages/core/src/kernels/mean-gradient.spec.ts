import * as tf from '@tensorflow/tfjs';

import { randomInt, randomValues, seededRandom, useWasm, valuesOn } from '../testing/backend-comparison';

beforeAll(useWasm);

/** The closed form: dL/dx[i] = dy[i with the reduced axes dropped] / (number of reduced elements), in float32. */
function expectedGradient(shape: number[], axes: number[], dy: Float32Array): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const reduced = axes.reduce((n, axis) => n * shape[axis], 1);
  const out = new Float32Array(size);
  const index = new Array(shape.length).fill(0);
  for (let i = 0; i < size; i++) {
    let kept = 0;
    shape.forEach((extent, axis) => {
      if (!axes.includes(axis)) kept = kept * extent + index[axis];
    });
    out[i] = dy[kept] / reduced;
    for (let axis = shape.length - 1; axis >= 0 && ++index[axis] === shape[axis]; axis--) index[axis] = 0;
  }
  return out;
}

/** The largest number of values any tensor made from JavaScript held while `run` ran. */
function largestUpload(run: () => void): number {
  const spy = jest.spyOn(tf.engine(), 'makeTensor');
  try {
    run();
    return Math.max(0, ...spy.mock.calls.map(([values]) => (values as ArrayLike<unknown>).length ?? 0));
  } finally {
    spy.mockRestore();
  }
}

describe("Mean's gradient", () => {
  it('is dy / n broadcast over the reduced axes, bitwise, on wasm and on cpu, over randomized shapes and axes', async () => {
    const random = seededRandom(93);
    for (let trial = 0; trial < 12; trial++) {
      const shape = Array.from({ length: randomInt(random, 1, 4) }, () => randomInt(random, 1, 6));
      const axes = shape.map((_, axis) => axis).filter(() => random() < 0.5);
      if (axes.length === 0) axes.push(0);
      const keepDims = trial % 2 === 1;
      const x = randomValues(
        random,
        shape.reduce((a, b) => a * b, 1),
      );
      const dyShape = shape.filter((_, axis) => !axes.includes(axis));
      const dy = randomValues(
        random,
        dyShape.reduce((a, b) => a * b, 1),
      );
      const build = () => {
        const gradient = tf.grad((input: tf.Tensor) => tf.mean(input, axes, keepDims));
        return gradient(tf.tensor(x, shape), tf.tensor(dy, keepDims ? shape.map((n, axis) => (axes.includes(axis) ? 1 : n)) : dyShape));
      };
      const expected = expectedGradient(shape, axes, dy);
      for (const backend of ['wasm', 'cpu'] as const) {
        const [actual] = await valuesOn(backend, build);
        expect({ trial, backend, equal: actual.every((v, i) => Object.is(v, expected[i])) }).toEqual({ trial, backend, equal: true });
      }
    }
  });

  it('makes no full-size array in JavaScript on wasm (the cpu backend keeps the stock gradient, which does) and leaks no tensor', async () => {
    const x = tf.randomNormal([64, 7, 7, 32]);
    const gradientOfMoments = () => tf.dispose(tf.grad((input: tf.Tensor) => tf.moments(input, [0, 1, 2]).variance.sum())(x));
    gradientOfMoments();
    const before = tf.memory().numTensors;
    expect(largestUpload(gradientOfMoments)).toBeLessThan(x.size);
    expect(tf.memory().numTensors).toBe(before);

    await tf.setBackend('cpu');
    const onCpu = tf.randomNormal([8, 3, 3, 4]);
    expect(largestUpload(() => tf.dispose(tf.grad((input: tf.Tensor) => tf.mean(input, [0, 1, 2]).sum())(onCpu)))).toBe(onCpu.size);
    onCpu.dispose();
    await tf.setBackend('wasm');
    x.dispose();
  });
});
