import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, initBackend, mulberry32 } from '@bigmodel/core';

import { loadGanCheckpoint, saveGanCheckpoint } from '../io/gan-checkpoint';
import type { GanConfig } from '../models/gan-config';
import { toGanData, type GanData } from './gan-data';
import { GanTrainer } from './gan-trainer';
import { packImages } from '../tricks/packing';
import { STREAMS } from '../internal/random-streams';
import { trainGan } from './train-gan';

/** Tiny 8x8 problems so that every kind trains in well under a second per step. */
const tiny = (kind: GanConfig['kind']): GanConfig => ({
  kind,
  imageShape: [8, 8, 1],
  nz: 4,
  ngf: 4,
  ndf: 4,
  batchSize: 8,
  criticSteps: kind === 'wgan-gp' ? 2 : 1,
});

function tinyData(count: number, seed = 0): GanData {
  const random = mulberry32(seed);
  return toGanData(
    { data: Float32Array.from({ length: count * 64 }, () => random()), shape: [count, 8, 8, 1] },
    Uint8Array.from({ length: count }, (_, i) => i % 10),
  );
}

const weightsOf = (trainer: GanTrainer) =>
  [...trainer.generator.getWeights(), ...(trainer.averageGenerator?.getWeights() ?? []), ...trainer.discriminator.getWeights()].map((w) =>
    Array.from(w.dataSync()),
  );

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('GanTrainer', () => {
  /**
   * The test variants: a kind, optionally with the generator average, the discriminator's
   * translation, spectral normalization in the discriminator, or separate learning rates (TTUR).
   */
  const VARIANTS = [
    'dcgan',
    'cgan',
    'wgan-gp',
    'dcgan averaged',
    'dcgan translated',
    'wgan-gp translated',
    'dcgan spectral',
    'cgan spectral',
    'wgan-gp spectral',
    'dcgan ttur',
    'dcgan packed',
    'cgan packed',
    'dcgan stddev',
    'cgan packed stddev',
  ] as const;
  const variant = (name: (typeof VARIANTS)[number], ema: number): GanConfig => {
    const kind = name.split(' ')[0] as GanConfig['kind'];
    return {
      ...tiny(kind),
      generatorEma: name.endsWith('averaged') ? ema : 0,
      discriminatorTranslation: name.endsWith('translated') ? 0.25 : 0,
      ...(name.endsWith('spectral') ? { discriminatorNormalization: 'spectral' as const } : {}),
      ...(name.endsWith('ttur') ? { generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-4 } : {}),
      ...(name.includes('packed') ? { discriminatorPacking: 2 } : {}),
      ...(name.endsWith('stddev') ? { minibatchStddev: 2 } : {}),
    };
  };

  it.each(VARIANTS)('%s: keeps the tensor count constant from step to step', async (name) => {
    const trainer = GanTrainer.create(variant(name, 0.99), 0);
    const data = tinyData(64);
    await trainGan(trainer, data, { epochs: 1, stopAtStep: 1 }); // creates the optimizers' slots
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainGan(trainer, data, { epochs: 1, stopAtStep: 4, onStep: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toEqual([before, before, before]);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it("gives each optimizer only its own network's trainable variables", async () => {
    const trainer = GanTrainer.create(tiny('dcgan'), 0);
    await trainGan(trainer, tinyData(16), { epochs: 1, stopAtStep: 1 });
    const slotOwners = async (optimizer: tf.Optimizer) =>
      new Set((await optimizer.getWeights()).slice(1).map(({ name }) => name.slice(0, name.lastIndexOf('/'))));
    const g = new Set(trainer.generatorVariables.map((v) => v.name));
    const d = new Set(trainer.discriminatorVariables.map((v) => v.name));
    expect([...g].some((name) => d.has(name))).toBe(false);
    expect(g.size).toBe(trainer.generator.trainableWeights.length);
    expect(d.size).toBe(trainer.discriminator.trainableWeights.length);
    expect(await slotOwners(trainer.generatorOptimizer)).toEqual(g);
    expect(await slotOwners(trainer.discriminatorOptimizer)).toEqual(d);
    // Moving statistics of batch norm are not trained by any optimizer.
    expect(trainer.generator.nonTrainableWeights.length).toBeGreaterThan(0);
    trainer.dispose();
  });

  it('initializes weights from N(0, 0.02) and batch-norm gammas from N(1, 0.02)', () => {
    const trainer = GanTrainer.create({ ngf: 64 }, 0);
    const kernel = trainer.generator.layers[0].getWeights()[0];
    const gamma = trainer.generator.layers[1].getWeights()[0];
    const moments = (t: tf.Tensor) => tf.tidy(() => tf.moments(t)).mean.dataSync()[0];
    expect(moments(kernel)).toBeCloseTo(0, 3);
    expect(tf.tidy(() => tf.sqrt(tf.moments(kernel).variance)).dataSync()[0]).toBeCloseTo(0.02, 3);
    expect(moments(gamma)).toBeCloseTo(1, 2);
    expect(tf.tidy(() => tf.sqrt(tf.moments(gamma).variance)).dataSync()[0]).toBeCloseTo(0.02, 2);
    trainer.dispose();
  });

  it.each(VARIANTS)('%s: 8 steps straight equal 2 steps, checkpoint, resume, 6 steps (bitwise)', async (name) => {
    const config = variant(name, 0.9);
    const dir = mkdtempSync(join(tmpdir(), 'gan-resume-'));
    try {
      // 48 digits make 6 dcgan steps (3 wgan-gp steps) per epoch: the runs cross epoch boundaries.
      const data = tinyData(48, 1);
      const straight = GanTrainer.create(config, 7);
      await trainGan(straight, data, { epochs: 3, stopAtStep: 8 });
      const first = GanTrainer.create(config, 7);
      await trainGan(first, data, { epochs: 3, stopAtStep: 2 });
      await saveGanCheckpoint(first, dir);
      first.dispose();
      const { trainer: resumed } = await loadGanCheckpoint(dir);
      expect(resumed.step).toBe(2);
      await trainGan(resumed, data, { epochs: 3, stopAtStep: 8 });
      expect(weightsOf(resumed)).toEqual(weightsOf(straight));
      resumed.dispose();
      straight.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the generator forward once per step: trainable weights as with a second forward on the same noise, running averages updated once', () => {
    const config = { ...tiny('dcgan'), generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-4 };
    const trainer = GanTrainer.create(config, 4);
    const reference = GanTrainer.create(config, 4);
    const random = mulberry32(9);
    const real = tf.tensor4d(
      Float32Array.from({ length: 8 * 64 }, () => random() * 2 - 1),
      [8, 8, 8, 1],
    );
    const bce = (target: number, logits: tf.Tensor) => tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, target), logits) as tf.Scalar;
    // Independent truth: the step written the long way (PyTorch's order, the generator run twice on the same noise).
    const twoForwardStep = (t: GanTrainer) =>
      tf.tidy(() => {
        const z = t.noise(8, STREAMS.noise, t.step, 0);
        const fake = tf.tidy(() => t.generator.apply(z, { training: true }) as tf.Tensor);
        const d = (x: tf.Tensor) => t.discriminator.apply(x, { training: true }) as tf.Tensor;
        t.discriminatorOptimizer.applyGradients(
          tf.variableGrads(() => tf.add(bce(1, d(real)), bce(0, d(fake))) as tf.Scalar, t.discriminatorVariables).grads,
        );
        t.generatorOptimizer.applyGradients(
          tf.variableGrads(() => bce(1, d(t.generator.apply(z, { training: true }) as tf.Tensor)), t.generatorVariables).grads,
        );
        t.step++;
      });
    const values = (weights: tf.LayersModel['weights']) => weights.map((w) => Array.from(w.read().dataSync()));
    const movingBefore = values(trainer.generator.nonTrainableWeights);
    expect(movingBefore.length).toBeGreaterThan(0);

    trainer.trainStep([{ images: real }]);
    twoForwardStep(reference);
    // One update of a running average from (mean 0, variance 1) with momentum 0.9 gives m1 = 0.1 b;
    // the reference's second update gives 0.9 m1 + 0.1 b = 1.9 m1 for the mean, and 0.9 v1 + (v1 - 0.9) for the variance.
    const once = values(trainer.generator.nonTrainableWeights);
    const twice = values(reference.generator.nonTrainableWeights);
    once.forEach((m, i) => {
      const isVariance = movingBefore[i].every((x) => x === 1);
      const expected = m.map((v) => (isVariance ? 0.9 * v + (v - 0.9) : 1.9 * v));
      expect(m.some((v, j) => v !== movingBefore[i][j])).toBe(true);
      twice[i].forEach((v, j) => expect(v).toBeCloseTo(expected[j], 6));
    });
    for (let step = 1; step < 3; step++) {
      trainer.trainStep([{ images: real }]);
      twoForwardStep(reference);
    }
    expect(values(trainer.generator.trainableWeights)).toEqual(values(reference.generator.trainableWeights));
    expect(values(trainer.discriminator.trainableWeights)).toEqual(values(reference.discriminator.trainableWeights));
    expect(values(trainer.discriminator.nonTrainableWeights)).toEqual(values(reference.discriminator.nonTrainableWeights));
    real.dispose();
    trainer.dispose();
    reference.dispose();
  });

  it('averages the generator: average_t = d_t average_(t-1) + (1 - d_t) weight_t, d_t = min(decay, (1 + t) / (10 + t))', async () => {
    const decay = 0.6; // below the ramp's (1 + t) / (10 + t) from t = 13 on: both branches are exercised in 16 steps
    const trainer = GanTrainer.create({ ...tiny('dcgan'), generatorEma: decay }, 3);
    const snapshot = (model: tf.LayersModel) => model.getWeights().map((w) => Float64Array.from(w.dataSync()));
    // Independent truth: the recurrence in float64, from the initial weights and each step's generator weights.
    const expected = snapshot(trainer.generator);
    expect(snapshot(trainer.averageGenerator!)).toEqual(expected);
    await trainGan(trainer, tinyData(64), {
      epochs: 2,
      stopAtStep: 16,
      readLossesEvery: 1, // onStep sees the trainer still at each step
      onStep: ({ step }) => {
        const d = Math.min(decay, (1 + step) / (10 + step));
        snapshot(trainer.generator).forEach((w, i) => expected[i].forEach((a, j) => (expected[i][j] = d * a + (1 - d) * w[j])));
      },
    });
    const actual = snapshot(trainer.averageGenerator!);
    let worst = 0;
    actual.forEach((w, i) =>
      w.forEach((a, j) => (worst = Math.max(worst, Math.abs(a - expected[i][j]) / (1e-3 + Math.abs(expected[i][j]))))),
    );
    expect(worst).toBeLessThan(1e-4);
    // The average moved away from the generator, and sampling uses it (batch norm in inference mode).
    expect(actual.some((w, i) => w.some((a, j) => a !== snapshot(trainer.generator)[i][j]))).toBe(true);
    const before = tf.memory().numTensors;
    const z = trainer.noise(5, 0, 0);
    const sampled = trainer.generate(z);
    const fromAverage = tf.tidy(() => trainer.averageGenerator!.apply(z, { training: false }) as tf.Tensor);
    expect(Array.from(sampled.dataSync())).toEqual(Array.from(fromAverage.dataSync()));
    const fromGenerator = trainer.generate(z, undefined, 'generator');
    const direct = tf.tidy(() => trainer.generator.apply(z, { training: false }) as tf.Tensor);
    expect(Array.from(fromGenerator.dataSync())).toEqual(Array.from(direct.dataSync()));
    expect(Array.from(fromGenerator.dataSync())).not.toEqual(Array.from(sampled.dataSync()));
    tf.dispose([z, sampled, fromAverage, fromGenerator, direct]);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it('shows the discriminator each image shifted by whole pixels within the translation, the border at -1', () => {
    // 8x8 images, translation 0.25: shifts of -2..2 pixels on each axis.
    const trainer = GanTrainer.create({ ...tiny('dcgan'), discriminatorTranslation: 0.25 }, 5);
    const random = mulberry32(9);
    const images = tf.tensor4d(
      Float32Array.from({ length: 8 * 64 }, () => random() * 1.8 - 0.9),
      [8, 8, 8, 1],
    );
    const seen: number[][][] = [];
    const apply = trainer.discriminator.apply.bind(trainer.discriminator);
    trainer.discriminator.apply = ((x: tf.Tensor, kwargs: object) => {
      if (seen.length === 0) seen.push(...(tf.squeeze(x, [3]).arraySync() as number[][][]));
      return apply(x, kwargs);
    }) as typeof trainer.discriminator.apply;
    trainer.trainStep([{ images }]);
    const originals = tf.squeeze(images, [3]).arraySync() as number[][][];
    // Independent truth: the same image moved by (dy, dx), with -1 where it moved in from outside.
    const shifted = (image: number[][], dy: number, dx: number) =>
      image.map((row, y) => row.map((_, x) => (image[y - dy]?.[x - dx] === undefined ? -1 : image[y - dy][x - dx])));
    const close = (a: number[][], b: number[][]) => a.every((row, y) => row.every((v, x) => Math.abs(v - b[y][x]) < 1e-6));
    const shifts = seen.map((image, i) => {
      const candidates = [-2, -1, 0, 1, 2].flatMap((dy) => [-2, -1, 0, 1, 2].map((dx) => [dy, dx]));
      return candidates.filter(([dy, dx]) => close(image, shifted(originals[i], dy, dx)));
    });
    expect(shifts.map((found) => found.length)).toEqual(Array(8).fill(1));
    expect(shifts.some(([[dy, dx]]) => dy !== 0 || dx !== 0)).toBe(true);
    expect(() => GanTrainer.create({ discriminatorTranslation: 0.6 }, 0)).toThrow(
      expect.objectContaining({ parameter: 'GanConfig.discriminatorTranslation' }),
    );
    images.dispose();
    trainer.dispose();
  });

  it('gives each network its own learning rate (TTUR), both `learningRate` by default', async () => {
    // Independent truth: Adam's first update moves every weight by learningRate * g / (|g| + epsilon), so about learningRate.
    const firstMove = async (config: GanConfig) => {
      const trainer = GanTrainer.create(config, 0);
      const before = [trainer.generatorVariables, trainer.discriminatorVariables].map((vs) =>
        vs.map((v) => Float32Array.from(v.dataSync())),
      );
      await trainGan(trainer, tinyData(8), { epochs: 1, stopAtStep: 1 });
      const moves = [trainer.generatorVariables, trainer.discriminatorVariables].map((vs, n) => {
        let largest = 0;
        vs.forEach((v, i) => v.dataSync().forEach((a, j) => (largest = Math.max(largest, Math.abs(a - before[n][i][j])))));
        return largest;
      });
      trainer.dispose();
      return moves;
    };
    const [g, d] = await firstMove({ ...tiny('dcgan'), learningRate: 5e-4, generatorLearningRate: 1e-3, discriminatorLearningRate: 1e-4 });
    expect(g).toBeCloseTo(1e-3, 5);
    expect(d).toBeCloseTo(1e-4, 6);
    const [gDefault, dDefault] = await firstMove({ ...tiny('dcgan'), learningRate: 5e-4 });
    expect(gDefault).toBeCloseTo(5e-4, 5);
    expect(dDefault).toBeCloseTo(5e-4, 5);
  });

  it('refuses generatorEma outside [0, 1) and sampling an average it does not keep, naming the parameter', () => {
    let error: unknown;
    try {
      GanTrainer.create({ generatorEma: 1 }, 0);
    } catch (e) {
      error = e;
    }
    expect(InvalidArgumentError.isInstance(error) && error.parameter).toBe('GanConfig.generatorEma');
    const plain = GanTrainer.create(tiny('dcgan'), 0);
    const z = plain.noise(2, 0, 0);
    expect(() => plain.generate(z, undefined, 'average')).toThrow(expect.objectContaining({ parameter: 'network' }));
    z.dispose();
    plain.dispose();
  });

  it('refuses a checkpoint of a different architecture, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-arch-'));
    try {
      const trainer = GanTrainer.create(tiny('dcgan'), 0);
      await saveGanCheckpoint(trainer, dir);
      trainer.dispose();
      const error = await loadGanCheckpoint(dir, { expect: { ...tiny('dcgan'), ngf: 8 } }).catch((e: unknown) => e);
      expect(InvalidArgumentError.isInstance(error) && error.parameter).toBe('GanConfig.ngf');
      const normalization = await loadGanCheckpoint(dir, { expect: { ...tiny('dcgan'), discriminatorNormalization: 'spectral' } }).catch(
        (e: unknown) => e,
      );
      expect(InvalidArgumentError.isInstance(normalization) && normalization.parameter).toBe('GanConfig.discriminatorNormalization');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PacGAN packing and minibatch stddev', () => {
  it('trains through a packed discriminator: it sees batch / m packs and the generator gets gradients through it', async () => {
    const config: GanConfig = { ...tiny('dcgan'), discriminatorPacking: 2, minibatchStddev: 2 };
    const trainer = GanTrainer.create(config, 0);
    expect(trainer.discriminator.inputs[0].shape).toEqual([null, 8, 8, 2]);
    const z = trainer.noise(8, 0, 0);
    const { value, grads } = tf.variableGrads(() => {
      const fake = trainer.generator.apply(z, { training: true }) as tf.Tensor4D;
      const logits = trainer.discriminator.apply(packImages(fake, 2), { training: true }) as tf.Tensor2D;
      expect(logits.shape).toEqual([4, 1]);
      return tf.losses.sigmoidCrossEntropy(tf.onesLike(logits), logits) as tf.Scalar;
    }, trainer.generatorVariables);
    expect(Object.keys(grads)).toHaveLength(trainer.generatorVariables.length);
    for (const grad of Object.values(grads)) expect(tf.norm(grad).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([z, value, ...Object.values(grads)]);
    // A whole step updates both networks and reports finite losses.
    const before = weightsOf(trainer);
    const losses = trainer.trainStep([{ images: tf.tensor4d(tinyData(8).images, [8, 8, 8, 1]) }]);
    expect(Number.isFinite(losses.discriminator) && Number.isFinite(losses.generator)).toBe(true);
    const after = weightsOf(trainer);
    const changed = (from: number, to: number) => after.slice(from, to).some((w, i) => w.some((v, j) => v !== before[from + i][j]));
    const generatorCount = trainer.generator.getWeights().length;
    expect(changed(0, generatorCount)).toBe(true);
    expect(changed(generatorCount, after.length)).toBe(true);
    trainer.dispose();
  });

  it('gives the same weights for the same seed, and checkpoints resume them exactly', async () => {
    const config: GanConfig = { ...tiny('cgan'), discriminatorPacking: 2, minibatchStddev: 2 };
    const data = tinyData(32);
    const a = GanTrainer.create(config, 7);
    const b = GanTrainer.create(config, 7);
    await trainGan(a, data, { epochs: 1, stopAtStep: 3 });
    await trainGan(b, data, { epochs: 1, stopAtStep: 3 });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    const dir = mkdtempSync(join(tmpdir(), 'gan-pack-'));
    try {
      await saveGanCheckpoint(a, dir);
      const restored = (await loadGanCheckpoint(dir, { expect: config })).trainer;
      expect(weightsOf(restored)).toEqual(weightsOf(a));
      await trainGan(a, data, { epochs: 1, stopAtStep: 4 });
      await trainGan(restored, data, { epochs: 1, stopAtStep: 4 });
      expect(restored.step).toBe(4);
      expect(weightsOf(restored)).toEqual(weightsOf(a));
      restored.dispose();
      const packing = await loadGanCheckpoint(dir, { expect: { ...config, discriminatorPacking: 1 } }).catch((e: unknown) => e);
      expect(InvalidArgumentError.isInstance(packing) && packing.parameter).toBe('GanConfig.discriminatorPacking');
      const stddev = await loadGanCheckpoint(dir, { expect: { ...config, minibatchStddev: 4 } }).catch((e: unknown) => e);
      expect(InvalidArgumentError.isInstance(stddev) && stddev.parameter).toBe('GanConfig.minibatchStddev');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    a.dispose();
    b.dispose();
  });
});
