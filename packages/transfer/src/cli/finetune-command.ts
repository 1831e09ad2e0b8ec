/**
 * `bigmodel-transfer finetune`: loads a base, reads the target data, fine-tunes with a strategy,
 * scores the test split, and saves the model, its metrics and a summary under `--out`.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import {
  choiceOption,
  CliCommand,
  FileFormatError,
  formatBackendInfo,
  InvalidArgumentError,
  nearestName,
  initBackend,
  integerOption,
  JsonlLogger,
  markRefusedEarly,
  mulberry32,
  numberOption,
  parseCliInput,
  randomCrop,
  saveModel,
  writeFileAtomic,
  type CliInput,
  type CliStream,
  deprecatedFlag,
} from '@bigmodel/core';

import { parameterCounts, type ParameterCounts } from '../freeze/freeze';
import { checkInputShape, evaluateAccuracy } from '../training/features';
import { FINE_TUNE_STRATEGIES, fineTune, type FineTuneStrategy } from '../training/fine-tune';
import { loadTargetData, parseDigits } from '../data/target-data';
import { loadBase, zooNames } from '../zoo/load-base';

/** Where the command writes: progress to `stderr`, results to `stdout`. */
export interface CommandIo {
  stdout: (line: string) => void;
  stderr: CliStream;
}

/** What `finetune` prints as its last line (JSON) and writes to `<out>/summary.json`. */
export interface FinetuneSummary {
  /** `--base`. */
  base: string;
  /** `--data`. */
  data: string;
  /** `--strategy`. */
  strategy: FineTuneStrategy;
  /** `--seed`. */
  seed: number;
  /** Accuracy on the test split. */
  testAccuracy: number;
  /** Test examples. */
  testExamples: number;
  /** Training examples (after the 10% validation split). */
  trainExamples: number;
  /** Trainable and frozen parameters at the end (and of each phase). */
  parameters: ParameterCounts;
  /** Each phase: name, epochs run, trainable / frozen parameters. */
  phases: { name: string; epochs: number; trainable: number; frozen: number }[];
  /** Wall time, seconds. */
  seconds: number;
  /** The backend. */
  backend: string;
  /** The output directory. */
  out: string;
}

/** Seeds are 32-bit. */
const SEED = { min: 0, max: 2 ** 32 - 1 };
const MAX_EPOCHS = 10_000;

/** The `finetune` subcommand's flags (its action is set by the program; {@link finetunePlan} reads them). */
export function finetuneCommand(command = new CliCommand('finetune')): CliCommand {
  return (
    command
      .description('fine-tunes a base model on new data; writes model/, best/, metrics.jsonl and summary.json in --out')
      .requiredOption('--base <base>', 'DIR of a saved model, or zoo:NAME (see the zoo command) (required)')
      .requiredOption(
        '--data <data>',
        'mnist:DIGITS (e.g. mnist:5-9) or DIR of images, a subfolder per class in train/ and test/ (required)',
      )
      .requiredOption('--out <dir>', 'run directory (required)')
      .addOption(choiceOption('--strategy <name>', 'what to train', FINE_TUNE_STRATEGIES, 'head'))
      .addOption(integerOption('--epochs <n>', 'epochs of the first phase', { min: 1, max: MAX_EPOCHS }, 10))
      .addOption(
        integerOption('--fine-tune-epochs <n>', "epochs of the fine-tuning phase (default: the strategy's)", { min: 1, max: MAX_EPOCHS }),
      )
      .addOption(integerOption('--seed <s>', 'random seed', SEED, 0))
      .addOption(
        numberOption('--learning-rate <x>', "learning rate of the head (default: the strategy's)", { min: 0, max: 1, minExclusive: true }),
      )
      .addOption(
        numberOption('--fine-tune-learning-rate <x>', "learning rate of the fine-tuning phase (default: the strategy's)", {
          min: 0,
          max: 1,
          minExclusive: true,
        }),
      )
      // Deprecated spellings, accepted for one release (not shown in --help).
      .addOption(numberOption('--lr <x>', 'deprecated: --learning-rate', { min: 0, max: 1, minExclusive: true }).hideHelp())
      .addOption(
        numberOption('--fine-tune-lr <x>', 'deprecated: --fine-tune-learning-rate', { min: 0, max: 1, minExclusive: true }).hideHelp(),
      )
      .addOption(integerOption('--batch-size <n>', 'examples per step', { min: 1, max: 4096 }, 64))
      .addOption(
        integerOption('--unfreeze-blocks <k>', "blocks to unfreeze (gradual: per phase; default: the strategy's)", { min: 1, max: 1000 }),
      )
      .addOption(integerOption('--limit <n>', 'use the first N training examples only', { min: 1, max: 10_000_000 }))
      .option('--no-cache', 'recompute the frozen features every epoch (default: cached, except with --strategy full)')
      .addOption(integerOption('--augment-padding <p>', 'random-crop padding in pixels, 0 off', { min: 0, max: 64 }, 2))
      .examples([
        'bigmodel-transfer finetune --base zoo:mnist-digits-0to4 --data mnist:5-9 --out runs/t',
        'bigmodel-transfer finetune --base zoo:mnist-digits-0to4 --data my-images/ --strategy two-phase --epochs 5 --out runs/mine',
      ])
  );
}

/** A checked `finetune` command line. */
export function finetunePlan({ options }: CliInput) {
  const strategy = options['strategy'] as FineTuneStrategy;
  const base = options['base'] as string;
  if (base.startsWith('zoo:')) {
    const names = zooNames();
    if (!names.includes(base.slice(4))) {
      const near = nearestName(base.slice(4), names);
      throw new InvalidArgumentError({
        parameter: '--base',
        value: base,
        message:
          `No zoo model of that name; the zoo has ${names.map((n) => `zoo:${n}`).join(', ')}.` + (near ? ` Did you mean zoo:${near}?` : ''),
      });
    }
  } else if (!existsSync(join(base, 'model.json'))) {
    throw new FileFormatError({
      path: join(base, 'model.json'),
      problem: 'does not exist (--base)',
      hint: 'Give a directory saved by saveModel, or zoo:NAME.',
    });
  }
  const data = options['data'] as string;
  if (data.startsWith('mnist:')) {
    parseDigits(data.slice(6), '--data'); // digits named once each, at least 2 classes
  } else if (!existsSync(data) || !statSync(data).isDirectory()) {
    throw new FileFormatError({
      path: data,
      problem: 'is not a directory (--data)',
      hint: 'Give mnist:DIGITS or an image folder: a subfolder of PNGs per class.',
    });
  }
  return {
    base,
    data,
    out: options['out'] as string,
    strategy,
    epochs: options['epochs'] as number,
    fineTuneEpochs: options['fineTuneEpochs'] as number | undefined,
    seed: options['seed'] as number,
    learningRate: deprecatedFlag(options, 'learningRate', 'lr'),
    fineTuneLearningRate: deprecatedFlag(options, 'fineTuneLearningRate', 'fineTuneLr'),
    batchSize: options['batchSize'] as number,
    unfreezeBlocks: options['unfreezeBlocks'] as number | undefined,
    limit: options['limit'] as number | undefined,
    augmentPadding: options['augmentPadding'] as number,
    cachedFeatures: strategy !== 'full' && options['cache'] !== false,
  };
}

/** Parses `finetune`'s flags (the arguments after `finetune`); a bad or missing flag throws naming it. */
export function parseFinetuneArgs(argv: string[]): ReturnType<typeof finetunePlan> {
  return finetunePlan(parseCliInput(finetuneCommand(), argv));
}

function bar(stream: CommandIo['stderr']) {
  let label = '';
  let total = 1;
  let started = performance.now();
  let lastShown = -1;
  return {
    start(name: string, steps: number) {
      [label, total, started, lastShown] = [name, steps, performance.now(), -1];
    },
    update(done: number, suffix: string) {
      const tenth = Math.floor((10 * done) / total);
      if (!stream.isTTY && tenth === lastShown) return;
      lastShown = tenth;
      const width = 24;
      const filled = Math.min(width, Math.round((done / total) * width));
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      const line = `${label} ${bar} ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)}s ${suffix}`;
      stream.write(stream.isTTY ? `\r${line}` : `${line}\n`);
    },
    end() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

/**
 * Runs `finetune` with `argv` (the flags after the command name); prints progress to `io.stderr`
 * and the summary JSON as the last line of `io.stdout`.
 *
 * @example
 * ```ts
 * await runFinetune(['--base', 'zoo:mnist-digits-0to4', '--data', 'mnist:5-9', '--out', 'runs/t'], {
 *   stdout: console.log,
 *   stderr: process.stderr,
 * });
 * ```
 */
export async function runFinetune(argv: string[], io: CommandIo): Promise<FinetuneSummary> {
  return finetune(parseFinetuneArgs(argv), io);
}

/**
 * The base model and the target data of a checked command line, split for training. A defect in
 * them (a corrupt base, a folder without images, one class, too few images for the splits) is
 * refused like a bad flag: exit 2, before anything is printed or written.
 */
async function readInputs(args: ReturnType<typeof finetunePlan>) {
  let base: tf.LayersModel | undefined;
  try {
    const loaded = await loadBase(args.base);
    base = loaded.model;
    const inputShape = base.inputs[0].shape.slice(1);
    const data = loadTargetData(args.data, inputShape);
    if (data.classNames.length < 2) {
      throw new InvalidArgumentError({
        parameter: '--data',
        value: args.data,
        message: `Holds ${data.classNames.length} class; a classifier needs at least 2.`,
      });
    }
    const all = args.limit === undefined ? data.train : data.train.subset([...Array(Math.min(args.limit, data.train.size)).keys()]);
    checkInputShape(base, all, '--data');
    const { train, validation } = all.split({ train: 0.9, validation: 0.1, seed: args.seed });
    if (validation.size === 0) {
      // The 10% validation split rounds down per class: a class needs 10 training images to give one.
      throw new InvalidArgumentError({
        parameter: args.limit === undefined ? '--data' : '--limit',
        value: args.limit ?? args.data,
        message:
          `${all.size} training images leave none for validation (10% of each class, rounded down); ` +
          'give at least 10 training images per class (12 per class in a folder without train/ and test/).',
      });
    }
    return { base, metadata: loaded.metadata, data, train, validation };
  } catch (error) {
    base?.dispose();
    throw InvalidArgumentError.isInstance(error) || FileFormatError.isInstance(error) ? markRefusedEarly(error) : error;
  }
}

/** Runs a checked `finetune` command line (see {@link runFinetune}). */
export async function finetune(args: ReturnType<typeof finetunePlan>, io: CommandIo): Promise<FinetuneSummary> {
  const started = performance.now();
  const info = await initBackend();
  const { base, metadata, data, train, validation } = await readInputs(args);
  io.stdout(
    `${args.base} -> ${args.data}: ${data.classNames.length} classes, ` +
      `${train.size} train / ${validation.size} validation / ${data.test.size} test, ` +
      `strategy ${args.strategy}, ${formatBackendInfo(info)}`,
  );

  const progress = bar(io.stderr);
  const { padding, seed } = { padding: args.augmentPadding, seed: args.seed };
  const result = await fineTune(base, train, {
    strategy: args.strategy,
    classes: data.classNames.length,
    epochs: args.epochs,
    fineTuneEpochs: args.fineTuneEpochs,
    cutAt: metadata?.featureLayer,
    learningRate: args.learningRate,
    fineTuneLearningRate: args.fineTuneLearningRate,
    batchSize: args.batchSize,
    unfreezeBlocks: args.unfreezeBlocks,
    seed,
    validation,
    cachedFeatures: args.cachedFeatures,
    cachedAugmentations: args.cachedFeatures && padding > 0 ? 2 : 0,
    augment: padding > 0 ? (xs, { step }) => randomCrop(xs as tf.Tensor4D, { padding, random: mulberry32(seed * 7919 + step) }) : undefined,
    checkpointDir: join(args.out, 'best'),
    logger: new JsonlLogger(join(args.out, 'metrics.jsonl')),
    onPhase: ({ name, epochs, stepsPerEpoch, parameters }) => {
      progress.end();
      io.stdout(`phase ${name}: ${parameters.trainable} trainable, ${parameters.frozen} frozen parameters`);
      progress.start(name, epochs * stepsPerEpoch);
    },
    callbacks: [{ onBatchEnd: (step, { loss }) => progress.update(step, `loss ${loss.toFixed(4)}`) }],
  });
  progress.end();
  const testAccuracy = await evaluateAccuracy(result.model, data.test);
  await saveModel(result.model, join(args.out, 'model'));
  const summary: FinetuneSummary = {
    base: args.base,
    data: args.data,
    strategy: args.strategy,
    seed: args.seed,
    testAccuracy,
    testExamples: data.test.size,
    trainExamples: train.size,
    parameters: parameterCounts(result.model),
    phases: result.phases.map((p) => ({
      name: p.name,
      epochs: p.history.epochs.length,
      trainable: p.parameters.trainable,
      frozen: p.parameters.frozen,
    })),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    backend: formatBackendInfo(info),
    out: args.out,
  };
  writeFileAtomic(join(args.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  result.model.optimizer?.dispose();
  result.model.dispose();
  io.stdout(JSON.stringify(summary));
  return summary;
}
