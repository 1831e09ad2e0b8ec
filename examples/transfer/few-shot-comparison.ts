/**
 * Few-shot transfer: with only 100 or 1,000 labelled digits 5-9, how do the fine-tuning strategies
 * compare with training the same network from scratch? Each cell is the mean (and standard
 * deviation) of the test accuracy on all held-out digits 5-9 over several seeds; the seed picks
 * the labelled sample (stratified), the validation part of it (20%), the new head and the batch order.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/transfer/few-shot-comparison.ts [--sizes 100,1000] [--seeds 0,1,2] [--strategies head,two-phase,full,scratch] [--epochs 20] [--patience 4] [--out runs/DIR]
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { formatBackendInfo, initBackend, mulberry32, randomCrop, writeFileAtomic, type TensorDataset } from '@bigmodel/core';
import { createDigitsCnn, disposeUnusedLayers, evaluateAccuracy, fineTune, loadBase, mnistTarget, type FineTuneConfig } from '@bigmodel/transfer';

export const FEW_SHOT_STRATEGIES = ['head', 'two-phase', 'full', 'scratch'] as const;
export type FewShotStrategy = (typeof FEW_SHOT_STRATEGIES)[number];

export interface FewShotOptions {
  /** Labelled target examples (default [100, 1000]). */
  sizes?: number[];
  /** Seeds (default [0, 1, 2]). */
  seeds?: number[];
  /** Strategies (default all four). */
  strategies?: FewShotStrategy[];
  /** Maximum epochs of each phase (default 20; early stopping on the validation loss). */
  epochs?: number;
  /** Early-stopping patience in epochs, on the validation loss (default 4). */
  patience?: number;
  /** Use only the first `testLimit` test digits (for smoke tests; default all). */
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
  epochs: number;
  seconds: number;
}

export interface FewShotSummary {
  example: 'transfer/few-shot-comparison';
  backend: string;
  runs: FewShotRun[];
  /** Per strategy and size: mean and standard deviation (population) of the test accuracy over the seeds. */
  table: { strategy: FewShotStrategy; size: number; mean: number; std: number }[];
  testCount: number;
  seconds: number;
  out: string;
}

/** The stratified labelled sample of `size` digits for `seed`. */
function sample(train: TensorDataset, size: number, seed: number): TensorDataset {
  return train.split({ train: Math.min(1, size / train.size), seed }).train;
}

export async function runFewShot(options: FewShotOptions = {}): Promise<FewShotSummary> {
  const { sizes = [100, 1000], seeds = [0, 1, 2], strategies = [...FEW_SHOT_STRATEGIES], epochs = 20, patience = 4 } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-transfer-few-shot`);
  const started = performance.now();
  const info = await initBackend();
  const data = mnistTarget([5, 6, 7, 8, 9]);
  const test = options.testLimit === undefined ? data.test : data.test.subset([...Array(Math.min(options.testLimit, data.test.size)).keys()]);
  const runs: FewShotRun[] = [];

  for (const size of sizes) {
    for (const seed of seeds) {
      const labelled = sample(data.train, size, seed);
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
          augment: (xs: tf.Tensor, { step }: { step: number }) => randomCrop(xs as tf.Tensor4D, { padding: 2, random: mulberry32(seed * 7919 + step) }),
        };
        // From scratch: the same network, freshly initialized, every layer at the head's rate.
        const base = strategy === 'scratch' ? createDigitsCnn({ classes: 5, seed: 1000 + seed }) : (await loadBase('zoo:mnist-digits-0to4')).model;
        const config: FineTuneConfig =
          strategy === 'scratch'
            ? { ...common, strategy: 'full', fineTuneLr: 1e-3 }
            : { ...common, strategy, cachedFeatures: strategy !== 'full', cachedAugmentations: strategy !== 'full' ? 4 : 0 };
        const { model, phases } = await fineTune(base, train, config);
        const run: FewShotRun = {
          strategy,
          size: labelled.size,
          seed,
          testAccuracy: evaluateAccuracy(model, test),
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
  const summary: FewShotSummary = { example: 'transfer/few-shot-comparison', backend: formatBackendInfo(info), runs, table, testCount: test.size, seconds: (performance.now() - started) / 1000, out };
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
    out: flag('--out'),
    onRun: (r) => console.error(`${r.strategy} n=${r.size} seed ${r.seed}: ${(100 * r.testAccuracy).toFixed(2)}% (${r.epochs} epochs, ${r.seconds.toFixed(0)} s)`),
  })
    .then((s) => {
      console.log(fewShotMarkdown(s));
      console.log(JSON.stringify({ table: s.table, testCount: s.testCount, seconds: s.seconds, backend: s.backend }));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
