/**
 * Export: the best configuration of a finished search ({@link bestTrial}), retrained at the full
 * budget (the largest budget of the search, or the one given) and saved with core's `saveModel`,
 * with `export.json` (config, budget, scores) and `leaderboard.json` beside it.
 *
 * The built-in `mnist` evaluator retrains with {@link trainMnistModel} and also measures the test
 * split (used only here). A module evaluator exports it when its module has an
 * `exportModel(config, budget, options) -> Promise<{ model, metrics }>` function.
 */
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, saveModel, writeFileAtomic } from '@bigmodel/core';

import { resolveEvaluatorSpec, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { trainMnistModel, type MnistEvaluatorOptions } from '../evaluators/mnist-evaluator';
import type { Config } from '../space/search-space';
import { readJournal } from './journal';
import { bestTrial, finishedTrials, leaderboard } from './leaderboard';

/** What {@link exportBest} writes to `export.json` and returns. */
export interface ExportSummary {
  /** The search directory. */
  searchDir: string;
  /** The model directory (model.json + weights). */
  out: string;
  /** The exported configuration and the trial it won as. */
  config: Config;
  trialId: number;
  /** The trial's score in the search. */
  searchScore: number;
  /** The budget it was retrained at. */
  budget: number;
  /** Metrics of the retrained model (for `mnist`: valAccuracy, testAccuracy, params, latencyMs, trainSeconds). */
  metrics: Record<string, number>;
}

/** An evaluator module's export hook (see the file header). */
export type ExportModel = (config: Config, budget: number, options: Record<string, unknown>) => Promise<{ model: tf.LayersModel; metrics: Record<string, number> }>;

/**
 * Retrains and saves the best configuration of the search in `dir`; see the file header.
 * @example
 * ```ts
 * const summary = await exportBest('runs/nas-mnist', { out: 'models/nas-mnist' });
 * console.log(summary.metrics.testAccuracy);
 * ```
 * @category Runner
 */
export async function exportBest(dir: string, options: { out: string; budget?: number; seed?: number; onEpoch?: (epoch: number, logs: Record<string, number>) => void }): Promise<ExportSummary> {
  const { search, records } = readJournal(dir);
  const trials = finishedTrials(records);
  const best = bestTrial(trials);
  if (!best) throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'The search has no successful trial to export.' });
  const spec = search.spec;
  const budget = options.budget ?? Math.max(...trials.map((t) => t.trial.budget));
  if (spec.evaluator.kind === 'function') {
    throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'The search used an in-process evaluator function; export needs a built-in or module evaluator with exportModel.' });
  }
  const evaluator = resolveEvaluatorSpec(spec.evaluator as EvaluatorSpec);
  let model: tf.LayersModel;
  let metrics: Record<string, number>;
  if (evaluator.kind === 'builtin' && evaluator.name === 'mnist') {
    const trained = await trainMnistModel(best.trial.config, budget, { ...((evaluator.options ?? {}) as MnistEvaluatorOptions), seed: options.seed ?? spec.seed, test: true, onEpoch: options.onEpoch });
    model = trained.model;
    metrics = { valAccuracy: trained.valAccuracy, testAccuracy: trained.testAccuracy!, params: trained.params, latencyMs: trained.latencyMs, trainSeconds: trained.trainSeconds };
  } else if (evaluator.kind === 'module') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hook = (require(evaluator.module) as { exportModel?: ExportModel }).exportModel;
    if (typeof hook !== 'function') throw new InvalidArgumentError({ parameter: 'evaluator.module', value: evaluator.module, message: 'Export needs the module to export exportModel(config, budget, options).' });
    ({ model, metrics } = await hook(best.trial.config, budget, evaluator.options ?? {}));
  } else {
    throw new InvalidArgumentError({ parameter: 'evaluator', value: evaluator.name, message: `The built-in '${evaluator.name}' evaluator is a benchmark without a model to export.` });
  }
  await saveModel(model, options.out);
  model.optimizer?.dispose();
  model.dispose();
  const summary: ExportSummary = { searchDir: dir, out: options.out, config: best.trial.config, trialId: best.trial.id, searchScore: best.score, budget, metrics };
  writeFileAtomic(join(options.out, 'export.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(join(options.out, 'leaderboard.json'), `${JSON.stringify(leaderboard(trials).slice(0, 20), null, 2)}\n`);
  return summary;
}
