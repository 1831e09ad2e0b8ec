/**
 * Few-shot transfer: with only 100 or 1,000 labelled digits 5-9, how do the fine-tuning strategies
 * compare with training the same network from scratch? Each cell is the mean (and standard
 * deviation) of the test accuracy over several seeds. The seed draws the labelled sample
 * (stratified) from all 4,869 digits 5-9 of core's MNIST (train and test splits together; the base
 * never saw a 5-9 digit), and every digit 5-9 not drawn is the test set: 4,767 digits for 100
 * labelled (102 after per-class rounding), 3,867 for 1,000 (1,002), the same for every strategy
 * at a seed. The seed also picks the validation part of the sample (20%, for early stopping), the
 * new head and the batch order. Every strategy gets the same augmentation, epochs and patience.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/transfer/few-shot-comparison.ts [--sizes 100,1000] [--seeds 0,1,2] [--strategies head,full,full-bn-frozen,full-l2sp,scratch] [--base DIR|zoo:NAME] [--l2sp 10] [--epochs 60] [--patience 10] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo, initBackend, mulberry32, randomCrop, TensorDataset, writeFileAtomic } from '@bigmodel/core';
import {
  createDigitsCnn,
  disposeUnusedLayers,
  evaluateAccuracy,
  fineTune,
  loadBase,
  mnistTarget,
  type FineTuneConfig,
} from '@bigmodel/transfer';

export const FEW_SHOT_STRATEGIES = ['head', 'two-phase', 'full', 'full-bn-frozen', 'full-l2sp', 'scratch'] as const;
export type FewShotStrategy = (typeof FEW_SHOT_STRATEGIES)[number];

export interface FewShotOptions {
  /** Labelled target examples (default [100, 1000]). */
  sizes?: number[];
  /** Seeds (default [0, 1, 2]). */
  seeds?: number[];
  /** Strategies (default head, full, full-bn-frozen, full-l2sp and scratch; two-phase is available). */
  strategies?: FewShotStrategy[];
  /** The base model: a directory saved by core or `zoo:NAME` (default `zoo:mnist-digits-0to4-cosine`, the base with the lower validation loss on digits 0-4). */
  base?: string;
  /** Strength of the decay toward the pretrained weights of `full-l2sp` (FineTuneConfig.decayToPretrained; default 10). */
  l2spStrength?: number;
  /** Maximum epochs of each phase, the same for every strategy (default 60; early stopping on the validation loss). */
  epochs?: number;
  /** Early-stopping patience in epochs, on the validation loss, the same for every strategy (default 10). */
  patience?: number;
  /** Use only the first `testLimit` test digits of each sample's test set (for smoke tests; default all). */
  testLimit?: number;
  /** Directory for results.json (default runs/<time>-transfer-few-shot). */
  out?: string;
  /** Called after each run (the CLI prints progress with it). */
  onRun?: (run: FewShotRun) => void;
}

export interface FewShotRun {
  strategy: FewShotStrategy;
  size: number;
  seed: number;
  testAccuracy: number;
  /** The lowest validation loss of the last phase (the weights kept): what settings may be chosen by. */
  validationLoss: number;
  epochs: number;
  /** Test digits of this run (every digit 5-9 outside its labelled sample, unless `testLimit`). */
  testCount: number;
  seconds: number;
}

export interface FewShotSummary {
  example: 'transfer/few-shot-comparison';
  backend: string;
  runs: FewShotRun[];
  /** Per strategy and size: mean and standard deviation (population) of the test accuracy over the seeds. */
  table: { strategy: FewShotStrategy; size: number; mean: number; std: number }[];
  seconds: number;
  out: string;
}

/** All digits of `a` and `b` in one dataset (same example shape and classes). */
export function concatDigits(a: TensorDataset, b: TensorDataset): TensorDataset {
  const examples = new Float32Array(a.examples.length + b.examples.length);
  examples.set(a.examples);
  examples.set(b.examples, a.examples.length);
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return new TensorDataset(examples, a.exampleShape, labels, a.options);
}

/**
 * The stratified labelled sample of `size` digits of `all` for `seed` (per-class rounding may add up
 * to one digit a class), and every other digit as the test set.
 */
export function fewShotSplit(all: TensorDataset, size: number, seed: number): { labelled: TensorDataset; test: TensorDataset } {
  const fraction = Math.min(1, size / all.size);
  const { train, test } = all.split({ train: fraction, test: 1 - fraction, seed });
  return { labelled: train, test };
}

export async function runFewShot(options: FewShotOptions = {}): Promise<FewShotSummary> {
  const {
    sizes = [100, 1000],
    seeds = [0, 1, 2],
    strategies = ['head', 'full', 'full-bn-frozen', 'full-l2sp', 'scratch'],
    epochs = 60,
    patience = 10,
    base: baseSource = 'zoo:mnist-digits-0to4-cosine',
    l2spStrength = 10,
  } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-transfer-few-shot`);
  const started = performance.now();
  const info = await initBackend();
  const data = mnistTarget([5, 6, 7, 8, 9]);
  const all = concatDigits(data.train, data.test);
  const runs: FewShotRun[] = [];

  for (const size of sizes) {
    for (const seed of seeds) {
      const { labelled, test: unused } = fewShotSplit(all, size, seed);
      const test = options.testLimit === undefined ? unused : unused.subset([...Array(Math.min(options.testLimit, unused.size)).keys()]);
      const { train, validation } = labelled.split({ train: 0.8, validation: 0.2, seed });
      for (const strategy of strategies) {
        const runStarted = performance.now();
        const common: Omit<FineTuneConfig, 'strategy'> = {
          classes: 5,
          epochs,
          fineTuneEpochs: epochs,
          batchSize: 32,
          seed,
          validation,
          patience,
          augment: (xs: tf.Tensor, { step }: { step: number }) =>
            randomCrop(xs as tf.Tensor4D, { padding: 2, random: mulberry32(seed * 7919 + step) }),
        };
        // From scratch: the same network, freshly initialized, every layer at the head's rate.
        const base = strategy === 'scratch' ? createDigitsCnn({ classes: 5, seed: 1000 + seed }) : (await loadBase(baseSource)).model;
        const config: FineTuneConfig =
          strategy === 'scratch'
            ? { ...common, strategy: 'full', fineTuneLearningRate: 1e-3 }
            : strategy === 'full'
              ? { ...common, strategy: 'full' }
              : strategy === 'full-bn-frozen'
                ? // Every batch-norm layer keeps the base's statistics (inference mode), as Keras advises for small data.
                  { ...common, strategy: 'full', batchNormPolicy: 'always-frozen' }
                : strategy === 'full-l2sp'
                  ? // L2-SP: the base decays toward its pretrained weights instead of toward zero.
                    { ...common, strategy: 'full', decayToPretrained: l2spStrength }
                  : { ...common, strategy, cachedFeatures: true, cachedAugmentations: 4 };
        const { model, phases } = await fineTune(base, train, config);
        const run: FewShotRun = {
          strategy,
          size: labelled.size,
          seed,
          testAccuracy: await evaluateAccuracy(model, test),
          validationLoss: Math.min(...phases[phases.length - 1].history.epochs.map((e: { valLoss?: number }) => e.valLoss ?? Infinity)),
          testCount: test.size,
          epochs: phases.reduce((n, p) => n + p.history.epochs.length, 0),
          seconds: (performance.now() - runStarted) / 1000,
        };
        runs.push(run);
        options.onRun?.(run);
        model.optimizer?.dispose();
        disposeUnusedLayers(base, model);
        model.dispose();
      }
    }
  }

  const table = sizes.flatMap((size) =>
    strategies.map((strategy) => {
      const accuracies = runs.filter((r) => r.strategy === strategy && Math.abs(r.size - size) <= 5).map((r) => r.testAccuracy);
      const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
      const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / accuracies.length);
      return { strategy, size, mean, std };
    }),
  );
  const summary: FewShotSummary = {
    example: 'transfer/few-shot-comparison',
    backend: formatBackendInfo(info),
    runs,
    table,
    seconds: (performance.now() - started) / 1000,
    out,
  };
  writeFileAtomic(join(out, 'results.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The table as Markdown: a row per strategy, a column per sample size, "mean ± std" in percent. */
export function fewShotMarkdown(summary: FewShotSummary): string {
  const sizes = [...new Set(summary.table.map((t) => t.size))];
  const strategies = [...new Set(summary.table.map((t) => t.strategy))];
  const lines = [`| strategy | ${sizes.map((s) => `${s} labelled`).join(' | ')} |`, `|---|${sizes.map(() => '---').join('|')}|`];
  for (const strategy of strategies) {
    const cells = sizes.map((size) => {
      const t = summary.table.find((x) => x.strategy === strategy && x.size === size)!;
      return `${(100 * t.mean).toFixed(2)}% ± ${(100 * t.std).toFixed(2)}`;
    });
    lines.push(`| ${strategy} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const list = (text: string | undefined) => text?.split(',').map(Number);
  tf.env().set('PROD', true);
  runFewShot({
    sizes: list(flag('--sizes')),
    seeds: list(flag('--seeds')),
    strategies: flag('--strategies')?.split(',') as FewShotStrategy[] | undefined,
    epochs: flag('--epochs') === undefined ? undefined : Number(flag('--epochs')),
    patience: flag('--patience') === undefined ? undefined : Number(flag('--patience')),
    base: flag('--base'),
    l2spStrength: flag('--l2sp') === undefined ? undefined : Number(flag('--l2sp')),
    out: flag('--out'),
    onRun: (r) =>
      console.error(
        `${r.strategy} n=${r.size} seed ${r.seed}: ${(100 * r.testAccuracy).toFixed(2)}% on ${r.testCount} test digits (validation loss ${r.validationLoss.toFixed(4)}, ${r.epochs} epochs, ${r.seconds.toFixed(0)} s)`,
      ),
  })
    .then((s) => {
      console.log(fewShotMarkdown(s));
      console.log(JSON.stringify({ table: s.table, seconds: s.seconds, backend: s.backend }));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
