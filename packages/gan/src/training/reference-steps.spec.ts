import { createHash } from 'node:crypto';

import * as tf from '@tensorflow/tfjs';
import { initBackend, mulberry32 } from '@bigmodel/core';

import type { GanConfig } from '../models/gan-config';
import { GanTrainer } from './gan-trainer';
import type { StepLosses } from './step-losses';

/**
 * The algorithms and tricks this test runs, each on tiny 8x8 problems for three steps. `dcgan
 * criticSteps 2` is the DCGAN path with several discriminator updates per step (a separate
 * generator forward), `dcgan` the one-forward path.
 */
const tiny: GanConfig = { imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 4, batchSize: 8 };
const CASES: Record<string, GanConfig> = {
  dcgan: { ...tiny, kind: 'dcgan' },
  'dcgan criticSteps 2': { ...tiny, kind: 'dcgan', criticSteps: 2, labelSmoothing: 0.1 },
  'dcgan ema translation spectral packing': {
    ...tiny,
    kind: 'dcgan',
    generatorEma: 0.9,
    discriminatorTranslation: 0.25,
    discriminatorNormalization: 'spectral',
    discriminatorPacking: 2,
  },
  cgan: { ...tiny, kind: 'cgan' },
  'cgan translation packing stddev': { ...tiny, kind: 'cgan', discriminatorTranslation: 0.25, discriminatorPacking: 2, minibatchStddev: 2 },
  'cgan criticSteps 2 spectral': { ...tiny, kind: 'cgan', criticSteps: 2, labelSmoothing: 0.1, discriminatorNormalization: 'spectral' },
  'wgan-gp': { ...tiny, kind: 'wgan-gp', criticSteps: 2 },
  'wgan-gp ema translation spectral': {
    ...tiny,
    kind: 'wgan-gp',
    criticSteps: 2,
    generatorEma: 0.5,
    discriminatorTranslation: 0.25,
    discriminatorNormalization: 'spectral',
  },
};

/** Three steps from seed 3 on seeded batches: each step's losses, and a SHA-256 of every weight and optimizer slot after them. */
async function measure(config: GanConfig): Promise<{ losses: StepLosses[]; weights: string }> {
  const trainer = GanTrainer.create(config, 3);
  const random = mulberry32(11);
  const losses: StepLosses[] = [];
  for (let step = 0; step < 3; step++) {
    const batches = Array.from({ length: trainer.config.criticSteps }, () => ({
      images: tf.tensor4d(
        Float32Array.from({ length: 8 * 64 }, () => random() * 2 - 1),
        [8, 8, 8, 1],
      ),
      labels: Uint8Array.from({ length: 8 }, () => Math.floor(random() * 10)),
    }));
    losses.push(trainer.trainStep(batches));
    tf.dispose(batches.map((b) => b.images));
  }
  const hash = createHash('sha256');
  const tensors = [
    ...trainer.generator.getWeights(),
    ...(trainer.averageGenerator?.getWeights() ?? []),
    ...trainer.discriminator.getWeights(),
    ...(await trainer.generatorOptimizer.getWeights()).map((w) => w.tensor),
    ...(await trainer.discriminatorOptimizer.getWeights()).map((w) => w.tensor),
  ];
  for (const t of tensors) hash.update(Buffer.from((t.dataSync() as Float32Array).slice().buffer));
  trainer.dispose();
  return { losses, weights: hash.digest('hex') };
}

/**
 * REFERENCE: produced by running `measure` above on main's code at commit 7da0035 (the single
 * GanTrainer with its `kind` branches, before the per-algorithm step functions), wasm backend, with
 * `GAN_PRINT_REFERENCE=1 npx jest src/training/reference-steps.spec.ts` in packages/gan and the
 * printed values pasted here ('cgan criticSteps 2 spectral' was added later, measured the same way
 * on a copy of main's gan-trainer.ts).
 */
const REFERENCE: Record<string, { losses: StepLosses[]; weights: string }> = {
  dcgan: {
    losses: [
      { discriminator: 1.3867597579956055, generator: 0.6934959888458252 },
      { discriminator: 1.3883225917816162, generator: 0.6933697462081909 },
      { discriminator: 1.388704776763916, generator: 0.6932331323623657 },
    ],
    weights: 'e110b72ba79c1f70f5d5206675ac7d258a8c29e320ffe35a0cc407f84332cce4',
  },
  'dcgan criticSteps 2': {
    losses: [
      { discriminator: 1.387782335281372, generator: 0.6938266158103943 },
      { discriminator: 1.3873064517974854, generator: 0.6940104961395264 },
      { discriminator: 1.3873369693756104, generator: 0.694202721118927 },
    ],
    weights: '3326646d4e9ebb4e9e6773ecac173005710fdeaee6cd875952610f54a1294e94',
  },
  'dcgan ema translation spectral packing': {
    losses: [
      { discriminator: 1.5075099468231201, generator: 0.7066352367401123 },
      { discriminator: 1.4868724346160889, generator: 0.7563365697860718 },
      { discriminator: 1.4745898246765137, generator: 0.7211889028549194 },
    ],
    weights: '1430efbe8f8b59649904697fd83f254e5b5ea8801fcbe677598ea328da48e571',
  },
  cgan: {
    losses: [
      { discriminator: 5.991486549377441, generator: 2.9956912994384766 },
      { discriminator: 5.991913795471191, generator: 2.995870590209961 },
      { discriminator: 5.990204811096191, generator: 2.995744466781616 },
    ],
    weights: '43dec70969c43a45328c4713df97c10b4db8c9a81d04fe4f0fd32c0a35948d52',
  },
  'cgan translation packing stddev': {
    losses: [
      { discriminator: 5.991091728210449, generator: 2.997328281402588 },
      { discriminator: 5.988903522491455, generator: 2.995561122894287 },
      { discriminator: 5.992879390716553, generator: 2.995776653289795 },
    ],
    weights: '01b3bf56ce29e0cd1bb1a707929119fc59409b750140fad454f1c6dbf7e46218',
  },
  'cgan criticSteps 2 spectral': {
    losses: [
      { discriminator: 5.931118965148926, generator: 2.9715657234191895 },
      { discriminator: 6.016976356506348, generator: 2.9852404594421387 },
      { discriminator: 6.043976306915283, generator: 2.986941337585449 },
    ],
    weights: '8fc6a7f2d1ef45484ff7d746c7772ad1a2cd1f0e9438c750be16005bf72cdbd8',
  },
  'wgan-gp': {
    losses: [
      {
        discriminator: 9.807272911071777,
        generator: 0.0009314589551649988,
        gradientPenalty: 9.803180694580078,
        wassersteinDistance: -0.004091840237379074,
      },
      {
        discriminator: 9.821375846862793,
        generator: 0.0009386322926729918,
        gradientPenalty: 9.81816291809082,
        wassersteinDistance: -0.0032127266749739647,
      },
      {
        discriminator: 9.797468185424805,
        generator: 0.0009461325826123357,
        gradientPenalty: 9.793776512145996,
        wassersteinDistance: -0.0036917589604854584,
      },
    ],
    weights: 'c06db8fa2be78e9edb1a26d2e2246d4a5e117beca81c7650a823e752a96012de',
  },
  'wgan-gp ema translation spectral': {
    losses: [
      {
        discriminator: 3.9104740619659424,
        generator: 0.003492489457130432,
        gradientPenalty: 3.644361734390259,
        wassersteinDistance: -0.2661123275756836,
      },
      {
        discriminator: 3.560056447982788,
        generator: 0.06782801449298859,
        gradientPenalty: 3.5449278354644775,
        wassersteinDistance: -0.015128646045923233,
      },
      {
        discriminator: 4.1185994148254395,
        generator: 0.037384260445833206,
        gradientPenalty: 3.936788558959961,
        wassersteinDistance: -0.18181072175502777,
      },
    ],
    weights: 'cf83f5a0488733cdaaa7b144858521a87873a0afdd9d24ef73f0a86b53c53c21',
  },
};

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('the step functions against the trainer before the refactor', () => {
  it.each(Object.keys(CASES))('%s: three steps give bitwise the losses and weights of main before the refactor', async (name) => {
    const actual = await measure(CASES[name]);
    if (process.env['GAN_PRINT_REFERENCE']) process.stdout.write(`${JSON.stringify({ [name]: actual })}\n`);
    expect(actual).toEqual(REFERENCE[name]);
  });
});
