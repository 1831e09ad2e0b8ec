/**
 * Export: the best trial of a search ({@link bestTrial}) saved with core's `saveModel`, with
 * `export.json` (config, budget, scores) and `leaderboard.json` beside it.
 *
 * By default the exported model is the trial's own trained model, the one the runner kept in
 * `DIR/models/trial-ID` (see runSearch): the model that earned the search's score, not a new
 * training run of its configuration. For the built-in `mnist` evaluator the export measures it
 * again with {@link evaluateMnistModel}: validation accuracy on the search's split (which equals the
 * trial's score on the same backend) and test accuracy on core's fixed test split, used only here.
 * A module evaluator's model is measured by the module's optional
 * `evaluateModel(model, config, options) -> metrics` function (else the trial's journaled metrics
 * are reported).
 *
 * When the search directory holds a re-scoring ({@link rescoreTop}), its winner is exported instead
 * of the search's best (unless `rescored: false`): the configuration with the best mean score over
 * its repeated evaluations, as the model of its best-scoring evaluation that is still on disk. A
 * model of re-scoring fold f was validated on the fold's own split, so for `mnist` the export
 * measures its validation accuracy there (split seed + f).
 *
 * With `retrain: true` the configuration is instead trained from scratch at the full budget (the
 * largest budget of the search, or the one given): with {@link trainMnistModel} for `mnist`, or a
 * module's `exportModel(config, budget, options) -> Promise<{ model, metrics }>`. That is the only
 * way to export a search whose trials saved no model.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type * as tf from '@tensorflow/tfjs';
import { InvalidArgumentError, loadModel, saveModel, writeFileAtomic } from '@bigmodel/core';

import { checkJournalEvaluator, resolveEvaluatorSpec, type EvaluatorSpec, type ModuleEvaluatorSpec } from '../evaluators/evaluator-spec';
import { evaluateMnistModel, trainMnistModel, type MnistEvaluatorOptions } from '../evaluators/mnist-evaluator';
import type { Config } from '../space/search-space';
import { journalPath, readJournal } from './journal';
import { bestTrial, finishedTrials, leaderboard } from './leaderboard';
import { rescoredBest } from './rescore';
import { searchModelDir } from './search-model-dir';

/**
 * What {@link exportBest} writes to `export.json` and returns.
 *
 * @category Runner
 */
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
  /** The validation fold of the exported model: 0 for the search's trial, f > 0 for a re-scoring's evaluation. */
  fold: number;
  /** With a re-scoring: the winner's mean score and its scores by fold (the search's first). */
  rescore?: { meanScore: number; scores: number[]; candidates: number };
  /** The budget the exported model was trained at (the trial's, or the retraining's). */
  budget: number;
  /** Whether the configuration was retrained from scratch (`retrain: true`) instead of exporting the trial's model. */
  retrained: boolean;
  /** The trial's saved model that was exported (relative to the search directory), unless retrained. */
  trialModel?: string;
  /**
   * Metrics of the exported model (for `mnist`: valAccuracy, testAccuracy, params, latencyMs, and
   * trainSeconds when retrained).
   */
  metrics: Record<string, number>;
}

/**
 * Options of {@link exportBest}.
 *
 * @category Runner
 */
export interface ExportOptions {
  /** The module evaluator the journal names, named again by the caller: a journal alone never chooses code to run. */
  evaluatorModule?: string;
  /** The model directory to write. */
  out: string;
  /** Train the best configuration from scratch instead of exporting the trial's model (default false). */
  retrain?: boolean;
  /** With `retrain`: epochs (budget) of the retraining (default: the search's largest budget). */
  budget?: number;
  /** With `retrain`: the seed of the retraining (default: the search's seed). */
  seed?: number;
  /** Export the winner of the directory's re-scoring when it holds one (default true). */
  rescored?: boolean;
  /** With `retrain`: called after each epoch of the retraining. */
  onEpoch?: (epoch: number, logs: Record<string, number>) => void;
}

/**
 * An evaluator module's export hook (see the file header).
 *
 * @category Runner
 */
export type ExportModel = (
  config: Config,
  budget: number,
  options: Record<string, unknown>,
) => Promise<{ model: tf.LayersModel; metrics: Record<string, number> }>;

/**
 * An evaluator module's hook that measures an exported trial model (see the file header).
 *
 * @category Runner
 */
export type EvaluateModel = (
  model: tf.LayersModel,
  config: Config,
  options: Record<string, unknown>,
) => Record<string, number> | Promise<Record<string, number>>;

/** The numeric metrics of a journaled trial. */
const numericMetrics = (metrics: Record<string, number | string | boolean>) =>
  Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));

/** Retrains `config` from scratch at `budget` with the evaluator's own training. */
async function retrainModel(evaluator: EvaluatorSpec, config: Config, budget: number, seed: number, onEpoch: ExportOptions['onEpoch']) {
  if (evaluator.kind === 'builtin' && evaluator.name === 'mnist') {
    const trained = await trainMnistModel(config, budget, {
      ...((evaluator.options ?? {}) as MnistEvaluatorOptions),
      seed,
      test: true,
      onEpoch,
    });
    return {
      model: trained.model as tf.LayersModel,
      metrics: {
        valAccuracy: trained.valAccuracy,
        testAccuracy: trained.testAccuracy!,
        params: trained.params,
        latencyMs: trained.latencyMs,
        trainSeconds: trained.trainSeconds,
      },
    };
  }
  const module = evaluator as ModuleEvaluatorSpec;

  const hook = (require(module.module) as { exportModel?: ExportModel }).exportModel;
  if (typeof hook !== 'function')
    throw new InvalidArgumentError({
      parameter: 'evaluator.module',
      value: module.module,
      message: 'Export with retrain needs the module to export exportModel(config, budget, options).',
    });
  return hook(config, budget, module.options ?? {});
}

/**
 * Saves the best trial's model of the search in `dir` (or, with `retrain`, its configuration
 * trained again); see the file header.
 * @example
 * ```ts
 * const summary = await exportBest('runs/nas-mnist', { out: 'models/nas-mnist' });
 * console.log(summary.searchScore, summary.metrics.valAccuracy, summary.metrics.testAccuracy);
 * ```
 * @category Runner
 */
export async function exportBest(dir: string, options: ExportOptions): Promise<ExportSummary> {
  const { search, records } = readJournal(dir);
  const trials = finishedTrials(records);
  const rescore = options.rescored === false ? undefined : rescoredBest(dir);
  const best = rescore ? rescore.best.trial : bestTrial(trials);
  if (!best) throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'The search has no successful trial to export.' });
  const spec = search.spec;
  const retrain = options.retrain ?? false;
  if (!retrain && (options.budget !== undefined || options.seed !== undefined)) {
    throw new InvalidArgumentError({
      parameter: options.budget !== undefined ? 'budget' : 'seed',
      value: options.budget ?? options.seed,
      message: "Applies only with retrain: true; without it the trial's own model is exported.",
    });
  }
  if (spec.evaluator.kind === 'function') {
    throw new InvalidArgumentError({
      parameter: 'dir',
      value: dir,
      message: 'The search used an in-process evaluator function; export needs a built-in or module evaluator.',
    });
  }
  const evaluator = resolveEvaluatorSpec(checkJournalEvaluator(spec.evaluator as EvaluatorSpec, options.evaluatorModule, journalPath(dir)));
  if (evaluator.kind === 'builtin' && evaluator.name !== 'mnist') {
    throw new InvalidArgumentError({
      parameter: 'evaluator',
      value: evaluator.name,
      message: `The built-in '${evaluator.name}' evaluator is a benchmark without a model to export.`,
    });
  }
  let model: tf.LayersModel;
  let metrics: Record<string, number>;
  let budget = best.trial.budget;
  let trialModel = best.model;
  let fold = 0;
  if (retrain) {
    budget = options.budget ?? Math.max(...trials.map((t) => t.trial.budget));
    ({ model, metrics } = await retrainModel(evaluator, best.trial.config, budget, options.seed ?? spec.seed, options.onEpoch));
  } else {
    // With a re-scoring: the winner's best-scoring evaluation whose model is on disk (ties: the lower fold).
    const chosen = rescore
      ? [...rescore.best.evaluations].filter((e) => e.model !== undefined).sort((a, b) => b.score - a.score || a.fold - b.fold)[0]
      : undefined;
    if (chosen) ({ model: trialModel, fold } = chosen as { model: string; fold: number });
    const modelDir = trialModel === undefined ? undefined : searchModelDir(dir, trialModel, journalPath(dir));
    if (modelDir === undefined || !existsSync(join(modelDir, 'model.json'))) {
      throw new InvalidArgumentError({
        parameter: 'retrain',
        value: false,
        message:
          `The best trial (${best.trial.id}) has no saved model in ${dir} ` +
          '(a search from before trials kept their models, or one run with keepModels: false); ' +
          'export with retrain: true (--retrain) to train its configuration again.',
      });
    }
    model = await loadModel(modelDir);
    if (evaluator.kind === 'builtin') {
      const mnistOptions = (evaluator.options ?? {}) as MnistEvaluatorOptions;
      metrics = {
        ...(await evaluateMnistModel(model, best.trial.config, { ...mnistOptions, splitSeed: (mnistOptions.splitSeed ?? 0) + fold })),
      };
    } else {
      const hook = (require(evaluator.module) as { evaluateModel?: EvaluateModel }).evaluateModel;
      metrics = typeof hook === 'function' ? await hook(model, best.trial.config, evaluator.options ?? {}) : numericMetrics(best.metrics);
    }
  }
  await saveModel(model, options.out);
  model.optimizer?.dispose();
  model.dispose();
  const summary: ExportSummary = {
    searchDir: dir,
    out: options.out,
    config: best.trial.config,
    trialId: best.trial.id,
    searchScore: best.score,
    fold,
    ...(rescore
      ? {
          rescore: {
            meanScore: rescore.best.meanScore,
            scores: rescore.best.evaluations.map((e) => e.score),
            candidates: rescore.candidates.length,
          },
        }
      : {}),
    budget,
    retrained: retrain,
    ...(retrain ? {} : { trialModel }),
    metrics,
  };
  writeFileAtomic(join(options.out, 'export.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileAtomic(join(options.out, 'leaderboard.json'), `${JSON.stringify(leaderboard(trials).slice(0, 20), null, 2)}\n`);
  return summary;
}
