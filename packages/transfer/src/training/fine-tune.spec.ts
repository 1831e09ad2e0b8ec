import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, mulberry32, ShapeError, TensorDataset, type Callback } from '@bigmodel/core';

import { snapshot, tinyBnModel, tinyData, useWasm } from '../testing/helpers';
import { createDigitsCnn } from '../zoo/architectures';
import { fineTune, resolveFineTuneConfig, type FineTuneConfig } from './fine-tune';
import { GroupedOptimizer } from './grouped-optimizer';

beforeAll(useWasm);

function digitsLike(count: number, classes: number, seed: number): TensorDataset {
  const random = mulberry32(seed);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % classes);
  const examples = Float32Array.from({ length: count * 784 }, (_, k) => (random() < 0.2 + 0.1 * labels[Math.floor(k / 784)] ? 1 : 0));
  return new TensorDataset(examples, [28, 28, 1], labels, { classes });
}

function dispose(model: tf.LayersModel) {
  model.optimizer?.dispose();
  model.dispose();
}

const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

describe('fineTune', () => {
  it('head: trains only the new head (base weights and batch-norm statistics bit-identical); tensor counts stable', async () => {
    const base = tinyBnModel();
    const before = snapshot(base);
    const counts: number[] = [];
    const counter: Callback = { onEpochEnd: () => void counts.push(tf.memory().numTensors) };
    const { model, phases, parameters } = await fineTune(base, tinyData(60), {
      strategy: 'head',
      classes: 3,
      epochs: 3,
      hiddenUnits: [4],
      validation: tinyData(15, 1),
      patience: 10,
      callbacks: [counter],
    });
    expect(phases.map((p) => p.name)).toEqual(['head']);
    expect(parameters).toEqual({ trainable: 64 * 4 + 4 + 4 * 3 + 3, frozen: 40 + 16, total: 40 + 16 + 275 });
    for (const [name, values] of before) if (!name.startsWith('head')) expect(snapshot(base).get(name)).toEqual(values);
    expect(new Set(counts.slice(1)).size).toBe(1); // from epoch 2 on: early stopping holds its best weights by then
    dispose(model);
  });

  it('head on cached features ends with the same head weights as the head trained through the frozen base', async () => {
    const run = async (cachedFeatures: boolean) => {
      const { model } = await fineTune(tinyBnModel(), tinyData(60), {
        strategy: 'head',
        classes: 3,
        epochs: 2,
        batchSize: 16,
        seed: 4,
        cachedFeatures,
      });
      const weights = snapshot(model);
      dispose(model);
      return weights;
    };
    const [cached, direct] = [await run(true), await run(false)];
    for (const name of ['head_dense/kernel', 'head_out/kernel', 'head_out/bias']) {
      const [a, b] = [cached.get(name)!, direct.get(name)!];
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    }
  });

  it('reports the caching of features batch by batch, over every copy and the validation set, before the head phase', async () => {
    const events: string[] = [];
    const { model } = await fineTune(tinyBnModel(), tinyData(300), {
      strategy: 'head',
      classes: 3,
      epochs: 1,
      seed: 4,
      validation: tinyData(100, 1),
      cachedFeatures: true,
      cachedAugmentations: 1,
      augment: (xs) => xs.clone(),
      onCacheProgress: ({ done, total }) => events.push(`${done}/${total}`),
      onPhase: ({ name }) => events.push(name),
    });
    // Batches of 256: the 300 training examples (256, 300), their augmented copy (556, 600), then the 100 validation ones.
    expect(events).toEqual(['256/700', '300/700', '556/700', '600/700', '700/700', 'head']);
    dispose(model);
  });

  it('two-phase: then unfreezes only the top block, at the lower rate; lower blocks and their statistics stay bit-identical', async () => {
    const base = createDigitsCnn({ classes: 5, seed: 0 });
    const before = snapshot(base);
    const data = digitsLike(48, 2, 0);
    const { model, phases } = await fineTune(base, data, {
      strategy: 'two-phase',
      classes: 2,
      epochs: 1,
      fineTuneEpochs: 1,
      batchSize: 16,
      learningRate: 1e-3,
      fineTuneLearningRate: 1e-4,
      cachedFeatures: true,
    });
    expect(phases.map((p) => p.name)).toEqual(['head', 'fine-tune']);
    // block3: conv 3*3*64*64 = 36864, batch-norm gamma + beta 128.
    expect(phases[1].parameters.trainable - phases[0].parameters.trainable).toBe(36864 + 128);
    const after = snapshot(model);
    for (const name of [
      'block1_conv/kernel',
      'block1_bn/moving_mean',
      'block2_conv/kernel',
      'block2_bn/moving_variance',
      'block2_bn/gamma',
    ]) {
      expect(changed(after.get(name)!, before.get(name)!)).toBe(false);
    }
    for (const name of ['block3_conv/kernel', 'block3_bn/gamma', 'block3_bn/moving_mean'])
      expect(changed(after.get(name)!, before.get(name)!)).toBe(true);
    const rates = (model.optimizer as GroupedOptimizer).groups.map(
      (g) => (g.optimizer.getConfig() as { learningRate: number }).learningRate,
    );
    expect(new Set(rates)).toEqual(new Set([1e-3, 1e-4]));
    dispose(model);
  });

  it("full with batchNormPolicy 'always-frozen': every weight trains, the base's moving statistics stay bit-identical, and the model computes with them", async () => {
    const base = tinyBnModel();
    const before = snapshot(base);
    const data = tinyData(48);
    const { model, parameters } = await fineTune(base, data, {
      strategy: 'full',
      classes: 3,
      epochs: 2,
      batchSize: 16,
      hiddenUnits: [4],
      batchNormPolicy: 'always-frozen',
    });
    expect(parameters.frozen).toBe(8); // only the moving mean and variance (4 + 4) are not trainable
    const after = snapshot(model);
    for (const name of ['block1_bn/moving_mean', 'block1_bn/moving_variance']) expect(after.get(name)).toEqual(before.get(name));
    for (const name of ['block1_conv/kernel', 'block1_bn/gamma', 'block1_bn/beta'])
      expect(changed(after.get(name)!, before.get(name)!)).toBe(true);
    // Inference mode in training: the batch-norm output is gamma * (x - movingMean) / sqrt(movingVariance + epsilon) + beta,
    // computed here by hand from the conv output of one batch, not from batch statistics.
    const bn = model.getLayer('block1_bn');
    const convOut = tf.model({ inputs: model.inputs, outputs: model.getLayer('block1_conv').output as tf.SymbolicTensor });
    const xs = tf.tensor4d(data.examples.slice(0, 4 * 36), [4, 6, 6, 1]);
    const conv = convOut.predict(xs) as tf.Tensor;
    const [gamma, beta, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => after.get(`block1_bn/${n}`)!);
    const convValues = conv.dataSync();
    const expected = Float32Array.from(
      convValues,
      (v, i) => gamma[i % 4] * ((v - mean[i % 4]) / Math.sqrt(variance[i % 4] + 1e-3)) + beta[i % 4],
    );
    const actual = (bn.apply(conv, { training: true }) as tf.Tensor).dataSync();
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    tf.dispose([xs, conv]);
    dispose(model);
  });

  it('gradual: unfreezes one more block per epoch from the top, with discriminative rates per block', async () => {
    const trainable: number[] = [];
    const { model } = await fineTune(createDigitsCnn({ classes: 5, seed: 0 }), digitsLike(32, 2, 1), {
      strategy: 'gradual',
      classes: 2,
      epochs: 1,
      fineTuneEpochs: 3,
      batchSize: 16,
      fineTuneLearningRate: 1e-4,
      layerLearningRateDecay: 0.5,
      cachedFeatures: true,
      callbacks: [
        {
          onBatchEnd: (_s, _l, context) => {
            const n = context.model!.trainableWeights.length;
            if (trainable[trainable.length - 1] !== n) trainable.push(n);
          },
        },
      ],
    });
    // Trainable weights while training, in order: head 4; each block adds conv kernel + gamma + beta.
    expect(trainable).toEqual([4, 4 + 3, 4 + 6, 4 + 9]);
    const rates = (model.optimizer as GroupedOptimizer).groups.map(
      (g) => (g.optimizer.getConfig() as { learningRate: number }).learningRate,
    );
    expect(new Set(rates)).toEqual(new Set([1e-3, 1e-4, 5e-5, 2.5e-5]));
    dispose(model);
  });

  it('rejects data whose shape does not fit the base, naming both shapes', async () => {
    const base = createDigitsCnn({ classes: 5, seed: 0 });
    const cifarLike = new TensorDataset(new Float32Array(2 * 32 * 32 * 3), [32, 32, 3], Uint8Array.from([0, 1]), { classes: 2 });
    const error = (await fineTune(base, cifarLike, { strategy: 'head', classes: 2, epochs: 1 }).catch((e: unknown) => e)) as ShapeError;
    expect(ShapeError.isInstance(error)).toBe(true);
    expect(error.parameter).toBe('train');
    expect(error.message).toContain('[28, 28, 1]');
    expect(error.message).toContain('[32, 32, 3]');
    base.dispose();
  });

  it('validates its configuration with typed errors naming the option', () => {
    expect(() => resolveFineTuneConfig({ strategy: 'magic' as never, classes: 2, epochs: 1 })).toThrow(
      'Invalid argument for FineTuneConfig.strategy: "magic". Invalid option: expected one of "head"|"two-phase"|"gradual"|"full".',
    );
    expect(() => resolveFineTuneConfig({ strategy: 'head', classes: 0, epochs: 1 })).toThrow(InvalidArgumentError);
    expect(() => resolveFineTuneConfig({ strategy: 'head', classes: 2, epochs: 0 })).toThrow(/FineTuneConfig\.epochs: 0/);
    expect(() => resolveFineTuneConfig({ strategy: 'full', classes: 2, epochs: 1, cachedFeatures: true })).toThrow(
      'Invalid argument for FineTuneConfig.cachedFeatures: true. Cached features need a frozen base',
    );
    expect(() => resolveFineTuneConfig({ strategy: 'head', classes: 2, epochs: 1, hiddenUnit: [8] } as never)).toThrow(
      'Invalid argument for FineTuneConfig.hiddenUnit: [8]. Unknown key; did you mean "hiddenUnits"?',
    );
    // Oversized heads fail here, before any layer is built.
    const oversized: [Partial<FineTuneConfig>, string, unknown][] = [
      [{ hiddenUnits: [100_000] }, 'FineTuneConfig.hiddenUnits[0]', 100_000],
      [{ hiddenUnits: Array.from({ length: 17 }, () => 8) }, 'FineTuneConfig.hiddenUnits', Array.from({ length: 17 }, () => 8)],
      [{ classes: 1e9 }, 'FineTuneConfig.classes', 1e9],
    ];
    for (const [change, parameter, value] of oversized) {
      expect(() => resolveFineTuneConfig({ strategy: 'head', classes: 2, epochs: 1, ...change })).toThrow(
        expect.objectContaining({ name: 'InvalidArgumentError', parameter, value }),
      );
    }
    expect(resolveFineTuneConfig({ strategy: 'two-phase', classes: 2, epochs: 3, learningRate: 1e-2 })).toEqual(
      expect.objectContaining({ fineTuneEpochs: 3, fineTuneLearningRate: 1e-3, unfreezeBlocks: 1, weightDecay: 1e-4 }),
    );
    expect(resolveFineTuneConfig({ strategy: 'gradual', classes: 2, epochs: 3 }).unfreezeBlocks).toBe(Infinity);
  });

  it('takes lr, fineTuneLr and layerLrDecay as deprecated aliases, not together with the new names', () => {
    expect(resolveFineTuneConfig({ strategy: 'full', classes: 2, epochs: 1, lr: 1e-2, fineTuneLr: 1e-4, layerLrDecay: 0.5 })).toEqual(
      expect.objectContaining({ learningRate: 1e-2, fineTuneLearningRate: 1e-4, layerLearningRateDecay: 0.5 }),
    );
    expect(() => resolveFineTuneConfig({ strategy: 'full', classes: 2, epochs: 1, fineTuneLr: 1e-4, fineTuneLearningRate: 1e-3 })).toThrow(
      'Invalid argument for FineTuneConfig.fineTuneLr: 0.0001. "fineTuneLr" is the deprecated name of "fineTuneLearningRate"; give only "fineTuneLearningRate".',
    );
  });
});
