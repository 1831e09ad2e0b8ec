/**
 * The MNIST search shared by the evolution-, reinforce-, tpe- and hyperband-mnist examples: a
 * search over the built-in `mnist` space with the built-in tfjs evaluator in worker threads (each
 * with its own backend), then the best trial's own trained model (kept by the search) exported
 * with core's saveModel and measured again: validation accuracy (the trial's score) and test
 * accuracy (core's test split, which the search never sees). `retrain` trains the best
 * configuration from scratch for the export instead.
 *
 * The search starts only trials predicted to end within its minutes (runSearch's `fitToTime`), so
 * that `minutes` bounds the search and re-scoring together; the export comes after.
 *
 * With `rescore`, the last `rescore.minutes` of the `minutes` go to re-scoring the `top` best
 * configurations (nas's rescoreTop: `repeats` more evaluations each at the largest budget, with
 * fresh seeds and other validation splits), and the export takes the configuration with the best
 * mean score instead of the single best score.
 */
import { join } from 'node:path';

import { formatBackendInfo, initBackend, integerOption, numberOption, writeFileAtomic, type CliCommand } from '@bigmodel/core';
import {
  builtinSpace,
  exportBest,
  rescoreTop,
  runSearch,
  type ExportSummary,
  type HyperbandConfig,
  type SearchProgress,
  type StrategyName,
  type TrialStart,
} from '@bigmodel/nas';

import { exampleMain, exampleProgram, outOption, seedOption, type ExampleMain } from '../cli';

export interface MnistSearchOptions {
  /** Strategy (default per example). */
  strategy: StrategyName;
  /** Strategy options (e.g. evolution's populationSize). */
  strategyOptions?: Record<string, unknown>;
  /** Hyperband over the strategy (budgets in epochs). */
  hyperband?: HyperbandConfig;
  /** Epochs per trial without Hyperband (default 3). */
  budget?: number;
  /** Trials at most (default 200: the time limit usually ends the search). */
  trials?: number;
  /** Minutes of searching (default 30). */
  minutes?: number;
  /** Worker threads (default 1: the 2-core machine is shared). */
  workers?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Use only the first `trainLimit` training digits (smoke tests). */
  trainLimit?: number;
  /** Retrain the best configuration from scratch for the export instead of exporting the trial's model (default false). */
  retrain?: boolean;
  /** With `retrain`: epochs of the retraining (default: the largest budget of the search). */
  exportBudget?: number;
  /** Re-score the `top` best configurations `repeats` more times in the last `minutes` of the time (default: no re-scoring). */
  rescore?: { top: number; repeats: number; minutes: number };
  /** Output directory (default runs/<time>-nas-<name>). */
  out?: string;
  /** Print a line per trial (default true). */
  progress?: boolean;
}

export interface MnistSearchSummary {
  example: string;
  backend: string;
  workers: number;
  trials: number;
  searchSeconds: number;
  bestValAccuracy: number;
  bestConfig: Record<string, unknown>;
  /** The re-scoring: seconds, and each candidate's trial, scores and mean (ranked). */
  rescore?: { seconds: number; candidates: { trial: number; scores: number[]; meanScore: number; complete: boolean }[] };
  export: ExportSummary;
  seconds: number;
  out: string;
}

/** Whole seconds as `MmSSs` (rounded first, so 119.6 s is 2m00s, not 1m60s). */
const format = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${(s % 60).toString().padStart(2, '0')}s`;
};

/** Prints one line per finished trial: done/total, its score, the best so far and the ETA. */
export function printProgress(label: string) {
  return (p: SearchProgress) => {
    const score = p.last.status === 'ok' ? p.last.score.toFixed(4) : p.last.status;
    process.stderr.write(
      `${label} [${p.done}/${p.total}] trial ${p.last.trial.id} budget ${p.last.trial.budget} -> ${score} (${p.last.seconds.toFixed(0)}s) | best ${p.best ? p.best.score.toFixed(4) : '-'} | ${format(p.elapsedSeconds)} elapsed, ETA ${format(p.etaSeconds)}\n`,
    );
  };
}

/** Prints one line per trial as it starts: done/total, the trials running, time spent and the time limit. */
export function printTrialStart(label: string, limitSeconds: number) {
  return (t: TrialStart) => {
    process.stderr.write(
      `${label} [${t.done}/${t.total}] trial ${t.trial.id} budget ${t.trial.budget} started (${t.running} running) | ` +
        `${format(t.elapsedSeconds)} elapsed of at most ${format(limitSeconds)}\n`,
    );
  };
}

export async function runMnistSearch(name: string, options: MnistSearchOptions): Promise<MnistSearchSummary> {
  const { seed = 0, workers = 1, minutes = 30, trials = 200, progress = true } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-nas-${name}`);
  const started = performance.now();
  // Trials train in worker threads with their own backends; the export measures (or retrains) in this thread.
  const backend = formatBackendInfo(await initBackend());
  const search = await runSearch({
    dir: join(out, 'search'),
    space: builtinSpace('mnist'),
    strategy: { name: options.strategy, options: options.strategyOptions },
    hyperband: options.hyperband,
    evaluator: { kind: 'builtin', name: 'mnist', options: options.trainLimit ? { trainLimit: options.trainLimit } : {} },
    budget: options.budget ?? 3,
    trials,
    workers,
    seed,
    maxSeconds: (minutes - (options.rescore?.minutes ?? 0)) * 60,
    // Start only trials predicted to end in time, so that `minutes` bounds the whole search.
    fitToTime: true,
    // The re-scoring's candidates keep their own models, so the export can take any of them.
    keepModels: options.rescore?.top ?? true,
    onProgress: progress ? printProgress(name) : undefined,
    onTrialStart: progress ? printTrialStart(name, minutes * 60) : undefined,
  });
  const searchSeconds = (performance.now() - started) / 1000;
  if (!search.best) throw new Error(`${name}: no trial succeeded`);
  let rescore: MnistSearchSummary['rescore'];
  if (options.rescore) {
    const rescoreStarted = performance.now();
    const left = minutes * 60 - searchSeconds;
    if (progress)
      process.stderr.write(
        `${name}: re-scoring the ${options.rescore.top} best configurations ${options.rescore.repeats} more time(s) each, ${format(Math.max(0, left))} left\n`,
      );
    const result =
      left > 0
        ? await rescoreTop(join(out, 'search'), {
            top: options.rescore.top,
            repeats: options.rescore.repeats,
            workers,
            maxSeconds: left,
            onProgress: progress
              ? (r, done, total) =>
                  process.stderr.write(
                    `${name} rescore [${done}/${total}] trial ${r.trialId} fold ${r.fold} -> ${r.score?.toFixed(4) ?? r.status} (${r.seconds.toFixed(0)}s)\n`,
                  )
              : undefined,
          })
        : undefined;
    rescore = {
      seconds: (performance.now() - rescoreStarted) / 1000,
      candidates: (result?.candidates ?? []).map((c) => ({
        trial: c.trial.trial.id,
        scores: c.evaluations.map((e) => e.score),
        meanScore: c.meanScore,
        complete: c.complete,
      })),
    };
  }
  if (progress) process.stderr.write(`${name}: exporting${options.retrain ? ' (retrained)' : ''}\n`);
  const exported = await exportBest(join(out, 'search'), {
    out: join(out, 'model'),
    retrain: options.retrain,
    budget: options.retrain ? options.exportBudget : undefined,
    onEpoch: progress
      ? (epoch, logs) => process.stderr.write(`${name} export epoch ${epoch + 1}: val ${logs['valAccuracy']?.toFixed(4)}\n`)
      : undefined,
  });
  const summary: MnistSearchSummary = {
    example: `nas/${name}`,
    backend,
    workers,
    trials: search.trials.length,
    searchSeconds,
    bestValAccuracy: search.best.score,
    bestConfig: search.best.trial.config,
    ...(rescore ? { rescore } : {}),
    export: exported,
    seconds: (performance.now() - started) / 1000,
    out,
  };
  if (progress)
    process.stderr.write(
      `${name}: exported trial ${exported.trialId}'s ${exported.retrained ? 'configuration, retrained' : `model (fold ${exported.fold})`}: val ${exported.metrics['valAccuracy'].toFixed(4)}, test ${exported.metrics['testAccuracy'].toFixed(4)}\n`,
    );
  writeFileAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/**
 * The command line of an MNIST search example: `--minutes`, `--workers`, `--seed` and `--out`, with
 * the example's defaults.
 */
export function mnistSearchProgram(file: string, description: string, defaultWorkers: number): CliCommand {
  return exampleProgram(file, description)
    .addOption(numberOption('--minutes <m>', 'minutes of searching', { min: 0, max: 10_080, minExclusive: true }, 30))
    .addOption(integerOption('--workers <w>', 'worker threads, one trial each', { min: 1, max: 256 }, defaultWorkers))
    .addOption(seedOption())
    .addOption(outOption('output directory (default: runs/<time>-nas-<example>)'));
}

/** An MNIST search example's `main`: its program, then `run` on the flags, the summary printed as JSON. */
export function mnistSearchMain(
  file: string,
  description: string,
  defaultWorkers: number,
  run: (flags: MnistSearchFlags) => Promise<MnistSearchSummary>,
): ExampleMain<MnistSearchFlags> {
  return exampleMain(
    () => mnistSearchProgram(file, description, defaultWorkers),
    async (flags: MnistSearchFlags, print) => print(JSON.stringify(await run(flags), null, 2)),
  );
}

/** The flags of {@link mnistSearchProgram}. */
export interface MnistSearchFlags {
  minutes: number;
  workers: number;
  seed: number;
  out?: string;
}
