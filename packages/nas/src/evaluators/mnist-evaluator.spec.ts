import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, NumericalError, initBackend, loadModel, type LearningRateSchedule } from '@bigmodel/core';

import { runSearch } from '../runner/run-search';
import { builtinSpace } from '../space/builtin-spaces';
import { buildMnistModel, checkMnistSpace } from '../internal/mnist-model';
import { evaluateMnistModel, mnistEvaluator, mnistLearningRate, trainMnistModel } from './mnist-evaluator';

const base = {
  blocks: 2,
  filters1: 16,
  filters2: 32,
  convsPerBlock: 1,
  kernelSize: 3,
  batchNorm: false,
  activation: 'relu',
  denseUnits: 0,
  dropout: 0,
};

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

  it('builds the same weights from the same seed, seed 0 included (tfjs takes a normal draw seeded 0 as unseeded)', () => {
    const weightsOf = (seed: number) => {
      const model = buildMnistModel({ ...base, denseUnits: 64 }, seed);
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    for (const seed of [0, 1]) expect(weightsOf(seed)).toEqual(weightsOf(seed));
    expect(weightsOf(0)[0]).not.toEqual(weightsOf(1)[0]);
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

  it('saves the trained model to the trial directory; loaded back it predicts the same and scores the trial score', async () => {
    const modelDir = join(mkdtempSync(join(tmpdir(), 'nas-mnist-')), 'trial-0');
    const evaluate = mnistEvaluator({ trainLimit: 300 });
    const config = { ...base, dropout: 0.2, denseUnits: 64, batchNorm: true, augment: 'shift', lrSchedule: 'cosine', batchSize: 64 };
    const before = tf.memory().numTensors;
    const result = await evaluate(config, 2, { trialId: 0, seed: 7, modelDir });
    expect(tf.memory().numTensors).toBe(before);
    expect(existsSync(join(modelDir, 'model.json'))).toBe(true);
    const loaded = await loadModel(modelDir);
    const again = await loadModel(modelDir);
    const xs = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 3);
    const a = loaded.predict(xs) as tf.Tensor;
    const b = again.predict(xs) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // Validation accuracy of the saved model: exactly the trial's score (same split, same batches).
    const measured = await evaluateMnistModel(loaded, config, { trainLimit: 300 });
    expect(measured.valAccuracy).toBe(result.score);
    expect(measured.testAccuracy).toBeGreaterThan(0.1);
    expect(measured.params).toBe(result['params']);
    tf.dispose([xs, a, b]);
    loaded.dispose();
    again.dispose();
  });

  it.each(['affine', 'elastic', 'elastic+shift'])(
    "trains with '%s' augmentation reproducibly (same seed, same score and weights) without leaking; an unknown augmentation is a typed error",
    async (augment) => {
      const config = { ...base, augment, batchSize: 64 };
      const before = tf.memory().numTensors;
      const first = await trainMnistModel(config, 1, { trainLimit: 300, seed: 3 });
      const second = await trainMnistModel(config, 1, { trainLimit: 300, seed: 3 });
      const plain = await trainMnistModel({ ...config, augment: 'none' }, 1, { trainLimit: 300, seed: 3 });
      expect(second.valAccuracy).toBe(first.valAccuracy);
      const weights = (trained: typeof first) => Array.from(trained.model.getWeights()[0].dataSync());
      expect(weights(second)).toEqual(weights(first));
      expect(weights(plain)).not.toEqual(weights(first));
      for (const trained of [first, second, plain]) {
        trained.model.optimizer.dispose();
        trained.model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
      await expect(trainMnistModel({ ...config, augment: 'rotate' }, 1, { trainLimit: 300 })).rejects.toThrow(/config\.augment/);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('trains with label smoothing: the compiled loss is cross-entropy against (1 - s) one-hot + s / 10; a bad value is a typed error', async () => {
    const s = 0.1;
    const trained = await trainMnistModel({ ...base, labelSmoothing: s, batchSize: 64 }, 1, { trainLimit: 300, seed: 5 });
    const plain = await trainMnistModel({ ...base, batchSize: 64 }, 1, { trainLimit: 300, seed: 5 });
    expect(Array.from(trained.model.getWeights()[0].dataSync())).not.toEqual(Array.from(plain.model.getWeights()[0].dataSync()));
    const xs = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 4);
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const ys = tf.oneHot(labels, 10).toFloat();
    const p = (trained.model.predict(xs) as tf.Tensor).arraySync() as number[][];
    // By hand: mean over the batch of -sum_c t_c log p_c with t = 0.9 * one-hot + 0.01.
    const expected =
      p.reduce((sum, row, i) => sum - row.reduce((acc, pc, c) => acc + ((c === labels[i] ? 1 - s : 0) + s / 10) * Math.log(pc), 0), 0) /
      p.length;
    const loss = trained.model.evaluate(xs, ys, { batchSize: 8 }) as tf.Scalar[];
    expect(loss[0].dataSync()[0]).toBeCloseTo(expected, 4);
    tf.dispose([xs, ys, ...loss]);
    for (const model of [trained.model, plain.model]) {
      model.optimizer.dispose();
      model.dispose();
    }
    const before = tf.memory().numTensors;
    await expect(trainMnistModel({ ...base, labelSmoothing: 1.5 }, 1, { trainLimit: 300 })).rejects.toThrow(/config\.labelSmoothing/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('anneals the learning rate along a cosine to 0 at the last step, or keeps it constant', () => {
    const peak = 2e-3;
    expect(mnistLearningRate({ learningRate: peak }, 100)).toBe(peak);
    expect(mnistLearningRate({ learningRate: peak, lrSchedule: 'constant' }, 100)).toBe(peak);
    const cosine = mnistLearningRate({ learningRate: peak, lrSchedule: 'cosine' }, 100) as LearningRateSchedule;
    expect(cosine.at(1)).toBeCloseTo((peak * (1 + Math.cos(Math.PI / 100))) / 2, 12);
    expect(cosine.at(50)).toBeCloseTo(peak / 2, 12);
    expect(cosine.at(100)).toBeCloseTo(0, 12);
    expect(() => mnistLearningRate({ lrSchedule: 'step' }, 100)).toThrow(InvalidArgumentError);
  });

  it('trains whole epochs only: a fractional budget fails the trial', async () => {
    await expect(mnistEvaluator({ trainLimit: 100 })(base, 1.5, { trialId: 0, seed: 0 })).rejects.toThrow(InvalidArgumentError);
  });

  it('fails a trial whose training turns NaN with the NumericalError naming the step, frees its model, and the search goes on', async () => {
    const evaluate = mnistEvaluator({ trainLimit: 200 });
    const diverging = { ...base, optimizer: 'sgd', learningRate: 1e30, batchSize: 32 };
    const before = tf.memory().numTensors;
    const error = await Promise.resolve(evaluate(diverging, 1, { trialId: 0, seed: 0 })).catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(before);
    expect(NumericalError.isInstance(error)).toBe(true);
    expect((error as NumericalError).step).toBeGreaterThanOrEqual(1);
    // In a search: the diverging trial (trial 0) is recorded as failed with that error; trial 1 trains.
    const result = await runSearch({
      dir: mkdtempSync(join(tmpdir(), 'nas-nan-')),
      space: builtinSpace('mnist'),
      strategy: 'random',
      trials: 2,
      evaluator: (config, budget, context) => evaluate(context.trialId === 0 ? diverging : { ...base, batchSize: 64 }, budget, context),
    });
    expect(result.trials.map((t) => t.status)).toEqual(['failed', 'ok']);
    expect(result.trials[0].error).toMatch(/^NumericalError: training loss is NaN at step \d+\./);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [{ filters1: 100_000 }, 'config.filters1', 'Must be an integer in [1, 1024].'],
    [{ filters2: 1025 }, 'config.filters2', 'Must be an integer in [1, 1024].'],
    [{ blocks: 3, filters3: 1e9 }, 'config.filters3', 'Must be an integer in [1, 1024].'],
    [{ filters1: 2.5 }, 'config.filters1', 'Must be an integer in [1, 1024].'],
    [{ denseUnits: 1_000_000 }, 'config.denseUnits', 'Must be an integer in [0, 16384].'],
    [{ blocks: 5 }, 'config.blocks', 'Must be an integer in [1, 4].'], // 28 -> 14 -> 7 -> 3 -> 1 -> 0
    [{ convsPerBlock: 1000 }, 'config.convsPerBlock', 'Must be an integer in [1, 8].'],
    [{ kernelSize: 28_000 }, 'config.kernelSize', 'Must be an integer in [1, 9].'],
    [{ batchSize: 1e7 }, 'config.batchSize', 'Must be an integer in [1, 8192].'],
  ])('refuses the oversized %j naming %s, at once and building nothing', async (change, parameter, message) => {
    const config = { ...base, ...change };
    const before = tf.memory().numTensors;
    const started = Date.now();
    const refusals = [
      await Promise.resolve()
        .then(() => buildMnistModel(config, 0))
        .catch((e: unknown) => e),
      await Promise.resolve(trainMnistModel(config, 1, { trainLimit: 100 })).catch((e: unknown) => e),
      await Promise.resolve(mnistEvaluator({ maxParams: 1000 })(config, 1, { trialId: 0, seed: 0 })).catch((e: unknown) => e),
    ];
    for (const error of refusals) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).parameter).toBe(parameter);
      expect((error as Error).message).toContain(message);
    }
    expect(Date.now() - started).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a search whose space could produce an oversized network before anything is written; the built-in space is within limits', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nas-huge-')), 'search');
    const space = {
      params: { filters1: { type: 'categorical' as const, choices: [32, 100_000] }, denseUnits: { type: 'int' as const, min: 0, max: 64 } },
    };
    await expect(
      runSearch({ dir, space, strategy: 'random', trials: 1, evaluator: { kind: 'builtin', name: 'mnist' } }),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      parameter: 'space.filters1',
      value: 100_000,
    });
    await expect(
      runSearch({
        dir,
        space: { params: { denseUnits: { type: 'int', min: 0, max: 1e6 } } },
        strategy: 'random',
        trials: 1,
        evaluator: { kind: 'builtin', name: 'mnist' },
      }),
    ).rejects.toMatchObject({ parameter: 'space.denseUnits', value: 1e6 });
    expect(existsSync(dir)).toBe(false);
    // Every value the built-in space can produce is within the limits.
    expect(() => checkMnistSpace(builtinSpace('mnist'))).not.toThrow();
  });

  it('skips models over maxParams without training them', async () => {
    const evaluate = mnistEvaluator({ maxParams: 1000 });
    const result = await evaluate(base, 1, { trialId: 0, seed: 0 });
    expect(result).toEqual({ score: -Infinity, params: 20490, skipped: 'maxParams' });
  });
});
