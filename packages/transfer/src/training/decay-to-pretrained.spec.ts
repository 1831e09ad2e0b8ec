import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, type TrainingContext } from '@bigmodel/core';

import { snapshot, tinyBnModel, tinyData, useWasm } from '../testing/helpers';
import { decayToPretrained } from './decay-to-pretrained';
import { fineTune } from './fine-tune';
import { GroupedOptimizer } from './grouped-optimizer';

beforeAll(useWasm);

const context = {} as TrainingContext;

describe('decayToPretrained', () => {
  it('moves each weight back by lr * strength of its distance from the starting value, per batch', () => {
    const layer = tf.layers.dense({ units: 2, useBias: false, name: 'l2sp_dense', kernelInitializer: 'ones' });
    layer.apply(tf.input({ shape: [1] }));
    const kernel = layer.weights[0];
    // The deprecated spelling `lr` still works (one release).
    const callback = decayToPretrained([{ weight: kernel, lr: 0.1 }], { strength: 2 });
    tf.tidy(() => void kernel.write(tf.tensor2d([[3, -1]]))); // moved by (+2, -2) from the start (1, 1)
    const tensors = tf.memory().numTensors;
    callback.onBatchEnd!(0, { loss: 0 }, context);
    // 1 + 2 * (1 - 0.1 * 2) = 2.6 and 1 - 2 * 0.8 = -0.6
    Array.from(kernel.read().dataSync()).forEach((v, i) => expect(v).toBeCloseTo([2.6, -0.6][i], 6));
    callback.onBatchEnd!(1, { loss: 0 }, context);
    // Another 20% of the remaining distance: 1 + 1.6 * 0.8 = 2.28, 1 - 1.6 * 0.8 = -0.28.
    Array.from(kernel.read().dataSync()).forEach((v, i) => expect(v).toBeCloseTo([2.28, -0.28][i], 6));
    expect(tf.memory().numTensors).toBe(tensors);
    callback.onTrainEnd!(context);
    expect(tf.memory().numTensors).toBe(tensors - 1); // the snapshot is freed
    layer.dispose();
  });

  it('rejects a negative strength and a rate that would overshoot the starting value', () => {
    const layer = tf.layers.dense({ units: 1, name: 'l2sp_bad' });
    layer.apply(tf.input({ shape: [1] }));
    expect(() => decayToPretrained([], { strength: -1 })).toThrow(InvalidArgumentError);
    expect(() => decayToPretrained([{ weight: layer.weights[0], learningRate: 0.5 }], { strength: 2 })).toThrow(
      expect.objectContaining({ parameter: 'anchors[0].learningRate', value: 0.5 }),
    );
    expect(() => decayToPretrained([{ weight: layer.weights[0], lr: 0.1, learningRate: 0.1 }], { strength: 2 })).toThrow(
      expect.objectContaining({ parameter: 'anchors[0].lr' }),
    );
    expect(() => decayToPretrained([{ weight: layer.weights[0] }], { strength: 2 })).toThrow(
      expect.objectContaining({ parameter: 'anchors[0].learningRate', value: undefined }),
    );
    layer.dispose();
  });

  it('fineTune with decayToPretrained keeps the base nearer its pretrained weights, decays only the head toward zero, and leaks no tensors', async () => {
    const distance = async (strength: number) => {
      const base = tinyBnModel();
      const before = snapshot(base);
      const tensors = tf.memory().numTensors;
      const { model } = await fineTune(base, tinyData(48), {
        strategy: 'full',
        classes: 3,
        epochs: 3,
        batchSize: 16,
        hiddenUnits: [4],
        learningRate: 1e-2,
        fineTuneLearningRate: 1e-2,
        decayToPretrained: strength,
      });
      const after = snapshot(model);
      const moved = ['block1_conv/kernel', 'block1_bn/gamma'].map((name) =>
        Math.hypot(...after.get(name)!.map((v, i) => v - before.get(name)![i])),
      );
      const decays = (model.optimizer as GroupedOptimizer).groups.map((g) => ({
        decay: (g.optimizer.getConfig() as { weightDecay: number }).weightDecay,
        names: g.variables,
      }));
      model.optimizer?.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors);
      return { moved, decays };
    };
    const free = await distance(0);
    const anchored = await distance(50);
    free.moved.forEach((d, i) => {
      expect(d).toBeGreaterThan(0);
      expect(anchored.moved[i]).toBeLessThan(0.5 * d);
    });
    // Only the head's kernels decay toward zero under L2-SP; without it the base's conv kernel decays too.
    const decayed = (run: typeof free) => run.decays.filter((g) => g.decay > 0).flatMap((g) => g.names);
    expect(decayed(anchored).some((n) => n.includes('block1_conv'))).toBe(false);
    expect(decayed(anchored).some((n) => n.includes('head_dense'))).toBe(true);
    expect(decayed(free).some((n) => n.includes('block1_conv'))).toBe(true);
  });
});
