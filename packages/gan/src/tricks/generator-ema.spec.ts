import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { updateGeneratorAverage } from './generator-ema';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

const dense = (value: number) => {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: 'zeros' })] });
  model.setWeights([tf.fill([2, 1], value), tf.fill([1], value)]);
  return model;
};

describe('updateGeneratorAverage', () => {
  it('moves every weight to d a + (1 - d) w with d = min(decay, (1 + step) / (10 + step)), keeping no tensor', () => {
    const average = dense(1);
    const generator = dense(3);
    const before = tf.memory().numTensors;
    // step 0: d = min(0.5, 1 / 10) = 0.1, so 0.1 * 1 + 0.9 * 3 = 2.8
    updateGeneratorAverage(average, generator, 0.5, 0);
    expect(average.getWeights().map((w) => Array.from(w.dataSync()))).toEqual([
      [expect.closeTo(2.8, 6), expect.closeTo(2.8, 6)],
      [expect.closeTo(2.8, 6)],
    ]);
    // step 100: d = min(0.5, 101 / 110) = 0.5, so 0.5 * 2.8 + 0.5 * 3 = 2.9
    updateGeneratorAverage(average, generator, 0.5, 100);
    expect(Array.from(average.getWeights()[1].dataSync())).toEqual([expect.closeTo(2.9, 6)]);
    expect(Array.from(generator.getWeights()[1].dataSync())).toEqual([3]);
    expect(tf.memory().numTensors).toBe(before);
    average.dispose();
    generator.dispose();
  });
});
