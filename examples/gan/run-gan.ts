/**
 * What the three GAN examples share: train one kind of GAN on the MNIST digits with a step or time
 * budget (resuming a checkpoint in `out` if there is one), logging for the dashboard, and a latent
 * interpolation grid at the end.
 */
import { join } from 'node:path';

import { JsonlLogger, formatBackendInfo, initBackend, integerOption, numberOption, type CliCommand } from '@bigmodel/core';
import {
  GanTrainer,
  MAX_GAN_WIDTH,
  classify,
  generateSamples,
  hasGanCheckpoint,
  loadGanCheckpoint,
  loadMnistClassifier,
  mnistGanData,
  mnistReferenceStatistics,
  realMnistQuality,
  sampleQuality,
  stepsPerEpoch,
  trainGan,
  writeInterpolationGrid,
  type DiscriminatorNormalization,
  type GanConfig,
  type GeneratorNetwork,
  type SampleQuality,
} from '@bigmodel/gan';

import { countOption, exampleProgram, outOption, SEED_RANGE } from '../cli';
import { progressBar } from '../progress';

export interface GanExampleOptions {
  /** Stop after this many epochs of the 10,000 digits. */
  epochs?: number;
  /** Stop after this many minutes of training (default: no limit). */
  minutes?: number;
  /** Seed of weights, batch order and noise (default 0). */
  seed?: number;
  /** Generator width (default 32). */
  ngf?: number;
  /** Discriminator width (default 32). */
  ndf?: number;
  /** Adam learning rate of both networks (default: the config's, 2e-4 for DCGAN; see GanConfig.learningRate). */
  learningRate?: number;
  /** Adam learning rate of the generator alone (default `learningRate`; see GanConfig.generatorLearningRate). */
  generatorLearningRate?: number;
  /** Adam learning rate of the discriminator alone (default `learningRate`; see GanConfig.discriminatorLearningRate). */
  discriminatorLearningRate?: number;
  /** Adam beta1 of both networks (default 0.5). */
  beta1?: number;
  /** Adam beta2 of both networks (default: the config's, 0.999 for DCGAN; see GanConfig.beta2). */
  beta2?: number;
  /** Real images per discriminator update (default 64). */
  batchSize?: number;
  /** Normalization in the discriminator: batch (default, the paper's), none or spectral (see GanConfig.discriminatorNormalization). */
  dNorm?: DiscriminatorNormalization;
  /** One-sided label smoothing of the discriminator's real targets (default 0; see GanConfig.labelSmoothing). */
  labelSmoothing?: number;
  /** Decay of the generator's weight average that samples are drawn from (default 0: none; see GanConfig.generatorEma). */
  ema?: number;
  /** Differentiable translation of the discriminator's inputs, as a fraction of the image size (default 0: off; see GanConfig.discriminatorTranslation). */
  translation?: number;
  /** PacGAN packing: samples the discriminator judges at once (default 1: off; see GanConfig.discriminatorPacking). */
  pack?: number;
  /** Minibatch standard deviation group size before the discriminator's output layer (default 0: off; see GanConfig.minibatchStddev). */
  mbstd?: number;
  /** Samples to score (default 1663, the size of the real test split); 0 skips the final scoring. */
  scoreSamples?: number;
  /**
   * Score `scoreSamples` samples every this many steps (and at the end), logged as `charts/classifierScore`,
   * `charts/classHistogramKl` and `charts/frechetDistance`, plus the same for the generator itself
   * (`charts/generator/*`) when an average is kept. Scoring time counts against `minutes`.
   */
  scoreEvery?: number;
  /** Use only the first `limit` digits (smoke tests; default all 10,000). */
  limit?: number;
  /** Run directory (default runs/<time>-gan-<example>); an existing checkpoint there is resumed. */
  out?: string;
  /** Show a progress bar on stderr (default true). */
  progress?: boolean;
}

/** What a trained example reports about its run (everything but the trainer). */
export interface TrainedRun {
  backend: string;
  steps: number;
  epochs: number;
  trainSeconds: number;
  msPerStep: number;
  lastGrid?: string;
  interpolation: string;
  out: string;
  /** The scores taken every `scoreEvery` steps. */
  scores: StepScore[];
}

export interface TrainedExample extends TrainedRun {
  trainer: GanTrainer;
}

/** Sample quality at one step: of the sampling network (the average, if kept) and of the generator itself. */
export interface StepScore {
  step: number;
  samples: SampleQuality;
  generator?: SampleQuality;
}

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/** The package's MNIST classifier and the train digits' statistics, loaded once, to score samples with. */
async function mnistScorer() {
  const classifier = await loadMnistClassifier();
  const reference = await mnistReferenceStatistics(classifier);
  return {
    async score(trainer: GanTrainer, count: number, seed: number, network?: GeneratorNetwork): Promise<SampleQuality> {
      const images = generateSamples(trainer, count, seed, { network });
      return sampleQuality(await classify(classifier, images).finally(() => images.dispose()), reference);
    },
    real: () => realMnistQuality(classifier, reference),
    dispose: () => classifier.dispose(),
  };
}

export async function trainExampleGan(
  name: string,
  config: GanConfig,
  options: GanExampleOptions,
  defaultEpochs: number,
): Promise<TrainedExample> {
  const { epochs = defaultEpochs, seed = 0, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-gan-${name}`);
  const info = await initBackend();
  const all = mnistGanData();
  const limit = Math.min(options.limit ?? all.count, all.count);
  const data = { ...all, count: limit, images: all.images.subarray(0, limit * 784), labels: all.labels?.subarray(0, limit) };
  const full = {
    ...config,
    ngf: options.ngf ?? 32,
    ndf: options.ndf ?? 32,
    learningRate: options.learningRate ?? config.learningRate,
    generatorLearningRate: options.generatorLearningRate ?? config.generatorLearningRate,
    discriminatorLearningRate: options.discriminatorLearningRate ?? config.discriminatorLearningRate,
    beta1: options.beta1 ?? config.beta1,
    beta2: options.beta2 ?? config.beta2,
    batchSize: options.batchSize ?? config.batchSize,
    generatorEma: options.ema ?? config.generatorEma,
    labelSmoothing: options.labelSmoothing ?? config.labelSmoothing,
    discriminatorTranslation: options.translation ?? config.discriminatorTranslation,
    discriminatorNormalization: options.dNorm ?? config.discriminatorNormalization,
    discriminatorPacking: options.pack ?? config.discriminatorPacking,
    minibatchStddev: options.mbstd ?? config.minibatchStddev,
  };
  const checkpoint = join(out, 'checkpoint');
  const trainer = hasGanCheckpoint(checkpoint)
    ? (await loadGanCheckpoint(checkpoint, { expect: full })).trainer
    : GanTrainer.create(full, seed);
  const startStep = trainer.step;
  const scoreEvery = options.scoreEvery;
  const scorer = scoreEvery === undefined ? undefined : await mnistScorer();
  const scores: StepScore[] = [];
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const perEpoch = stepsPerEpoch(limit, trainer.config.batchSize, trainer.config.criticSteps);
  const scoreNow = async (step: number) => {
    const count = options.scoreSamples || 1663;
    const score: StepScore = { step, samples: await scorer!.score(trainer, count, seed) };
    if (trainer.averageGenerator) score.generator = await scorer!.score(trainer, count, seed, 'generator');
    scores.push(score);
    const record: Record<string, number> = { step, epoch: step / perEpoch };
    for (const [prefix, q] of [
      ['charts', score.samples],
      ['charts/generator', score.generator],
    ] as const) {
      if (q === undefined) continue;
      record[`${prefix}/classifierScore`] = q.classifierScore;
      record[`${prefix}/classHistogramKl`] = q.classHistogramKl;
      record[`${prefix}/frechetDistance`] = q.frechetDistance;
    }
    logger.log(record);
  };
  let bar: ReturnType<typeof progressBar> | undefined;
  const budgetSeconds = options.minutes === undefined ? undefined : options.minutes * 60;
  const result = await trainGan(trainer, data, {
    epochs,
    out,
    checkpointEvery: 200,
    timeBudgetSeconds: budgetSeconds,
    // Scoring at step s needs the trainer still at s when s's losses are read.
    readLossesEvery: scoreEvery === undefined ? undefined : greatestCommonDivisor(10, scoreEvery),
    logger,
    onStep: async ({ step, totalSteps, losses }) => {
      if (progress)
        (bar ??= progressBar(name, totalSteps, { budgetSeconds })).update(
          step,
          `D ${losses.discriminator.toFixed(3)} G ${losses.generator.toFixed(3)}`,
        );
      if (scoreEvery !== undefined && step % scoreEvery === 0) await scoreNow(step);
    },
  });
  bar?.done();
  if (scorer !== undefined) {
    if (scores[scores.length - 1]?.step !== result.steps) await scoreNow(result.steps);
    scorer.dispose();
  }
  const interpolation = join(out, 'interpolation.png');
  await writeInterpolationGrid(trainer, interpolation, { seed });
  return {
    trainer,
    backend: formatBackendInfo(info),
    steps: result.steps,
    epochs: result.epochs,
    trainSeconds: result.seconds,
    msPerStep: (1000 * result.seconds) / Math.max(1, result.steps - startStep),
    lastGrid: result.lastGrid,
    interpolation,
    out,
    scores,
  };
}

/**
 * Scores `count` samples of `trainer` (noise seeded by `seed`) with the package's MNIST classifier
 * against the train digits and, if `withReal`, the real test digits the same way (the yardstick).
 * `say` is told each stage as it starts (for progress lines).
 */
export async function scoreExampleGan(
  trainer: GanTrainer,
  count: number,
  seed: number,
  withReal: boolean,
  say: (stage: string) => void = () => undefined,
): Promise<{ samples: SampleQuality; real?: SampleQuality }> {
  say('loading the MNIST classifier and classifying the train digits (the reference)');
  const scorer = await mnistScorer();
  say(`scoring ${count} samples`);
  const samples = await scorer.score(trainer, count, seed);
  if (withReal) say('scoring the real test digits (the yardstick)');
  const real = withReal ? await scorer.real() : undefined;
  scorer.dispose();
  return { samples, real };
}

/**
 * The command line of a GAN example with the flags all three take. None has a default here: the
 * example's own (those of {@link GanExampleOptions}) apply to a flag not given.
 */
export function ganExampleProgram(file: string, description: string): CliCommand {
  return exampleProgram(file, description)
    .addOption(countOption('--epochs <n>', 'stop after N epochs of the 10,000 digits (default 100)', undefined, 100_000))
    .addOption(
      numberOption('--minutes <m>', 'stop after M minutes of training (default: no limit)', { min: 0, max: 10_080, minExclusive: true }),
    )
    .addOption(integerOption('--seed <s>', 'seed of weights, batch order and noise (default 0)', SEED_RANGE))
    .addOption(integerOption('--ngf <n>', 'generator width (default 32)', { min: 1, max: MAX_GAN_WIDTH }))
    .addOption(integerOption('--ndf <n>', 'discriminator width (default 32)', { min: 1, max: MAX_GAN_WIDTH }))
    .addOption(
      numberOption('--ema <x>', "decay of the generator's weight average, 0 off (default 0)", { min: 0, max: 1, maxExclusive: true }),
    )
    .addOption(outOption('run directory; a checkpoint there is resumed (default: runs/<time>-gan-<example>)'));
}
