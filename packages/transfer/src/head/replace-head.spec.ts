import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@bigmodel/core';

import { tinyBnModel, useWasm } from '../testing/helpers';
import { createDigitsCnn } from '../zoo/architectures';
import {
  MAX_HEAD_LAYERS,
  defaultCutLayer,
  disposeUnusedLayers,
  featureExtractor,
  replaceHead,
  type ReplaceHeadOptions,
} from './replace-head';

beforeAll(useWasm);

function parameterCountUpTo(model: tf.LayersModel, name: string): number {
  const last = model.layers.findIndex((l) => l.name === name);
  return model.layers.slice(0, last + 1).reduce((sum, l) => sum + l.countParams(), 0);
}

describe('replaceHead', () => {
  it('puts a new softmax head for the new class count on the features, sharing the base weights', () => {
    const base = tinyBnModel();
    const model = replaceHead(base, { classes: 7, hiddenUnits: [5], seed: 3 });
    expect(model.outputs[0].shape).toEqual([null, 7]);
    expect(model.layers.map((l) => l.name)).toEqual(
      ['input1', 'block1_conv', 'block1_bn', 'block1_relu', 'features', 'head_dense', 'head_out'].map((n, i) =>
        i === 0 ? base.layers[0].name : n,
      ),
    );
    // 64 features -> 5 -> 7: (64*5 + 5) + (5*7 + 7) new parameters on the base's 40 + 16.
    expect(model.countParams()).toBe(40 + 16 + 325 + 42);
    expect(model.getLayer('block1_conv')).toBe(base.getLayer('block1_conv'));
    const x = tf.ones([2, 6, 6, 1]);
    const probabilities = model.predict(x) as tf.Tensor;
    expect(Array.from(tf.sum(probabilities, 1).dataSync()).map((v) => +v.toFixed(5))).toEqual([1, 1]);
    tf.dispose([x, probabilities]);
    model.dispose();
  });

  it('cuts at a named layer, and by default where the trailing dense layers start', () => {
    const base = createDigitsCnn({ classes: 5, seed: 0 });
    expect(defaultCutLayer(base)).toBe('features');
    const model = replaceHead(base, { classes: 3, cutAt: 'block2_pool', hiddenUnits: [] });
    // block2_pool is 7x7x64: flattened (3136 inputs) or averaged (64) before the softmax.
    expect(model.outputs[0].shape).toEqual([null, 3]);
    expect(model.countParams() - parameterCountUpTo(base, 'block2_pool')).toBe(3136 * 3 + 3);
    const pooled = replaceHead(base, { classes: 3, cutAt: 'block2_pool', hiddenUnits: [], pooling: 'average' });
    expect(pooled.layers.map((l) => l.name).slice(-2)).toEqual(['head_pool', 'head_out']);
    expect(pooled.countParams() - parameterCountUpTo(base, 'block2_pool')).toBe(64 * 3 + 3);
    expect(featureExtractor(base).outputs[0].shape).toEqual([null, 3136]);
    expect(featureExtractor(base, 'block1_pool').outputs[0].shape).toEqual([null, 14, 14, 32]);
    base.dispose();
  });

  it('rejects a head for 0 classes and an unknown cut layer with typed errors naming the option and the layers', () => {
    const base = tinyBnModel();
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as InvalidArgumentError;
      }
      throw new Error('did not throw');
    };
    const zero = caught(() => replaceHead(base, { classes: 0 }));
    expect(InvalidArgumentError.isInstance(zero)).toBe(true);
    expect(zero.parameter).toBe('options.classes');
    const unknown = caught(() => replaceHead(base, { classes: 2, cutAt: 'pool5' }));
    expect(unknown.parameter).toBe('options.cutAt');
    expect(unknown.message).toContain('block1_conv, block1_bn, block1_relu, features, head_dense, head_out');
    expect(caught(() => featureExtractor(base, 'pool5')).parameter).toBe('layerName');
    base.dispose();
  });

  it.each<[Partial<ReplaceHeadOptions>, string, string]>([
    [{ hiddenUnits: [100_000] }, 'options.hiddenUnits[0]', 'Must be an integer in [1, 16384].'],
    [{ hiddenUnits: [128, 16_385] }, 'options.hiddenUnits[1]', 'Must be an integer in [1, 16384].'],
    [{ hiddenUnits: Array.from({ length: MAX_HEAD_LAYERS + 1 }, () => 8) }, 'options.hiddenUnits', 'at most 16 layer sizes'],
    [{ hiddenUnits: 128 as never }, 'options.hiddenUnits', 'at most 16 layer sizes'],
    [{ classes: 1e9 }, 'options.classes', 'classes in [1, 100000]'],
  ])('refuses the oversized head %j naming %s, at once and building nothing', (change, parameter, message) => {
    const base = tinyBnModel();
    const before = tf.memory().numTensors;
    const started = Date.now();
    let caught: unknown;
    try {
      replaceHead(base, { classes: 3, ...change });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).parameter).toBe(parameter);
    expect((caught as Error).message).toContain(message);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before);
    base.dispose();
  });

  it('frees every tensor of base and new model with disposeUnusedLayers + dispose', () => {
    const start = tf.memory().numTensors;
    const base = tinyBnModel();
    const model = replaceHead(base, { classes: 2 });
    expect(tf.memory().numTensors).toBe(start + base.weights.length + 4);
    disposeUnusedLayers(base, model);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
