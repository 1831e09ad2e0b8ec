/**
 * `bigmodel-transfer finetune`: loads a base, reads the target data, fine-tunes with a strategy,
 * scores the test split, and saves the model, its metrics and a summary under `--out`.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { formatBackendInfo, initBackend, InvalidArgumentError, JsonlLogger, mulberry32, randomCrop, saveModel, writeFileAtomic } from '@bigmodel/core';

import { parameterCounts, type ParameterCounts } from '../freeze/freeze';
import { checkInputShape, evaluateAccuracy } from '../training/features';
import { FINE_TUNE_STRATEGIES, fineTune, type FineTuneStrategy } from '../training/fine-tune';
import { loadTargetData } from '../data/target-data';
import { loadBase } from '../zoo/load-base';

/** Where the command writes: progress to `stderr`, results to `stdout`. */
export interface CommandIo {
  stdout: (line: string) => void;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
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

const USAGE = `Usage: bigmodel-transfer finetune --base <DIR|zoo:NAME> --data <mnist:DIGITS|DIR> --out DIR
         [--strategy head|two-phase|gradual|full] [--epochs N] [--fine-tune-epochs N] [--seed S]
         [--lr X] [--fine-tune-lr X] [--batch-size N] [--unfreeze-blocks K] [--limit N] [--no-cache] [--augment-padding P]
       bigmodel-transfer zoo                       (lists the model zoo)`;

/** Parses `finetune`'s flags; a bad or missing flag throws InvalidArgumentError naming it. */
export function parseFinetuneArgs(argv: string[]) {
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const known = ['--base', '--data', '--out', '--strategy', '--epochs', '--fine-tune-epochs', '--seed', '--lr', '--fine-tune-lr', '--batch-size', '--unfreeze-blocks', '--limit', '--augment-padding'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-cache') switches.add(arg);
    else if (known.includes(arg)) {
      if (argv[i + 1] === undefined) throw new InvalidArgumentError({ parameter: arg, value: undefined, message: `Needs a value.\n${USAGE}` });
      flags.set(arg, argv[++i]);
    } else throw new InvalidArgumentError({ parameter: arg, value: arg, message: `Unknown flag; the flags are ${[...known, '--no-cache'].join(', ')}.\n${USAGE}` });
  }
  const required = (name: string) => {
    const value = flags.get(name);
    if (value === undefined) throw new InvalidArgumentError({ parameter: name, value: undefined, message: `Required.\n${USAGE}` });
    return value;
  };
  const number = (name: string, fallback: number | undefined, integer: boolean, min: number) => {
    const text = flags.get(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
      throw new InvalidArgumentError({ parameter: name, value: text, message: `Must be ${integer ? 'an integer' : 'a number'} >= ${min}.` });
    }
    return value;
  };
  const strategy = (flags.get('--strategy') ?? 'head') as FineTuneStrategy;
  if (!FINE_TUNE_STRATEGIES.includes(strategy)) {
    throw new InvalidArgumentError({ parameter: '--strategy', value: strategy, message: `Choose one of ${FINE_TUNE_STRATEGIES.join(', ')}.` });
  }
  return {
    base: required('--base'),
    data: required('--data'),
    out: required('--out'),
    strategy,
    epochs: number('--epochs', 10, true, 1)!,
    fineTuneEpochs: number('--fine-tune-epochs', undefined, true, 1),
    seed: number('--seed', 0, true, 0)!,
    lr: number('--lr', undefined, false, Number.MIN_VALUE),
    fineTuneLr: number('--fine-tune-lr', undefined, false, Number.MIN_VALUE),
    batchSize: number('--batch-size', 64, true, 1)!,
    unfreezeBlocks: number('--unfreeze-blocks', undefined, true, 1),
    limit: number('--limit', undefined, true, 1),
    augmentPadding: number('--augment-padding', 2, true, 0)!,
    cachedFeatures: strategy !== 'full' && !switches.has('--no-cache'),
  };
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
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)}s ${suffix}`;
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
 * await runFinetune(['--base', 'zoo:mnist-digits-0to4', '--data', 'mnist:5-9', '--out', 'runs/t'], { stdout: console.log, stderr: process.stderr });
 * ```
 */
export async function runFinetune(argv: string[], io: CommandIo): Promise<FinetuneSummary> {
  const args = parseFinetuneArgs(argv);
  const started = performance.now();
  const info = await initBackend();
  const { model: base, metadata } = await loadBase(args.base);
  const inputShape = base.inputs[0].shape.slice(1);
  const data = loadTargetData(args.data, inputShape);
  const all = args.limit === undefined ? data.train : data.train.subset([...Array(Math.min(args.limit, data.train.size)).keys()]);
  checkInputShape(base, all, '--data');
  const { train, validation } = all.split({ train: 0.9, validation: 0.1, seed: args.seed });
  if (validation.size === 0) {
    // The 10% validation split rounds down per class: a class needs 10 training images to give one.
    throw new InvalidArgumentError({
      parameter: 'data',
      value: args.data,
      message:
        `${all.size} training images leave none for validation (10% of each class, rounded down); ` +
        'give at least 10 training images per class (12 per class in a folder without train/ and test/).',
    });
  }
  io.stdout(`${args.base} -> ${args.data}: ${data.classNames.length} classes, ${train.size} train / ${validation.size} validation / ${data.test.size} test, strategy ${args.strategy}, ${formatBackendInfo(info)}`);

  const progress = bar(io.stderr);
  const { padding, seed } = { padding: args.augmentPadding, seed: args.seed };
  const result = await fineTune(base, train, {
    strategy: args.strategy,
    classes: data.classNames.length,
    epochs: args.epochs,
    fineTuneEpochs: args.fineTuneEpochs,
    cutAt: metadata?.featureLayer,
    lr: args.lr,
    fineTuneLr: args.fineTuneLr,
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
  const testAccuracy = evaluateAccuracy(result.model, data.test);
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
    phases: result.phases.map((p) => ({ name: p.name, epochs: p.history.epochs.length, trainable: p.parameters.trainable, frozen: p.parameters.frozen })),
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

export { USAGE };
