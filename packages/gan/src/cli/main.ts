#!/usr/bin/env node
/**
 * bigmodel-gan: train GANs on MNIST (or CIFAR-10), sample from a run, and score samples with the package's
 * MNIST classifier.
 *
 *   bigmodel-gan train <dcgan|cgan|wgan-gp> --dataset mnist|cifar10 [--data-dir DIR] --epochs N --seed S --out DIR
 *       [--ngf 32] [--ndf 32] [--nz 100] [--minutes M] [--checkpoint-every 200] [--config gan.json]
 *       [--learning-rate 2e-4] [--generator-learning-rate LR] [--discriminator-learning-rate LR]
 *       [--beta1 0.5] [--beta2 0.999] [--batch-size 64] [--label-smoothing 0] [--ema 0] [--translation 0]
 *       [--d-norm batch|none|spectral] [--pack 1] [--mbstd 0] [--limit 10000]
 *   bigmodel-gan sample DIR --n N --seed S --out grid.png [--npy samples.npy] [--class C] [--columns 10]
 *   bigmodel-gan interpolate DIR --out grid.png [--rows 8] [--steps 10] [--seed S]
 *   bigmodel-gan score DIR|samples.npy [--n 1663] [--seed S] [--classifier DIR]
 *   bigmodel-gan train-classifier [--epochs 20] [--seed 0] [--out DIR]
 *
 * `bigmodel-gan <command> --help` lists every flag with its range and default. `--lr`, `--lr-g` and
 * `--lr-d`, the deprecated spellings of the learning-rate flags, are still accepted for one release.
 * `score` prints the metrics of the samples and of real MNIST (test split against train split);
 * its last line is JSON.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  choiceOption,
  cliAction,
  cliProgram,
  FileFormatError,
  formatBackendInfo,
  initBackend,
  integerOption,
  InvalidArgumentError,
  JsonlLogger,
  loadCifar10,
  numberOption,
  processIo,
  readInputFile,
  runCli,
  runMain,
  writeFileAtomic,
  writePng,
  type CliInput,
  type CliIo,
  readJsonObjectFile,
  deprecatedFlag,
} from '@bigmodel/core';

import { decodeNpy, encodeNpy } from '../io/npy';
import { ganCheckpointState, hasGanCheckpoint, loadGanCheckpoint } from '../io/gan-checkpoint';
import { imageGrid } from '../io/image-grid';
import { generateSamples } from '../metrics/generate-samples';
import { DEFAULT_CLASSIFIER_DIR, loadMnistClassifier, trainMnistClassifier } from '../metrics/mnist-classifier';
import { mnistReferenceStatistics, realMnistQuality } from '../metrics/mnist-reference';
import { classify, sampleQuality, type SampleQuality } from '../metrics/sample-quality';
import {
  DISCRIMINATOR_NORMALIZATIONS,
  GAN_CONFIG_ALIASES,
  GAN_KINDS,
  MAX_GAN_NZ,
  MAX_GAN_WIDTH,
  resolveGanConfig,
  type GanConfig,
  type GanKind,
} from '../models/gan-config';
import { mnistGanData, toGanData, type GanData } from '../training/gan-data';
import { GanTrainer } from '../training/gan-trainer';
import { writeInterpolationGrid } from '../training/interpolation-grid';
import { trainGan } from '../training/train-gan';
import { progressBar } from './progress';

/** Seeds are 32-bit. */
const SEED = { min: 0, max: 2 ** 32 - 1 };
/** The most images one command generates (--n). */
const MAX_SAMPLES = 100_000;

/** The 50,000 CIFAR-10 training images (core's loadCifar10 reads the binary batches in `dir`). */
function cifar10GanData(dir: string): GanData {
  const { train } = loadCifar10(dir);
  return toGanData({ data: train.examples, shape: [train.size, 32, 32, 3] }, train.labels as Uint8Array);
}

/**
 * Reads a `--config` file: a JSON object of {@link GanConfig} fields (validated with the flags by
 * resolveGanConfig: errors name `GanConfig.<key>`), its deprecated keys renamed so that a flag can
 * override them. `kind` and `imageShape` come from the command line (`<kind>`, `--dataset`); a
 * file that gives others is refused.
 */
function readGanConfigFile(path: string, kind: GanKind, dataset: string): Record<string, unknown> {
  const file = { ...readJsonObjectFile('--config', path, 'GanConfig fields') }; // a bounded regular file (a FIFO would block)
  if (file['kind'] !== undefined && file['kind'] !== kind) {
    throw new InvalidArgumentError({
      parameter: 'GanConfig.kind',
      value: file['kind'],
      message: `The command line trains ${kind} (<kind>): drop kind from the file, or train ${String(file['kind'])}.`,
    });
  }
  const imageShape = dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1];
  if (file['imageShape'] !== undefined && JSON.stringify(file['imageShape']) !== JSON.stringify(imageShape)) {
    throw new InvalidArgumentError({
      parameter: 'GanConfig.imageShape',
      value: file['imageShape'],
      message: `--dataset ${dataset} has images of shape [${imageShape.join(', ')}].`,
    });
  }
  // Checked with the flags (resolveGanConfig in trainPlan); a deprecated key and its new one together are refused there.
  for (const [alias, key] of Object.entries(GAN_CONFIG_ALIASES)) {
    if (alias in file && !(key in file)) {
      file[key] = file[alias];
      delete file[alias];
    }
  }
  return file;
}

/**
 * A checked `train` command line: everything is validated before the run directory is created.
 * `defaulted(key)` says whether flag `key` holds its default (was not on the command line).
 */
function trainPlan({ args, options }: CliInput, defaulted: (key: string) => boolean) {
  const kind = args[0] as GanKind;
  if (!GAN_KINDS.includes(kind))
    throw new InvalidArgumentError({ parameter: 'kind', value: kind, message: `Must be one of ${GAN_KINDS.join(', ')}.` });
  const dataset = options['dataset'] as 'mnist' | 'cifar10';
  const dataDir = options['dataDir'] as string | undefined;
  if (dataset === 'cifar10' && dataDir === undefined) {
    throw new InvalidArgumentError({
      parameter: '--data-dir',
      value: undefined,
      message: 'cifar10 needs --data-dir (the folder of the binary batches).',
    });
  }
  const fromFile = options['config'] === undefined ? {} : readGanConfigFile(options['config'] as string, kind, dataset);
  const fromFlags = {
    ngf: options['ngf'],
    ndf: options['ndf'],
    nz: options['nz'],
    learningRate: deprecatedFlag(options, 'learningRate', 'lr'),
    generatorLearningRate: deprecatedFlag(options, 'generatorLearningRate', 'lrG'),
    discriminatorLearningRate: deprecatedFlag(options, 'discriminatorLearningRate', 'lrD'),
    beta1: options['beta1'],
    beta2: options['beta2'],
    batchSize: options['batchSize'],
    labelSmoothing: options['labelSmoothing'],
    generatorEma: options['ema'],
    discriminatorTranslation: options['translation'],
    discriminatorNormalization: options['dNorm'],
    discriminatorPacking: options['pack'],
    minibatchStddev: options['mbstd'],
  };
  // The library's defaults, then the flags' own defaults (narrower networks: ngf, ndf 32), then the --config file, then the flags given.
  const flags = Object.entries(fromFlags).filter(([, value]) => value !== undefined);
  const config = {
    ...Object.fromEntries(flags),
    ...fromFile,
    ...Object.fromEntries(flags.filter(([key]) => !defaulted(key) || fromFile[key] === undefined)),
    kind,
    imageShape: dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1],
  } as GanConfig;
  const resolved = resolveGanConfig(config); // the combinations (packing divides the batch, ...)
  const limit = options['limit'] as number | undefined;
  const perStep = resolved.batchSize * resolved.criticSteps;
  if (limit !== undefined && limit < perStep) {
    throw new InvalidArgumentError({
      parameter: '--limit',
      value: limit,
      message: `One step takes batchSize * criticSteps = ${perStep} images; give at least that many.`,
    });
  }
  const minutes = options['minutes'] as number | undefined;
  const out = options['out'] as string;
  ganCheckpointState(join(out, 'checkpoint'), { expect: config }); // a run to resume must be of this architecture
  return {
    kind,
    dataset,
    dataDir,
    config,
    limit,
    out,
    epochs: options['epochs'] as number,
    seed: options['seed'] as number,
    checkpointEvery: options['checkpointEvery'] as number,
    timeBudgetSeconds: minutes === undefined ? undefined : minutes * 60,
  };
}

async function train(plan: ReturnType<typeof trainPlan>, io: CliIo): Promise<void> {
  const { kind, dataset, config, out, seed } = plan;
  const checkpointDir = join(out, 'checkpoint');
  const resumed = hasGanCheckpoint(checkpointDir);
  const trainer = resumed ? (await loadGanCheckpoint(checkpointDir, { expect: config })).trainer : GanTrainer.create(config, seed);
  if (resumed) io.stderr.write(`resuming ${checkpointDir} at step ${trainer.step}\n`);
  let bar: ReturnType<typeof progressBar> | undefined;
  const all = dataset === 'cifar10' ? cifar10GanData(plan.dataDir!) : mnistGanData();
  const limit = Math.min(plan.limit ?? all.count, all.count);
  const pixels = all.imageShape[0] * all.imageShape[1] * all.imageShape[2];
  const data = { ...all, count: limit, images: all.images.subarray(0, limit * pixels), labels: all.labels?.subarray(0, limit) };
  const result = await trainGan(trainer, data, {
    epochs: plan.epochs,
    out,
    checkpointEvery: plan.checkpointEvery,
    timeBudgetSeconds: plan.timeBudgetSeconds,
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    onStep: ({ step, totalSteps, epoch, losses }) =>
      (bar ??= progressBar(kind, totalSteps, io.stderr)).update(
        step,
        `epoch ${epoch + 1} D ${losses.discriminator.toFixed(3)} G ${losses.generator.toFixed(3)}`,
      ),
  });
  bar?.done();
  await writeInterpolationGrid(trainer, join(out, 'interpolation.png'), { seed });
  const summary = {
    kind,
    steps: result.steps,
    epochs: result.epochs,
    seconds: result.seconds,
    lastGrid: result.lastGrid,
    interpolation: join(out, 'interpolation.png'),
    out,
  };
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  trainer.dispose();
  io.stdout.write(`${JSON.stringify(summary)}\n`);
}

/** Loads the GAN of a run directory; `--class` is checked against it before anything is written. */
async function samplePlan({ args, options }: CliInput) {
  const { trainer } = await loadGanCheckpoint(join(args[0], 'checkpoint'));
  const n = options['n'] as number;
  const requested = options['class'] as number | undefined;
  if (requested !== undefined) {
    const { kind, classes } = trainer.config;
    const problem =
      kind !== 'cgan'
        ? `This run's GAN (${kind}) is unconditional; --class needs a cgan run.`
        : requested >= classes
          ? `This GAN has ${classes} classes (0-${classes - 1}).`
          : undefined;
    if (problem !== undefined) {
      trainer.dispose();
      throw new InvalidArgumentError({ parameter: '--class', value: requested, message: problem });
    }
  }
  const columns =
    (options['columns'] as number | undefined) ?? (trainer.config.kind === 'cgan' ? trainer.config.classes : Math.ceil(Math.sqrt(n)));
  return {
    trainer,
    n,
    seed: options['seed'] as number,
    out: options['out'] as string,
    npy: options['npy'] as string | undefined,
    requested,
    columns,
  };
}

async function sample(
  { trainer, n, seed, out, npy, requested, columns }: Awaited<ReturnType<typeof samplePlan>>,
  io: CliIo,
): Promise<void> {
  const labels = requested === undefined ? undefined : new Array<number>(n).fill(requested);
  const images = generateSamples(trainer, n, seed, { labels });
  const pixels = (await images.data()) as Float32Array;
  writePng(out, imageGrid(pixels, { count: n, shape: trainer.config.imageShape, columns }));
  if (npy !== undefined) writeFileAtomic(npy, encodeNpy(pixels, [n, ...trainer.config.imageShape]));
  images.dispose();
  trainer.dispose();
  io.stdout.write(`${JSON.stringify({ n, seed, grid: out, npy: npy ?? null })}\n`);
}

function formatQuality(label: string, q: SampleQuality): string {
  return (
    `${label}: classifier score ${q.classifierScore.toFixed(3)}, Frechet distance ${q.frechetDistance.toFixed(3)}, ` +
    `classes ${q.classesCovered}/10, class-histogram KL ${q.classHistogramKl.toFixed(4)} (n ${q.count})`
  );
}

/** The most bytes of a samples .npy that `score` reads: MAX_SAMPLES images of 28 x 28 floats and a header. */
const MAX_NPY_BYTES = MAX_SAMPLES * 28 * 28 * 4 + 4096;

/**
 * `<dir>` of sample, interpolate and score, checked before anything starts: its checkpoint's
 * manifest must exist and be a valid GAN checkpoint manifest (its weights are read when the command runs).
 */
function checkRun(dir: string): string {
  const checkpoint = join(dir, 'checkpoint');
  if (ganCheckpointState(checkpoint) === undefined)
    throw new FileFormatError({ path: join(checkpoint, 'manifest.json'), problem: 'does not exist' });
  return dir;
}

/** A checked `score` command line: the samples .npy read and its shape checked, or the run's checkpoint and the classifier found. */
function scorePlan({ args, options }: CliInput) {
  const source = args[0];
  const classifier = (options['classifier'] as string | undefined) ?? DEFAULT_CLASSIFIER_DIR;
  if (!existsSync(join(classifier, 'model.json')))
    throw new FileFormatError({
      path: join(classifier, 'model.json'),
      problem: 'does not exist (--classifier)',
      hint: 'Give a directory train-classifier wrote.',
    });
  const common = { source, classifier, n: options['n'] as number, seed: options['seed'] as number };
  if (!source.endsWith('.npy')) return { ...common, samples: undefined, run: checkRun(source) };
  const samples = decodeNpy(readInputFile('<source>', source, { maxBytes: MAX_NPY_BYTES }), source);
  const { shape } = samples;
  if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) {
    throw new InvalidArgumentError({
      parameter: source,
      value: `shape (${shape.join(', ')})`,
      message: 'Expected samples of shape [N, 28, 28, 1].',
    });
  }
  return { ...common, samples, run: undefined };
}

async function score(plan: ReturnType<typeof scorePlan>, io: CliIo): Promise<void> {
  const { source, samples } = plan;
  const classifier = await loadMnistClassifier(plan.classifier);
  let images: tf.Tensor4D;
  if (samples !== undefined) {
    images = tf.tensor4d(samples.data, samples.shape as [number, number, number, number]);
  } else {
    const { trainer } = await loadGanCheckpoint(join(plan.run!, 'checkpoint'));
    images = generateSamples(trainer, plan.n, plan.seed);
    trainer.dispose();
  }
  const reference = await mnistReferenceStatistics(classifier);
  const quality = sampleQuality(await classify(classifier, images), reference);
  const real = await realMnistQuality(classifier, reference);
  images.dispose();
  classifier.dispose();
  io.stdout.write(`${formatQuality('samples', quality)}\n`);
  io.stdout.write(`${formatQuality('real MNIST (test vs train split)', real)}\n`);
  io.stdout.write(`${JSON.stringify({ source, ...quality, real })}\n`);
}

async function trainClassifier(options: Record<string, unknown>, io: CliIo): Promise<void> {
  const out = options['out'] as string;
  let bar: ReturnType<typeof progressBar> | undefined;
  const { model, testAccuracy, epochs, seed } = await trainMnistClassifier({
    epochs: options['epochs'] as number,
    seed: options['seed'] as number,
    out,
    onStep: (step, total, loss) => (bar ??= progressBar('classifier', total, io.stderr)).update(step, `loss ${loss.toFixed(4)}`),
  });
  bar?.done();
  model.dispose();
  io.stdout.write(`${JSON.stringify({ testAccuracy, epochs, seed, out })}\n`);
}

/** Picks the backend (once the command line is checked) and says which on stderr. */
async function startBackend(io: CliIo): Promise<void> {
  tf.env().set('PROD', true);
  io.stderr.write(`backend ${formatBackendInfo(await initBackend())}\n`);
}

/** The `bigmodel-gan` program, writing to `io`. */
export function ganProgram(io: CliIo) {
  const program = cliProgram(
    'bigmodel-gan',
    'Trains GANs on MNIST (or CIFAR-10), samples from a run, and scores samples with the MNIST classifier.',
  );
  program.addHelpText('after', '\nExit status: 0 done, 1 failed while running, 2 usage error (nothing run or written).\n');
  const seed = () => integerOption('--seed <s>', 'random seed', SEED, 0);

  const trainCommand = program
    .command('train')
    .description(
      'trains a GAN; writes checkpoint/, samples/, metrics.jsonl, interpolation.png and summary.json in --out (resumes a run found there)',
    )
    .argument('<kind>', GAN_KINDS.join(', '))
    .addOption(choiceOption('--dataset <name>', 'training images', ['mnist', 'cifar10'], 'mnist'))
    .option('--data-dir <dir>', 'folder of the CIFAR-10 binary batches (with --dataset cifar10)')
    .addOption(integerOption('--epochs <n>', 'passes over the data (required)', { min: 1, max: 100_000 }).makeOptionMandatory())
    .addOption(seed())
    .requiredOption('--out <dir>', 'run directory (required)')
    .option('--config <file.json>', 'a JSON GanConfig (see docs/schemas/gan/GanConfig.schema.json); the flags given override it')
    .addOption(integerOption('--ngf <n>', 'generator width', { min: 1, max: MAX_GAN_WIDTH }, 32))
    .addOption(integerOption('--ndf <n>', 'discriminator width', { min: 1, max: MAX_GAN_WIDTH }, 32))
    .addOption(integerOption('--nz <n>', 'latent size', { min: 1, max: MAX_GAN_NZ }, 100))
    .addOption(numberOption('--minutes <m>', 'stop after M minutes (a week at most)', { min: 0, max: 10_080, minExclusive: true }))
    .addOption(integerOption('--checkpoint-every <n>', 'steps between checkpoints', { min: 1, max: 1e9 }, 200))
    .addOption(
      numberOption('--learning-rate <x>', 'learning rate of both networks (default 2e-4, WGAN-GP 1e-4)', {
        min: 0,
        max: 1,
        minExclusive: true,
      }),
    )
    .addOption(
      numberOption('--generator-learning-rate <x>', 'generator learning rate (default --learning-rate)', {
        min: 0,
        max: 1,
        minExclusive: true,
      }),
    )
    .addOption(
      numberOption('--discriminator-learning-rate <x>', 'discriminator learning rate (default --learning-rate)', {
        min: 0,
        max: 1,
        minExclusive: true,
      }),
    )
    // Deprecated spellings, accepted for one release (not shown in --help).
    .addOption(numberOption('--lr <x>', 'deprecated: --learning-rate', { min: 0, max: 1, minExclusive: true }).hideHelp())
    .addOption(numberOption('--lr-g <x>', 'deprecated: --generator-learning-rate', { min: 0, max: 1, minExclusive: true }).hideHelp())
    .addOption(numberOption('--lr-d <x>', 'deprecated: --discriminator-learning-rate', { min: 0, max: 1, minExclusive: true }).hideHelp())
    .addOption(numberOption('--beta1 <x>', "Adam's beta1 (default 0.5)", { min: 0, max: 1, maxExclusive: true }))
    .addOption(numberOption('--beta2 <x>', "Adam's beta2 (default 0.999, WGAN-GP 0.9)", { min: 0, max: 1, maxExclusive: true }))
    .addOption(integerOption('--batch-size <n>', 'images per step (default 64)', { min: 1, max: 4096 }))
    .addOption(numberOption('--label-smoothing <x>', 'one-sided label smoothing (default 0)', { min: 0, max: 0.5 }))
    .addOption(numberOption('--ema <x>', 'decay of the averaged generator, 0 off (default 0)', { min: 0, max: 1, maxExclusive: true }))
    .addOption(
      numberOption('--translation <x>', "random translation of the discriminator's inputs, a fraction of the size (default 0)", {
        min: 0,
        max: 0.5,
      }),
    )
    .addOption(choiceOption('--d-norm <kind>', 'discriminator normalization (default batch, WGAN-GP none)', DISCRIMINATOR_NORMALIZATIONS))
    .addOption(integerOption('--pack <n>', 'PacGAN packing, 1 off (default 1)', { min: 1, max: 4 }))
    .addOption(integerOption('--mbstd <n>', 'minibatch-stddev group size, 0 off (default 0)', { min: 0, max: 4096 }))
    .addOption(integerOption('--limit <n>', 'train on the first N images only (at least one batch)', { min: 1, max: 10_000_000 }))
    .examples([
      'bigmodel-gan train dcgan --dataset mnist --epochs 200 --minutes 30 --generator-learning-rate 1e-3 ' +
        '--discriminator-learning-rate 1e-4 --ema 0.999 --seed 1 --out runs/dcgan',
      'bigmodel-gan train wgan-gp --epochs 20 --config wgan.json --out runs/wgan',
      'bigmodel-gan train cgan --epochs 5 --out runs/cgan',
    ]);
  const defaulted = (key: string) => trainCommand.getOptionValueSource(key) === 'default';
  cliAction(
    trainCommand,
    (input) => trainPlan(input, defaulted),
    async (plan) => {
      await startBackend(io);
      await train(plan, io);
    },
  );

  const sampleCommand = program
    .command('sample')
    .description('draws N samples from a trained run as a PNG grid (and optionally an .npy array)')
    .argument('<dir>', 'run directory of a trained GAN')
    .addOption(integerOption('--n <n>', 'samples to draw', { min: 1, max: MAX_SAMPLES }, 64))
    .addOption(seed())
    .requiredOption('--out <grid.png>', 'the PNG grid to write (required)')
    .option('--npy <file>', 'also write the samples as an .npy array [N, H, W, C] in [0, 1]')
    .addOption(
      integerOption('--class <c>', 'the class to draw (conditional GANs only; default: every class in turn)', { min: 0, max: 9999 }),
    )
    .addOption(integerOption('--columns <n>', 'grid columns (default: the classes of a cgan, else sqrt(N))', { min: 1, max: MAX_SAMPLES }))
    .examples([
      'bigmodel-gan sample runs/dcgan --n 64 --seed 0 --out grid.png --npy samples.npy',
      'bigmodel-gan sample runs/cgan --class 7 --out sevens.png',
    ]);
  cliAction(sampleCommand, samplePlan, (plan) => sample(plan, io));
  sampleCommand.hook('preAction', () => startBackend(io)); // the checkpoint is loaded (with its tensors) while validating

  const interpolateCommand = program
    .command('interpolate')
    .description('writes a grid of latent-space interpolations of a trained run')
    .argument('<dir>', 'run directory of a trained GAN')
    .requiredOption('--out <grid.png>', 'the PNG grid to write (required)')
    .addOption(integerOption('--rows <n>', 'interpolations', { min: 1, max: 100 }, 8))
    .addOption(integerOption('--steps <n>', 'images per interpolation', { min: 2, max: 100 }, 10))
    .addOption(seed())
    .examples(['bigmodel-gan interpolate runs/dcgan --out interp.png --rows 8 --steps 10']);
  cliAction(
    interpolateCommand,
    ({ args, options }) => ({
      dir: checkRun(args[0]),
      out: options['out'] as string,
      rows: options['rows'] as number,
      steps: options['steps'] as number,
      seed: options['seed'] as number,
    }),
    async ({ dir, out, rows, steps, seed }) => {
      await startBackend(io);
      const { trainer } = await loadGanCheckpoint(join(dir, 'checkpoint'));
      await writeInterpolationGrid(trainer, out, { rows, steps, seed });
      trainer.dispose();
      io.stdout.write(`${JSON.stringify({ grid: out })}\n`);
    },
  );

  const scoreCommand = program
    .command('score')
    .description(
      "scores samples (a run's generator, or an .npy of [N, 28, 28, 1] images in [0, 1]) " +
        'and real MNIST with the classifier; last line JSON',
    )
    .argument('<source>', 'a run directory or samples.npy')
    .addOption(integerOption('--n <n>', 'samples to draw from a run', { min: 2, max: MAX_SAMPLES }, 1663))
    .addOption(seed())
    .option('--classifier <dir>', 'the MNIST classifier (default: the one shipped with the package)')
    .examples(['bigmodel-gan score runs/dcgan --n 1663', 'bigmodel-gan score samples.npy']);
  cliAction(scoreCommand, scorePlan, async (plan) => {
    await startBackend(io);
    await score(plan, io);
  });

  const classifierCommand = program
    .command('train-classifier')
    .description('trains the MNIST classifier that score uses')
    .addOption(integerOption('--epochs <n>', 'epochs', { min: 1, max: 1000 }, 20))
    .addOption(seed())
    .option('--out <dir>', 'where to save it', DEFAULT_CLASSIFIER_DIR)
    .examples(['bigmodel-gan train-classifier --epochs 20 --out classifier']);
  cliAction(
    classifierCommand,
    ({ options }) => options,
    async (options) => {
      await startBackend(io);
      await trainClassifier(options, io);
    },
  );
  return program;
}

/** Runs one `bigmodel-gan` command line (the arguments after the program name); returns the exit status. */
export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(ganProgram(io), argv, io);
}

if (require.main === module) runMain(main);
