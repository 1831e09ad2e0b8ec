#!/usr/bin/env node
/**
 * bigmodel-gan: train GANs on MNIST (or CIFAR-10), sample from a run, and score samples with the package's
 * MNIST classifier.
 *
 *   bigmodel-gan train <dcgan|cgan|wgan-gp> --dataset mnist|cifar10 [--data-dir DIR] --epochs N --seed S --out DIR
 *       [--ngf 32] [--ndf 32] [--nz 100] [--minutes M] [--checkpoint-every 200] [--lr 2e-4] [--lr-g LR] [--lr-d LR] [--beta1 0.5] [--beta2 0.999] [--batch-size 64] [--label-smoothing 0] [--ema 0] [--translation 0] [--d-norm batch|none|spectral] [--pack 1] [--mbstd 0] [--limit 10000]
 *   bigmodel-gan sample DIR --n N --seed S --out grid.png [--npy samples.npy] [--class C] [--columns 10]
 *   bigmodel-gan interpolate DIR --out grid.png [--rows 8] [--steps 10] [--seed S]
 *   bigmodel-gan score DIR|samples.npy [--n 1663] [--seed S] [--classifier DIR]
 *   bigmodel-gan train-classifier [--epochs 20] [--seed 0] [--out DIR]
 *
 * `score` prints the metrics of the samples and of real MNIST (test split against train split);
 * its last line is JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { BigModelError, InvalidArgumentError, JsonlLogger, formatBackendInfo, initBackend, loadCifar10, writeFileAtomic, writePng } from '@bigmodel/core';

import { decodeNpy, encodeNpy } from '../io/npy';
import { hasGanCheckpoint, loadGanCheckpoint } from '../io/gan-checkpoint';
import { imageGrid } from '../io/image-grid';
import { generateSamples } from '../metrics/generate-samples';
import { DEFAULT_CLASSIFIER_DIR, loadMnistClassifier, trainMnistClassifier } from '../metrics/mnist-classifier';
import { mnistReferenceStatistics, realMnistQuality } from '../metrics/mnist-reference';
import { classify, sampleQuality, type SampleQuality } from '../metrics/sample-quality';
import { GAN_KINDS, type DiscriminatorNormalization, type GanKind } from '../models/gan-config';
import { mnistGanData, toGanData, type GanData } from '../training/gan-data';
import { GanTrainer } from '../training/gan-trainer';
import { writeInterpolationGrid } from '../training/interpolation-grid';
import { trainGan } from '../training/train-gan';
import { progressBar } from './progress';

const USAGE = `Usage: bigmodel-gan <train|sample|interpolate|score|train-classifier> ...
  bigmodel-gan train <dcgan|cgan|wgan-gp> --dataset mnist|cifar10 [--data-dir DIR] --epochs N --seed S --out DIR
      [--ngf 32] [--ndf 32] [--nz 100] [--minutes M] [--checkpoint-every 200] [--lr 2e-4] [--lr-g LR] [--lr-d LR] [--beta1 0.5] [--beta2 0.999] [--batch-size 64] [--label-smoothing 0] [--ema 0] [--translation 0] [--d-norm batch|none|spectral] [--pack 1] [--mbstd 0] [--limit 10000]
  bigmodel-gan sample DIR --n N --seed S --out grid.png [--npy samples.npy] [--class C] [--columns 10]
  bigmodel-gan interpolate DIR --out grid.png [--rows 8] [--steps 10] [--seed S]
  bigmodel-gan score DIR|samples.npy [--n 1663] [--seed S] [--classifier DIR]
  bigmodel-gan train-classifier [--epochs 20] [--seed 0] [--out DIR]`;

/** Parsed command line: positionals and `--flag value` pairs. */
function parse(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new InvalidArgumentError({ parameter: argv[i], value: undefined, message: 'Every flag takes a value.' });
      flags.set(argv[i].slice(2), value);
      i++;
    } else positional.push(argv[i]);
  }
  return { positional, flags };
}

function integerFlag(flags: Map<string, string>, name: string, fallback?: number, min = 0): number {
  const text = flags.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new InvalidArgumentError({ parameter: `--${name}`, value: undefined, message: 'This flag is required.' });
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError({ parameter: `--${name}`, value: text, message: `Must be an integer >= ${min}.` });
  return value;
}

function numberFlag(flags: Map<string, string>, name: string): number | undefined {
  const text = flags.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new InvalidArgumentError({ parameter: `--${name}`, value: text, message: 'Must be a number.' });
  return value;
}

function requireFlag(flags: Map<string, string>, name: string): string {
  const value = flags.get(name);
  if (value === undefined) throw new InvalidArgumentError({ parameter: `--${name}`, value: undefined, message: 'This flag is required.' });
  return value;
}

/** The 50,000 CIFAR-10 training images (core's loadCifar10 reads the binary batches in `dir`). */
function cifar10GanData(dir: string): GanData {
  const { train } = loadCifar10(dir);
  return toGanData({ data: train.examples, shape: [train.size, 32, 32, 3] }, train.labels as Uint8Array);
}

async function train(positional: string[], flags: Map<string, string>): Promise<void> {
  const kind = positional[0] as GanKind;
  if (!GAN_KINDS.includes(kind)) throw new InvalidArgumentError({ parameter: 'kind', value: positional[0], message: `Must be one of ${GAN_KINDS.join(', ')}.` });
  const dataset = flags.get('dataset') ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'cifar10') throw new InvalidArgumentError({ parameter: '--dataset', value: dataset, message: 'Must be mnist or cifar10 (with --data-dir); use the library (toGanData) for other images.' });
  const out = requireFlag(flags, 'out');
  const epochs = integerFlag(flags, 'epochs', undefined, 1);
  const seed = integerFlag(flags, 'seed', 0);
  const config = {
    kind,
    imageShape: (dataset === 'cifar10' ? [32, 32, 3] : [28, 28, 1]) as [number, number, number],
    ngf: integerFlag(flags, 'ngf', 32, 1),
    ndf: integerFlag(flags, 'ndf', 32, 1),
    nz: integerFlag(flags, 'nz', 100, 1),
    lr: numberFlag(flags, 'lr'),
    generatorLr: numberFlag(flags, 'lr-g'),
    discriminatorLr: numberFlag(flags, 'lr-d'),
    beta1: numberFlag(flags, 'beta1'),
    beta2: numberFlag(flags, 'beta2'),
    batchSize: flags.has('batch-size') ? integerFlag(flags, 'batch-size', undefined, 1) : undefined, // unset: the config's default
    labelSmoothing: numberFlag(flags, 'label-smoothing'),
    generatorEma: numberFlag(flags, 'ema'),
    discriminatorTranslation: numberFlag(flags, 'translation'),
    discriminatorNormalization: flags.get('d-norm') as DiscriminatorNormalization | undefined, // checked by resolveGanConfig
    discriminatorPacking: numberFlag(flags, 'pack'), // checked by resolveGanConfig
    minibatchStddev: numberFlag(flags, 'mbstd'),
  };
  const minutes = numberFlag(flags, 'minutes');
  const checkpointDir = join(out, 'checkpoint');
  const resumed = hasGanCheckpoint(checkpointDir);
  const trainer = resumed ? (await loadGanCheckpoint(checkpointDir, { expect: config })).trainer : GanTrainer.create(config, seed);
  if (resumed) console.error(`resuming ${checkpointDir} at step ${trainer.step}`);
  let bar: ReturnType<typeof progressBar> | undefined;
  const all = dataset === 'cifar10' ? cifar10GanData(requireFlag(flags, 'data-dir')) : mnistGanData();
  const limit = Math.min(integerFlag(flags, 'limit', all.count, 1), all.count);
  const pixels = all.imageShape[0] * all.imageShape[1] * all.imageShape[2];
  const data = { ...all, count: limit, images: all.images.subarray(0, limit * pixels), labels: all.labels?.subarray(0, limit) };
  const result = await trainGan(trainer, data, {
    epochs,
    out,
    checkpointEvery: integerFlag(flags, 'checkpoint-every', 200, 1),
    timeBudgetSeconds: minutes === undefined ? undefined : minutes * 60,
    logger: new JsonlLogger(join(out, 'metrics.jsonl')),
    onStep: ({ step, totalSteps, epoch, losses }) =>
      (bar ??= progressBar(kind, totalSteps)).update(step, `epoch ${epoch + 1} D ${losses.discriminator.toFixed(3)} G ${losses.generator.toFixed(3)}`),
  });
  bar?.done();
  writeInterpolationGrid(trainer, join(out, 'interpolation.png'), { seed });
  const summary = { kind, steps: result.steps, epochs: result.epochs, seconds: result.seconds, lastGrid: result.lastGrid, interpolation: join(out, 'interpolation.png'), out };
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  trainer.dispose();
  console.log(JSON.stringify(summary));
}

async function sample(positional: string[], flags: Map<string, string>): Promise<void> {
  const dir = positional[0];
  if (dir === undefined) throw new InvalidArgumentError({ parameter: 'DIR', value: undefined, message: 'Give the run directory of a trained GAN.' });
  const n = integerFlag(flags, 'n', 64, 1);
  const seed = integerFlag(flags, 'seed', 0);
  const outPath = requireFlag(flags, 'out');
  const { trainer } = await loadGanCheckpoint(join(dir, 'checkpoint'));
  const requested = flags.get('class');
  const labels = requested === undefined ? undefined : new Array<number>(n).fill(integerFlag(flags, 'class', 0));
  const images = generateSamples(trainer, n, seed, { labels });
  const pixels = images.dataSync() as Float32Array;
  const columns = integerFlag(flags, 'columns', trainer.config.kind === 'cgan' ? trainer.config.classes : Math.ceil(Math.sqrt(n)), 1);
  writePng(outPath, imageGrid(pixels, { count: n, shape: trainer.config.imageShape, columns }));
  const npy = flags.get('npy');
  if (npy !== undefined) writeFileAtomic(npy, encodeNpy(pixels, [n, ...trainer.config.imageShape]));
  images.dispose();
  trainer.dispose();
  console.log(JSON.stringify({ n, seed, grid: outPath, npy: npy ?? null }));
}

async function interpolate(positional: string[], flags: Map<string, string>): Promise<void> {
  const dir = positional[0];
  if (dir === undefined) throw new InvalidArgumentError({ parameter: 'DIR', value: undefined, message: 'Give the run directory of a trained GAN.' });
  const { trainer } = await loadGanCheckpoint(join(dir, 'checkpoint'));
  const outPath = requireFlag(flags, 'out');
  writeInterpolationGrid(trainer, outPath, { rows: integerFlag(flags, 'rows', 8, 1), steps: integerFlag(flags, 'steps', 10, 2), seed: integerFlag(flags, 'seed', 0) });
  trainer.dispose();
  console.log(JSON.stringify({ grid: outPath }));
}

function formatQuality(label: string, q: SampleQuality): string {
  return `${label}: classifier score ${q.classifierScore.toFixed(3)}, Frechet distance ${q.frechetDistance.toFixed(3)}, classes ${q.classesCovered}/10, class-histogram KL ${q.classHistogramKl.toFixed(4)} (n ${q.count})`;
}

async function score(positional: string[], flags: Map<string, string>): Promise<void> {
  const source = positional[0];
  if (source === undefined) throw new InvalidArgumentError({ parameter: 'DIR|samples.npy', value: undefined, message: 'Give a run directory or an .npy file of [N, 28, 28, 1] images in [0, 1].' });
  const classifier = await loadMnistClassifier(flags.get('classifier') ?? DEFAULT_CLASSIFIER_DIR);
  let images: tf.Tensor4D;
  if (source.endsWith('.npy')) {
    const { data, shape } = decodeNpy(readFileSync(source), source);
    if (shape.length !== 4 || shape[1] !== 28 || shape[2] !== 28 || shape[3] !== 1) {
      throw new InvalidArgumentError({ parameter: source, value: `shape (${shape.join(', ')})`, message: 'Expected samples of shape [N, 28, 28, 1].' });
    }
    images = tf.tensor4d(data, shape as [number, number, number, number]);
  } else {
    const { trainer } = await loadGanCheckpoint(join(source, 'checkpoint'));
    images = generateSamples(trainer, integerFlag(flags, 'n', 1663, 2), integerFlag(flags, 'seed', 0));
    trainer.dispose();
  }
  const reference = mnistReferenceStatistics(classifier);
  const quality = sampleQuality(classify(classifier, images), reference);
  const real = realMnistQuality(classifier, reference);
  images.dispose();
  classifier.dispose();
  console.log(formatQuality('samples', quality));
  console.log(formatQuality('real MNIST (test vs train split)', real));
  console.log(JSON.stringify({ source, ...quality, real }));
}

async function trainClassifier(flags: Map<string, string>): Promise<void> {
  const out = flags.get('out') ?? DEFAULT_CLASSIFIER_DIR;
  let bar: ReturnType<typeof progressBar> | undefined;
  const { model, testAccuracy, epochs, seed } = await trainMnistClassifier({
    epochs: integerFlag(flags, 'epochs', 20, 1),
    seed: integerFlag(flags, 'seed', 0),
    out,
    onStep: (step, total, loss) => (bar ??= progressBar('classifier', total)).update(step, `loss ${loss.toFixed(4)}`),
  });
  bar?.done();
  model.dispose();
  console.log(JSON.stringify({ testAccuracy, epochs, seed, out }));
}

/** Runs one `bigmodel-gan` command line (the arguments after the program name). Exported for the tests. */
export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const { positional, flags } = parse(rest);
  tf.env().set('PROD', true);
  const info = await initBackend();
  console.error(`backend ${formatBackendInfo(info)}`);
  if (command === 'train') await train(positional, flags);
  else if (command === 'sample') await sample(positional, flags);
  else if (command === 'interpolate') await interpolate(positional, flags);
  else if (command === 'score') await score(positional, flags);
  else if (command === 'train-classifier') await trainClassifier(flags);
  else throw new InvalidArgumentError({ parameter: 'command', value: command, message: `Must be train, sample, interpolate, score or train-classifier.\n${USAGE}` });
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  });
}
