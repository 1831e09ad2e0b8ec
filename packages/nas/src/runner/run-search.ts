/**
 * The runner: asks the strategy for trials, evaluates them (in this thread for an evaluator
 * function, in worker threads for a built-in or module evaluator), records every proposal and
 * outcome in the journal, tells the strategy, and reports progress.
 *
 * Resume: started on a directory whose journal holds the same search, the runner rebuilds the
 * strategy from the spec and replays the journal through it: it asks again for every recorded
 * trial (checking that the same configuration comes back) and tells it every recorded outcome, in
 * the recorded order. A seeded strategy thereby returns to exactly the state it was in; trials
 * that were proposed but never finished (in flight at the kill) are evaluated now, and finished
 * ones are never run again.
 *
 * Trained models: each trial's context names a directory, `DIR/models/trial-ID`, where the
 * evaluator may save the model it trained (the built-in `mnist` evaluator does). A saved model is
 * recorded in the trial's result (`model`) and kept while that trial is the best ({@link bestTrial}),
 * or with `keepModels: n` one of the n best configurations ({@link topDistinct}: what a re-scoring
 * of the top n re-scores); the others are removed as soon as their results are journaled (a trial
 * that has left the kept set never enters it again). Saves are core's crash-safe `saveModel`; a
 * resumed search first removes the leftovers of trials that were running at the kill, and keeps the
 * kept set's models.
 *
 * Repeats: with `cache` (on by default for an evaluator that declares itself deterministic: the
 * built-in synthetic benchmarks, or a function with `deterministic: true`), a trial whose
 * configuration and budget an earlier trial already evaluated (ok or infeasible) is not evaluated
 * again: its result is the earlier one's, journaled as a repeat (`repeatOf`, 0 seconds, no model) and
 * told to the strategy like any other. A repeat of a trial still running waits for it (and shares
 * its result, even a failure; a failed result is not cached). A repeat counts as one of the
 * search's `trials`. A resume rebuilds the cache from the journal.
 *
 * Failures: an evaluator that throws, or returns a score that is NaN or not a number, gives a
 * `failed` record with the error; a result that breaks a constraint gives `infeasible`. Both are
 * told to the strategy (as -Infinity) and the search goes on.
 */
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { FileFormatError, InvalidArgumentError, parseConfig, resolveContainedPath, z, type InitBackendOptions } from '@bigmodel/core';

import type { EvaluationResult, Evaluator } from '../evaluators/evaluator';
import { checkJournalEvaluator, isDeterministicSpec, resolveEvaluatorSpec, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { SearchSpace, type SearchSpaceDefinition } from '../space/search-space';
import { resolveHyperbandConfig, type HyperbandConfig } from '../strategies/hyperband';
import type { Strategy, Trial, TrialOutcome } from '../strategies/strategy';
import { searchIdOf } from '../distributed/redis-trial-queue';
import { JournalWriter, journalPath, readJournal, type ResultRecord } from './journal';
import { bestTrial, finishedTrials, topDistinct, type TrialRecord } from './leaderboard';
import { STRATEGY_NAMES, createStrategy, type Constraints, type SearchSpec } from './search-spec';
import { checkMnistSpace } from '../internal/mnist-model';
import { budgetField, configSchema, seedField } from '../internal/strategy-fields';
import { trialModelPath } from '../internal/trial-model-path';
import { isSearchModelPath, removeSearchModelDir } from './search-model-dir';
import type { TrialExecutor } from './trial-executor';
import { WorkerPool } from './worker-pool';

/**
 * Progress after each finished trial.
 *
 * @category Runner
 */
export interface SearchProgress {
  /** Trials finished in all (including those of earlier runs of a resumed search). */
  done: number;
  /** Trials the search runs in all. */
  total: number;
  /** The trial that just finished. */
  last: TrialRecord;
  /** The best trial so far ({@link bestTrial}). */
  best?: TrialRecord;
  /** Seconds since this run started. */
  elapsedSeconds: number;
  /** Estimated seconds left, from this run's pace (at most what is left of `maxSeconds`). */
  etaSeconds: number;
}

/**
 * A trial that has just started (what `RunSearchConfig.onTrialStart` receives).
 *
 * @category Runner
 */
export interface TrialStart {
  /** The trial. */
  trial: Trial;
  /** Trials running now, this one included. */
  running: number;
  /** Trials finished in all (including those of earlier runs of a resumed search). */
  done: number;
  /** Trials the search runs in all. */
  total: number;
  /** Seconds since this run started. */
  elapsedSeconds: number;
}

/** Whether `value` is a non-array object. */
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A whole number n >= 1, or a boolean (see `keepModels`). */
const isKeep = (value: unknown): value is boolean | number =>
  typeof value === 'boolean' || (Number.isInteger(value) && (value as number) >= 1);

/** A function of the given type (checked to be a function; its signature is TypeScript's to check). */
const callback = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', { error: `Expected a function (${what}).` });

/**
 * The schema of {@link RunSearchConfig}: each field's check, default and description. The space,
 * the evaluator spec and the strategy options are checked further by their own resolvers (the
 * space by {@link SearchSpace}, a spec by `resolveEvaluatorSpec`, options by the strategy's
 * schema), since they are not known until the strategy and evaluator are.
 *
 * @category Runner
 */
export const runSearchConfigSchema = configSchema(
  z.strictObject({
    dir: z
      .string({ error: 'A directory for the journal.' })
      .min(1, { error: 'A directory for the journal.' })
      .describe('Directory of the journal (created; an existing journal of the same search is resumed).'),
    space: z
      .custom<SearchSpace | SearchSpaceDefinition>((value) => value instanceof SearchSpace || isObject(value), {
        error: 'Expected a SearchSpace or its declaration ({ params: ... }).',
      })
      .describe('The space, as a SearchSpace or its declaration.'),
    strategy: z
      .union(
        [z.enum(STRATEGY_NAMES), z.strictObject({ name: z.enum(STRATEGY_NAMES), options: z.record(z.string(), z.unknown()).optional() })],
        { error: `Strategies: ${STRATEGY_NAMES.join(', ')} (a name, or { name, options }).` },
      )
      .describe("The strategy: a name, or a name with options (e.g. `{ name: 'evolution', options: { populationSize: 20 } }`)."),
    hyperband: z
      .custom<boolean | HyperbandConfig>((value) => typeof value === 'boolean' || isObject(value), {
        error: 'Expected true, false or a HyperbandConfig.',
      })
      .optional()
      .describe('Run the strategy under Hyperband (true: defaults minBudget 1, maxBudget 9, eta 3; an object: a HyperbandConfig).'),
    evaluator: z
      .custom<Evaluator | EvaluatorSpec>((value) => typeof value === 'function' || isObject(value), {
        error: 'Expected an evaluator function or an evaluator spec ({ kind: ... }).',
      })
      .describe(
        'The evaluator: a function (runs in this thread, `workers` trials at a time), or a spec of a built-in or module ' +
          'evaluator (runs in `workers` worker threads, each with its own backend).',
      ),
    trials: z
      .number({ error: 'Must be an integer >= 1.' })
      .int({ error: 'Must be an integer >= 1.' })
      .min(1, { error: 'Must be an integer >= 1.' })
      .describe('Evaluations to run in all (an integer >= 1; a resumed search may raise it).'),
    workers: z
      .number({ error: 'Must be an integer >= 1.' })
      .int({ error: 'Must be an integer >= 1.' })
      .min(1, { error: 'Must be an integer >= 1.' })
      .optional()
      .describe(
        "Trials evaluated at once (default: the number of cores for worker evaluators, 1 for a function, an executor's maxInFlight).",
      ),
    seed: seedField.describe("Seed of the strategy and of each trial's evaluator seed, an integer (default 0)."),
    budget: budgetField.describe('Budget of every trial without Hyperband, a finite number > 0 (default 1).'),
    constraints: z
      .strictObject({
        maxParams: z.number().positive().optional().describe('Largest parameter count (metric `params`), > 0.'),
        maxLatencyMs: z.number().positive().optional().describe('Largest latency in milliseconds (metric `latencyMs`), > 0.'),
      })
      .optional()
      .describe('Constraints on the `params` / `latencyMs` metrics (default none).'),
    backend: z
      .custom<InitBackendOptions>(isObject, { error: 'Expected backend options (InitBackendOptions).' })
      .optional()
      .describe("Backend options of each worker thread (default: core's defaults, e.g. BIGMODEL_WASM_THREADS)."),
    maxSeconds: z
      .number({ error: 'Must be a number > 0.' })
      .positive({ error: 'Must be a number > 0.' })
      .optional()
      .describe(
        'Stop proposing trials after this many seconds of this run (default: no limit); trials already running finish and ' +
          'are recorded, and `resumeSearch` carries on later.',
      ),
    fitToTime: z
      .boolean()
      .optional()
      .describe(
        'With `maxSeconds`: start a trial only if it is predicted to end within `maxSeconds` (predictTrialSeconds), so that the ' +
          'search ends by then instead of running over by its last trials (default false: every trial proposed before ' +
          '`maxSeconds` runs). The first trial that does not fit stays proposed and unevaluated; nothing starts after it, and a ' +
          'resume runs it first.',
      ),
    strictJournal: z
      .boolean()
      .optional()
      .describe('Throw a FileFormatError on an unreadable journal line instead of skipping it (default false).'),
    keepModels: z
      .custom<boolean | number>(isKeep, {
        error: 'Must be true, false or a whole number >= 1 (the best configurations whose models to keep).',
      })
      .optional()
      .describe(
        "Give each trial a `modelDir` (`DIR/models/trial-ID`) to save its trained model in, and keep the best trial's (`true`, " +
          'the default), or the models of the `n` best configurations (a whole number n >= 1, e.g. the `top` of a re-scoring to ' +
          "come, so that its export can take any of the candidates' own models); `false`: no directories. The journal records " +
          'it, and a resume keeps to it unless given another.',
      ),
    cache: z
      .boolean({ error: 'Must be true or false.' })
      .optional()
      .describe(
        'Evaluate each configuration and budget once, and serve a repeat from the cache. Default: as the search was started ' +
          'with on a resume, else true for an evaluator that declares itself deterministic (`Evaluator.deterministic`, the ' +
          'built-in `cell`, `branin` and `hartmann6`), false otherwise (`mnist` trains each trial with its own seed).',
      ),
    onProgress: callback<(progress: SearchProgress) => void>('progress').optional().describe('Called after every finished trial.'),
    onTrialStart: callback<(start: TrialStart) => void>('trial start')
      .optional()
      .describe('Called when a trial starts (before it finishes, so that a long first trial shows up at once).'),
    executor: z
      .custom<TrialExecutor>(isObject, { error: 'Expected a TrialExecutor.' })
      .optional()
      .describe(
        'Run the trials elsewhere, e.g. on worker processes through Redis (RedisTrialQueue); the strategy and the journal stay ' +
          "here. `workers` then bounds the trials out at once (default: the executor's `maxInFlight`).",
      ),
    signal: z
      .custom<AbortSignal>((value) => isObject(value) && 'aborted' in value, { error: 'Expected an AbortSignal.' })
      .optional()
      .describe('Aborting stops proposing trials; those out finish and are journaled, and the search returns (resumable).'),
  }),
);

/**
 * Configuration of {@link runSearch}, inferred from {@link runSearchConfigSchema} (each field's
 * description is there): `dir` (the journal's directory), `space` (a {@link SearchSpace} or its declaration),
 * `strategy` (a {@link StrategyName}, or `{ name, options }`), `hyperband` (true or a
 * {@link HyperbandConfig}; default none), `evaluator` (an {@link Evaluator} function or an
 * {@link EvaluatorSpec}), `trials`, `workers` (default: the cores for worker evaluators, 1 for a
 * function), `seed` (default 0), `budget` (default 1), `constraints` ({@link Constraints}),
 * `backend`, `maxSeconds` (default no limit), `fitToTime` (default false; see
 * {@link predictTrialSeconds}), `strictJournal` (default false), `keepModels` (default true),
 * `cache` (default: true for deterministic evaluators), `onProgress` ({@link SearchProgress}),
 * `onTrialStart` ({@link TrialStart}), `executor` (a {@link TrialExecutor}, e.g.
 * {@link RedisTrialQueue}), `signal`.
 *
 * @category Runner
 */
export type RunSearchConfig = z.input<typeof runSearchConfigSchema>;

/**
 * What {@link runSearch} returns.
 *
 * @category Runner
 */
export interface SearchResult {
  dir: string;
  /** Every finished trial, in finishing order. */
  trials: TrialRecord[];
  /** The best trial ({@link bestTrial}). */
  best?: TrialRecord;
  /** Trials finished by this call (the rest came from the journal), repeats served from the cache included. */
  evaluatedNow: number;
  /** How many of this call's trials were repeats served from the cache (not evaluated). */
  repeatedNow: number;
  /** Whether the search stopped at `maxSeconds` before running all its trials. */
  timedOut: boolean;
  /** Journal lines that could not be read and were skipped. */
  skippedLines: { line: number; reason: string }[];
}

function fail(parameter: string, value: unknown, message: string): never {
  throw new InvalidArgumentError({ parameter, value, message });
}

/**
 * Validates a {@link RunSearchConfig} (through its schema: errors name `RunSearchConfig.<path>` and
 * the value, an unknown key the nearest known one) and turns it into the journal's {@link SearchSpec}.
 *
 * @category Runner
 */
export function resolveRunSearchConfig(input: RunSearchConfig) {
  const config = parseConfig(runSearchConfigSchema, input, 'RunSearchConfig');
  const space = config.space instanceof SearchSpace ? config.space : new SearchSpace(config.space);
  const strategy = typeof config.strategy === 'string' ? { name: config.strategy } : config.strategy;
  const isFunction = typeof config.evaluator === 'function';
  const evaluator = isFunction ? ({ kind: 'function' } as const) : resolveEvaluatorSpec(config.evaluator as EvaluatorSpec);
  const workers = config.workers ?? config.executor?.maxInFlight ?? (isFunction ? 1 : availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) fail('RunSearchConfig.executor.maxInFlight', workers, 'Must be an integer >= 1.');
  const { seed, budget } = config;
  if (config.fitToTime && config.maxSeconds === undefined)
    fail('RunSearchConfig.fitToTime', config.fitToTime, 'Fits trials into maxSeconds: give maxSeconds too.');
  const hyperbandInput = config.hyperband === true ? {} : config.hyperband || undefined;
  const hyperband = hyperbandInput && resolveHyperbandConfig(hyperbandInput, 'RunSearchConfig.hyperband');
  if (evaluator.kind === 'builtin' && evaluator.name === 'mnist') {
    checkMnistSpace(space); // network sizes the evaluator would build, before any trial
    // The MNIST evaluator trains whole epochs: a fractional budget would fail every trial.
    if (!hyperband && !Number.isInteger(budget))
      fail('RunSearchConfig.budget', budget, 'The mnist evaluator trains whole epochs: an integer.');
    if (hyperband && !hyperband.integerBudgets)
      fail(
        'RunSearchConfig.hyperband.integerBudgets',
        false,
        'The mnist evaluator trains whole epochs: give integer minBudget and maxBudget and leave integerBudgets on.',
      );
  }
  const spec: SearchSpec = {
    space: space.toJSON(),
    strategy,
    ...(hyperbandInput ? { hyperband: hyperbandInput } : {}),
    evaluator,
    trials: config.trials,
    seed,
    budget,
    ...(config.constraints ? { constraints: config.constraints } : {}),
  };
  // Build the strategy once here, so that bad strategy options fail before anything is written.
  createStrategy(strategy, space, { seed, budget, hyperband: hyperbandInput }).dispose();
  const deterministic = isFunction
    ? (config.evaluator as Evaluator).deterministic === true
    : isDeterministicSpec(evaluator as EvaluatorSpec);
  return { ...config, space, spec, workers, deterministic, evaluatorFunction: isFunction ? (config.evaluator as Evaluator) : undefined };
}

/** Whether two specs describe the same search (the trial count may differ). */
function sameSearch(a: SearchSpec, b: SearchSpec): boolean {
  const strip = (s: SearchSpec) => JSON.stringify({ ...s, trials: 0 });
  return strip(a) === strip(b);
}

/** The outcome a result record tells the strategy. */
function outcomeOf(record: ResultRecord): TrialOutcome {
  return { status: record.status, score: record.status === 'ok' && record.score !== null ? record.score : -Infinity };
}

/** Checks an evaluator's result and the constraints; returns the journal fields. */
function judge(result: unknown, constraints: Constraints | undefined): Pick<ResultRecord, 'status' | 'score' | 'metrics' | 'error'> {
  if (!result || typeof result !== 'object')
    return { status: 'failed', score: null, metrics: {}, error: `The evaluator returned ${String(result)}, not { score, ...metrics }.` };
  const { score, ...metrics } = result as EvaluationResult;
  if (typeof score !== 'number' || Number.isNaN(score))
    return { status: 'failed', score: null, metrics, error: `The evaluator returned score ${String(score)}, not a number.` };
  const params = metrics['params'];
  if (constraints?.maxParams !== undefined && typeof params === 'number' && params > constraints.maxParams) {
    return { status: 'infeasible', score: null, metrics, error: `params ${params} > maxParams ${constraints.maxParams}` };
  }
  const latency = metrics['latencyMs'];
  if (constraints?.maxLatencyMs !== undefined && typeof latency === 'number' && latency > constraints.maxLatencyMs) {
    return { status: 'infeasible', score: null, metrics, error: `latencyMs ${latency} > maxLatencyMs ${constraints.maxLatencyMs}` };
  }
  if (score === -Infinity)
    return { status: 'infeasible', score: null, metrics, error: 'The evaluator scored the configuration -Infinity (infeasible).' };
  return { status: 'ok', score: score === Infinity ? Number.MAX_VALUE : score, metrics };
}

/** Removes the saved models of the search in `dir` other than those in `keep` (paths relative to `dir`, never followed outside it). */
function removeModels(dir: string, paths: (string | undefined)[], keep: Set<string>): void {
  for (const path of paths) if (path !== undefined && !keep.has(path)) removeSearchModelDir(dir, path, journalPath(dir));
}

/**
 * The seconds a trial is predicted to take, from the finished ones: its own configuration's run at
 * the largest smaller-or-equal budget, scaled by the budget ratio (a promoted Hyperband trial);
 * otherwise the slowest seconds per unit of budget of any finished trial, times its budget; and
 * `undefined` before any trial has finished.
 * @example
 * ```ts
 * predictTrialSeconds({ ...trial, budget: 32 }, finished); // its 8-epoch run took 110 s: 440
 * ```
 * @category Runner
 */
export function predictTrialSeconds(trial: Trial, finished: readonly TrialRecord[]): number | undefined {
  let own: TrialRecord | undefined;
  let slowestRate: number | undefined;
  for (const t of finished) {
    if (!(t.trial.budget > 0) || t.repeatOf !== undefined) continue;
    if (t.trial.hash === trial.hash && t.trial.budget <= trial.budget && (!own || t.trial.budget > own.trial.budget)) own = t;
    const rate = t.seconds / t.trial.budget;
    if (slowestRate === undefined || rate > slowestRate) slowestRate = rate;
  }
  if (own) return (own.seconds * trial.budget) / own.trial.budget;
  return slowestRate === undefined ? undefined : slowestRate * trial.budget;
}

/** The saved models of the `count` best configurations' trials. */
function keptModels(trials: TrialRecord[], count: number): Set<string> {
  return new Set(topDistinct(trials, count).flatMap((t) => (t.model === undefined ? [] : [t.model])));
}

/**
 * Runs (or resumes) a search; see the file header.
 * @example
 * ```ts
 * const result = await runSearch({
 *   dir: 'runs/nas-cell', space: builtinSpace('cell'), strategy: 'evolution',
 *   evaluator: (config) => ({ score: table.score(config) }), trials: 200, seed: 0,
 * });
 * console.log(result.best?.score, result.best?.trial.config);
 * ```
 * @category Runner
 */
export async function runSearch(config: RunSearchConfig): Promise<SearchResult> {
  const resolved = resolveRunSearchConfig(config);
  const { dir, space, spec, workers } = resolved;
  const started = performance.now();

  // Where the trials run elsewhere, that must be reachable before anything is written.
  await config.executor?.connect?.();

  // ---- Journal: start it, or read it back.
  let recorded: ReturnType<typeof readJournal> | undefined;
  try {
    recorded = readJournal(dir, { strict: resolved.strictJournal });
  } catch (error) {
    if (!(FileFormatError.isInstance(error) && /does not exist/.test((error as Error).message))) throw error;
  }
  if (recorded && !sameSearch(recorded.search.spec, spec)) {
    fail(
      'dir',
      dir,
      'It holds the journal of a different search (space, strategy, evaluator, seed or budget differ); ' +
        'use another directory or resumeSearch(dir).',
    );
  }
  // Models to keep: as asked, else as the search was started with, else the best trial's.
  const journaledKeep = recorded?.search.keepModels;
  const keepModels = config.keepModels ?? (isKeep(journaledKeep) ? journaledKeep : true);
  const keepCount = keepModels === true ? 1 : keepModels === false ? 0 : keepModels;
  const cache = config.cache ?? recorded?.search.cache ?? resolved.deterministic;
  const journal = new JournalWriter(dir);
  const createdAt = recorded?.search.createdAt ?? new Date().toISOString();
  if (!recorded) journal.append({ type: 'search', version: 1, spec, createdAt, keepModels, cache });

  // ---- Strategy: build it and replay the journal through it.
  const strategy: Strategy = createStrategy(spec.strategy, space, { seed: spec.seed, budget: spec.budget, hyperband: spec.hyperband });
  const asked = new Map<number, Trial>();
  const told = new Set<number>();
  // The cache: each configuration and budget's first finished (ok or infeasible) result, or the
  // evaluation still running for it.
  type Finished = { trial: Trial; record: ResultRecord };
  const cached = new Map<string, { trialId: number; record: ResultRecord } | Promise<Finished>>();
  const cacheKey = (trial: Trial) => `${trial.hash}@${trial.budget}`;
  const remember = (trial: Trial, record: ResultRecord) => {
    const key = cacheKey(trial);
    const entry = cached.get(key);
    if (entry !== undefined && !(entry instanceof Promise)) return; // The first result stays.
    if (record.status === 'failed')
      cached.delete(key); // A failure may be transient: the next repeat is evaluated.
    else cached.set(key, { trialId: record.repeatOf ?? trial.id, record });
  };
  // A strategy that computes on the tensor backend reads asynchronously (a GPU cannot read synchronously).
  const ask = () => (strategy.askAsync ? strategy.askAsync() : Promise.resolve(strategy.ask()));
  const askThrough = async (id: number) => {
    while (!asked.has(id)) {
      const trial = await ask();
      if (!trial)
        throw new FileFormatError({
          path: dir,
          problem: `cannot be replayed: the strategy proposes nothing where the journal has trial ${id}`,
          hint: 'Was the journal edited?',
        });
      asked.set(trial.id, trial);
    }
  };
  for (const r of recorded?.records ?? []) {
    if (r.type === 'ask') {
      await askThrough(r.trial.id);
      if (asked.get(r.trial.id)!.hash !== r.trial.hash) {
        throw new FileFormatError({
          path: dir,
          problem:
            `cannot be replayed: trial ${r.trial.id} was ${JSON.stringify(r.trial.config)} ` +
            `but the strategy now proposes ${JSON.stringify(asked.get(r.trial.id)!.config)}`,
          hint: 'The strategy is not deterministic for this seed, or the journal was edited.',
        });
      }
    } else if (!told.has(r.trialId)) {
      await askThrough(r.trialId);
      strategy.tell(asked.get(r.trialId)!, outcomeOf(r));
      told.add(r.trialId);
      remember(asked.get(r.trialId)!, r);
    }
  }
  const pending = [...asked.values()].filter((t) => !told.has(t.id)).sort((a, b) => a.id - b.id);
  const trials = finishedTrials(recorded?.records ?? []);
  let kept = keptModels(trials, keepCount);
  // Nothing runs yet: every saved model outside the kept set is a leftover (of a trial killed mid-run, or of a smaller set).
  if (existsSync(join(dir, 'models'))) {
    const leftovers = readdirSync(resolveContainedPath(dir, 'models', { source: journalPath(dir) })).map((name) => `models/${name}`);
    removeModels(dir, leftovers.filter(isSearchModelPath), kept);
  }

  // ---- Evaluation: in this thread or in worker threads.
  const { executor } = config;
  const pool =
    resolved.evaluatorFunction || executor ? undefined : new WorkerPool(workers, spec.evaluator as EvaluatorSpec, resolved.backend);
  await executor?.start({ searchId: searchIdOf(spec, createdAt), evaluator: spec.evaluator, finished: told });
  const evaluate = async (trial: Trial): Promise<{ trial: Trial; record: ResultRecord }> => {
    // Workers on other machines cannot write to this directory unless it is shared.
    const modelPath = keepCount > 0 && (!executor || executor.sharedDirectory) ? trialModelPath(trial.id) : undefined;
    const context = {
      trialId: trial.id,
      seed: (spec.seed * 100_003 + trial.id) >>> 0,
      ...(modelPath ? { modelDir: join(dir, modelPath) } : {}),
    };
    const start = performance.now();
    let judged: ReturnType<typeof judge>;
    try {
      const result = executor
        ? await executor.evaluate(trial, context)
        : pool
          ? await pool.evaluate(trial.config, trial.budget, context)
          : await resolved.evaluatorFunction!(trial.config, trial.budget, context);
      judged = judge(result, spec.constraints);
    } catch (error) {
      judged = {
        status: 'failed',
        score: null,
        metrics: {},
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
    const seconds = (performance.now() - start) / 1000;
    const saved = modelPath !== undefined && judged.status === 'ok' && existsSync(join(dir, modelPath, 'model.json'));
    if (modelPath !== undefined && !saved) removeSearchModelDir(dir, modelPath, journalPath(dir));
    return {
      trial,
      record: {
        type: 'result',
        trialId: trial.id,
        ...judged,
        seconds,
        finishedAt: new Date().toISOString(),
        ...(saved ? { model: modelPath } : {}),
      },
    };
  };

  /** A repeat's record: the evaluated trial's result, at no cost. */
  const repeat = async (trial: Trial, original: { trialId: number; record: ResultRecord } | Promise<Finished>): Promise<Finished> => {
    const { trialId, record } = original instanceof Promise ? await original.then((o) => ({ trialId: o.trial.id, ...o })) : original;
    const { status, score, metrics, error } = record;
    const finishedAt = new Date().toISOString();
    const copy: ResultRecord = { type: 'result', trialId: trial.id, status, score, metrics, seconds: 0, finishedAt, repeatOf: trialId };
    return { trial, record: error === undefined ? copy : { ...copy, error } };
  };

  // ---- The loop: keep `workers` trials in flight until `trials` have finished.
  const inFlight = new Map<number, Promise<{ trial: Trial; record: ResultRecord }>>();
  let evaluatedNow = 0;
  let repeatedNow = 0;
  const fits = (trial: Trial) => {
    if (!config.fitToTime || config.maxSeconds === undefined) return true;
    const predicted = predictTrialSeconds(trial, trials);
    return predicted === undefined || (performance.now() - started) / 1000 + predicted <= config.maxSeconds;
  };
  try {
    for (;;) {
      const timeLeft =
        !config.signal?.aborted && (config.maxSeconds === undefined || (performance.now() - started) / 1000 < config.maxSeconds);
      while (timeLeft && inFlight.size < workers && told.size + inFlight.size < spec.trials) {
        let trial = pending.shift();
        if (!trial) {
          trial = await ask();
          if (!trial) break;
          asked.set(trial.id, trial);
          journal.append({ type: 'ask', trial });
        }
        const hit = cache ? cached.get(cacheKey(trial)) : undefined;
        if (hit) {
          // A repeat takes its slot only until its result is known (at once, or when the original ends).
          inFlight.set(trial.id, repeat(trial, hit));
          continue;
        }
        if (!fits(trial)) {
          // It stays first in line (a resume runs it first); nothing after it starts.
          pending.unshift(trial);
          break;
        }
        const evaluation = evaluate(trial);
        if (cache) cached.set(cacheKey(trial), evaluation);
        inFlight.set(trial.id, evaluation);
        config.onTrialStart?.({
          trial,
          running: inFlight.size,
          done: told.size,
          total: spec.trials,
          elapsedSeconds: (performance.now() - started) / 1000,
        });
      }
      if (inFlight.size === 0) break;
      const { trial, record } = await Promise.race(inFlight.values());
      inFlight.delete(trial.id);
      journal.append(record);
      await executor?.settle(trial.id);
      strategy.tell(trial, outcomeOf(record));
      told.add(trial.id);
      evaluatedNow++;
      if (record.repeatOf !== undefined) repeatedNow++;
      if (cache) remember(trial, record);
      const last: TrialRecord = {
        trial,
        status: record.status,
        score: outcomeOf(record).score,
        metrics: record.metrics,
        error: record.error,
        seconds: record.seconds,
        ...(record.model ? { model: record.model } : {}),
        ...(record.repeatOf !== undefined ? { repeatOf: record.repeatOf } : {}),
      };
      trials.push(last);
      // Keep the kept set's models only (the journal line above already names the new one's).
      const nowKept = keptModels(trials, keepCount);
      removeModels(dir, [record.model, ...kept], nowKept);
      kept = nowKept;
      const elapsedSeconds = (performance.now() - started) / 1000;
      const total = spec.trials;
      let etaSeconds = (elapsedSeconds / evaluatedNow) * Math.max(0, total - told.size);
      if (config.maxSeconds !== undefined) etaSeconds = Math.min(etaSeconds, Math.max(0, config.maxSeconds - elapsedSeconds));
      config.onProgress?.({ done: told.size, total, last, best: bestTrial(trials), elapsedSeconds, etaSeconds });
    }
  } finally {
    journal.close();
    strategy.dispose();
    await pool?.close();
    await executor?.close();
  }
  const timedOut = told.size < spec.trials;
  return { dir, trials, best: bestTrial(trials), evaluatedNow, repeatedNow, timedOut, skippedLines: recorded?.skipped ?? [] };
}

/**
 * Resumes the search in `dir` from its journal. An in-process evaluator function is not in the
 * journal: pass it again as `evaluator`. `trials` may raise the number of trials.
 * @example
 * ```ts
 * const result = await resumeSearch('runs/nas-mnist', { onProgress: (p) => console.log(p.done, p.best?.score) });
 * ```
 * @category Runner
 */
export async function resumeSearch(
  dir: string,
  options: Pick<
    RunSearchConfig,
    | 'workers'
    | 'backend'
    | 'strictJournal'
    | 'maxSeconds'
    | 'fitToTime'
    | 'onProgress'
    | 'onTrialStart'
    | 'keepModels'
    | 'executor'
    | 'signal'
    | 'cache'
  > & {
    evaluator?: Evaluator;
    trials?: number;
    /** The module evaluator the journal names, named again by the caller: a journal alone never chooses code to run. */
    evaluatorModule?: string;
  } = {},
): Promise<SearchResult> {
  const { search } = readJournal(dir, { strict: options.strictJournal });
  const spec = search.spec;
  checkJournalEvaluator(spec.evaluator, options.evaluatorModule, journalPath(dir));
  if (spec.evaluator.kind === 'function' && !options.evaluator) {
    fail('options.evaluator', undefined, 'This search ran an in-process evaluator function; pass the same function to resume it.');
  }
  const trials = options.trials ?? spec.trials;
  return runSearch({
    dir,
    space: spec.space,
    strategy: spec.strategy,
    hyperband: spec.hyperband,
    evaluator: spec.evaluator.kind === 'function' ? options.evaluator! : (spec.evaluator as EvaluatorSpec),
    trials,
    workers: options.workers,
    seed: spec.seed,
    budget: spec.budget,
    constraints: spec.constraints,
    backend: options.backend,
    strictJournal: options.strictJournal,
    maxSeconds: options.maxSeconds,
    fitToTime: options.fitToTime,
    keepModels: options.keepModels,
    cache: options.cache,
    onProgress: options.onProgress,
    onTrialStart: options.onTrialStart,
    executor: options.executor,
    signal: options.signal,
  });
}
