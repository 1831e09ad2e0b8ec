import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { builtinSpace } from '../space/builtin-spaces';
import { buildMnistModel, mnistEvaluator } from './mnist-evaluator';

const base = { blocks: 2, filters1: 16, filters2: 32, convsPerBlock: 1, kernelSize: 3, batchNorm: false, activation: 'relu', denseUnits: 0, dropout: 0 };

describe('mnistEvaluator', () => {
  beforeAll(async () => {
    tf.env().set('PROD', true);
    await initBackend({ backend: 'wasm', threads: 1 });
  });

  it('builds the network a configuration describes (parameter counts by hand)', () => {
    // conv 3x3x1x16 + 16, conv 3x3x16x32 + 32, dense (7*7*32)x10 + 10.
    const plain = buildMnistModel(base, 0);
    expect(plain.countParams()).toBe(160 + 4640 + 15690);
    // Batch norm drops the conv biases and adds gamma, beta, moving mean and variance per channel.
    const normed = buildMnistModel({ ...base, batchNorm: true, kernelSize: 5, blocks: 3, filters3: 64, denseUnits: 64, dropout: 0.2 }, 0);
    const convs = 5 * 5 * 16 + 4 * 16 + (5 * 5 * 16 * 32 + 4 * 32) + (5 * 5 * 32 * 64 + 4 * 64);
    expect(normed.countParams()).toBe(convs + (3 * 3 * 64 * 64 + 64) + (64 * 10 + 10));
    plain.dispose();
    normed.dispose();
  });

  it('trains a sampled configuration for the budget and reports accuracy, size and latency without leaking tensors', async () => {
    const evaluate = mnistEvaluator({ trainLimit: 300 });
    const config = builtinSpace('mnist').sample(() => 0.3);
    const before = tf.memory().numTensors;
    const result = await evaluate({ ...config, blocks: 2, batchSize: 64 }, 1, { trialId: 0, seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.score).toBeGreaterThan(0.1);
    expect(result.score).toBeLessThanOrEqual(1);
    const built = buildMnistModel({ ...config, blocks: 2 }, 0);
    expect(result['params']).toBe(built.countParams());
    built.dispose();
    expect(result['latencyMs']).toBeGreaterThan(0);
  });

  it('skips models over maxParams without training them', async () => {
    const evaluate = mnistEvaluator({ maxParams: 1000 });
    const result = await evaluate(base, 1, { trialId: 0, seed: 0 });
    expect(result).toEqual({ score: -Infinity, params: 20490, skipped: 'maxParams' });
  });
});
