import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initBackend } from '@bigmodel/core';

import { mnistGanData, toGanData } from './gan-data';

function parameterOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error.parameter;
    throw error;
  }
  return undefined;
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('toGanData', () => {
  it('scales [0, 1] to [-1, 1]', () => {
    const data = toGanData({ data: Float32Array.of(0, 0.25, 1, 0.5), shape: [1, 2, 2, 1] });
    expect(Array.from(data.images)).toEqual([-1, -0.5, 1, 0]);
    expect(data.imageShape).toEqual([2, 2, 1]);
  });

  it('refuses the wrong rank, values outside [0, 1], and a label count that does not match, naming the parameter', () => {
    expect(parameterOf(() => toGanData(tf.zeros([4, 28, 28])))).toBe('images');
    expect(parameterOf(() => toGanData({ data: Float32Array.of(0, 255, 0, 0), shape: [1, 2, 2, 1] }))).toBe('images');
    expect(parameterOf(() => toGanData({ data: Float32Array.of(0, -1, 0, 0), shape: [1, 2, 2, 1] }))).toBe('images');
    expect(parameterOf(() => toGanData({ data: Float32Array.of(0, 0, 0, 0), shape: [1, 2, 2, 1] }, [1, 2]))).toBe('labels');
  });

  it('gives all 10,000 MNIST digits with labels', () => {
    const data = mnistGanData();
    expect(data.count).toBe(10000);
    expect(data.labels!.filter((l) => l === 1).length).toBe(1127);
  });
});
