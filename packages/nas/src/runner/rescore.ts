/**
 * Re-scoring the top of a search. A search's best score is the largest of many noisy estimates
 * (each trial trains once, from one seed, and is scored on one validation split), so the
 * configuration on top is often one that was lucky, and its model does worse on fresh data than its
 * score says (the winner's curse). {@link rescoreTop} evaluates the `top` best distinct
 * configurations at the search's largest budget `repeats` more times each, every time with a fresh
 * training seed and another validation split (`TrialContext.fold` 1, 2, ...; the built-in MNIST
 * evaluator then holds out a different stratified split), and ranks them by the mean of all their
 * scores at that budget, the search's own included. {@link rescoredBest} reads that ranking, and
 * {@link exportBest} exports its winner when the search directory holds a re-scoring.
 *
 * Evaluations are recorded in `DIR/rescore/journal.jsonl` with the search journal's durable
 * appends, and the models they train are kept in `DIR/rescore/models/trial-ID-fold-F`. Run again
 * on the same directory (after a kill, or with a new time limit), it evaluates only what is
 * missing. The candidates are fixed by the first run (its `candidates` record), so a search resumed
 * in between does not change them.
 *
 * Time: evaluations run round by round (every candidate's fold 1 in the search's order, then every
 * candidate's fold 2, ...). With `maxSeconds`, the next evaluation starts only if it is predicted to
 * end within the limit, the prediction being what its configuration took in the search; once one
 * does not fit, none after it starts. Only candidates with all their repeats finished are ranked,
 * and only when the search's best is among them; otherwise the search's own best stands. A
 * recorded evaluation is final: one that failed is not run again, and leaves its candidate
 * unranked.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError, readRegularFile, type InitBackendOptions } from '@bigmodel/core';

import type { EvaluationResult, Evaluator } from '../evaluators/evaluator';
import { checkJournalEvaluator, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { JournalWriter, MAX_JOURNAL_BYTES, journalPath, readJournal, type ResultRecord } from './journal';
import { finishedTrials, topDistinct, type TrialRecord } from './leaderboard';
import { removeSearchModelDir, searchModelDir } from './search-model-dir';
import { WorkerPool } from './worker-pool';

/**
 * The first record of a re-scoring journal: what is re-scored.
 *
 * @category Runner
 */
export interface RescoreCandidatesRecord {
  type: 'candidates';
  /** The `top` asked for. */
  top: number;
  /** Trial ids of the candidate configurations, best first (one trial per configuration; fewer than `top` when the search has fewer). */
  trialIds: number[];
  /** Evaluations per candidate on top of its search trial. */
  repeats: number;
  /** The budget every evaluation runs at (the search's largest). */
  budget: number;
}

/**
 * One re-scoring evaluation.
 *
 * @category Runner
 */
export interface RescoreResultRecord extends Pick<ResultRecord, 'score' | 'metrics' | 'error' | 'seconds' | 'finishedAt'> {
  type: 'rescore';
  /** The candidate's search trial. */
  trialId: number;
  /** The validation resampling (1, 2, ...). */
  fold: number;
  /** The training seed it ran with. */
  seed: number;
  status: 'ok' | 'failed';
  /** Its saved model, relative to the search directory (`rescore/models/trial-ID-fold-F`). */
  model?: string;
}

/**
 * A record of the re-scoring journal.
 *
 * @category Runner
 */
export type RescoreRecord = RescoreCandidatesRecord | RescoreResultRecord;

/**
 * One of a candidate's scores at the largest budget.
 *
 * @category Runner
 */
export interface CandidateEvaluation {
  /** 0 for the search's own trial, 1, 2, ... for the re-scoring's folds. */
  fold: number;
  score: number;
  /** The model that scored it, relative to the search directory, when it is still on disk. */
  model?: string;
}

/**
 * A candidate configuration and its scores.
 *
 * @category Runner
 */
export interface RescoredCandidate {
  /** Its search trial (configuration, budget, first score). */
  trial: TrialRecord;
  /** Its successful evaluations, the search's first. */
  evaluations: CandidateEvaluation[];
  /** The mean score of those. */
  meanScore: number;
  /** Whether all its repeats finished (only complete candidates are ranked). */
  complete: boolean;
}

/**
 * What {@link rescoreTop} and {@link rescoredBest} return.
 *
 * @category Runner
 */
export interface RescoreResult {
  /**
   * Every candidate, ranked: complete ones by mean score (ties: the better search rank), then the
   * rest in search order; all in search order when the search's best is not complete.
   */
  candidates: RescoredCandidate[];
  /** The winner: the first of the ranking (the search's best, unless it is complete and another complete candidate has a higher mean). */
  best: RescoredCandidate;
  /** Evaluations run by this call. */
  evaluatedNow: number;
}

/**
 * Options of {@link rescoreTop}.
 *
 * @category Runner
 */
export interface RescoreOptions {
  /** The module evaluator the journal names, named again by the caller: a journal alone never chooses code to run. */
  evaluatorModule?: string;
  /** How many of the best distinct configurations at the largest budget to re-score (an integer >= 1; default 3). */
  top?: number;
  /** Extra evaluations of each (an integer >= 1; default 1). */
  repeats?: number;
  /** Evaluations at once (default: the number of cores for worker evaluators, 1 for a function, as in runSearch). */
  workers?: number;
  /** Start no evaluation that is predicted to end after this many seconds of this call (see the file header). */
  maxSeconds?: number;
  /** The evaluator, for a search that ran an in-process evaluator function. */
  evaluator?: Evaluator;
  /** Backend options of each worker thread. */
  backend?: InitBackendOptions;
  /** Called after every finished evaluation. */
  onProgress?: (record: RescoreResultRecord, done: number, total: number) => void;
}

/**
 * The re-scoring journal of a search directory.
 *
 * @category Runner
 */
export const rescoreJournalPath = (dir: string) => join(dir, 'rescore', 'journal.jsonl');

/**
 * The training seed of a re-scoring evaluation: apart from every search trial's seed (search seed * 100,003 + trial id).
 *
 * @category Runner
 */
export const rescoreSeed = (searchSeed: number, trialId: number, fold: number) =>
  (searchSeed * 100_003 + fold * 1_000_003 + trialId + 500_000) >>> 0;

function fail(parameter: string, value: unknown, message: string): never {
  throw new InvalidArgumentError({ parameter, value, message });
}

/**
 * Reads a re-scoring journal; unreadable lines (a torn last line) are left out, as in the search journal.
 *
 * @category Runner
 */
export function readRescoreJournal(dir: string): { candidates?: RescoreCandidatesRecord; results: RescoreResultRecord[] } {
  const path = rescoreJournalPath(dir);
  if (!existsSync(path)) return { results: [] };
  let candidates: RescoreCandidatesRecord | undefined;
  const results: RescoreResultRecord[] = [];
  for (const line of readRegularFile(path, { maxBytes: MAX_JOURNAL_BYTES }).toString('utf8').split('\n')) {
    let record: RescoreRecord;
    try {
      record = JSON.parse(line) as RescoreRecord;
    } catch {
      continue;
    }
    if (record?.type === 'candidates' && !candidates && Array.isArray(record.trialIds)) candidates = record;
    else if (record?.type === 'rescore' && Number.isInteger(record.trialId) && Number.isInteger(record.fold)) results.push(record);
  }
  return { candidates, results };
}

/** True when the model directory `name` (from the journal `source`; may be absent) holds a saved model, inside `dir`. */
function savedModel(dir: string, name: string | undefined, source: string): boolean {
  if (name === undefined) return false;
  const real = searchModelDir(dir, name, source);
  return real !== undefined && existsSync(join(real, 'model.json'));
}

/** Ranks the candidates from the search's trials and the re-scoring's results (see the file header). */
function rank(
  dir: string,
  trials: TrialRecord[],
  candidates: RescoreCandidatesRecord,
  results: RescoreResultRecord[],
  evaluatedNow: number,
): RescoreResult {
  const byId = new Map(trials.map((t) => [t.trial.id, t]));
  const ranked = candidates.trialIds.map((id, order): RescoredCandidate & { order: number } => {
    const trial = byId.get(id);
    if (!trial) fail('dir', dir, `The re-scoring names trial ${id}, which the search journal does not hold.`);
    const own: CandidateEvaluation = {
      fold: 0,
      score: trial.score,
      ...(savedModel(dir, trial.model, journalPath(dir)) ? { model: trial.model } : {}),
    };
    const folds = new Map<number, CandidateEvaluation>();
    for (const r of results) {
      if (r.trialId !== id || r.status !== 'ok' || r.score === null || folds.has(r.fold)) continue;
      folds.set(r.fold, { fold: r.fold, score: r.score, ...(savedModel(dir, r.model, rescoreJournalPath(dir)) ? { model: r.model } : {}) });
    }
    const evaluations = [own, ...[...folds.values()].sort((a, b) => a.fold - b.fold)];
    const meanScore = evaluations.reduce((s, e) => s + e.score, 0) / evaluations.length;
    return { trial, evaluations, meanScore, complete: folds.size >= candidates.repeats, order };
  });
  // Without the search's own best among the complete candidates there is nothing fair to compare it with: it stands.
  if (ranked[0].complete)
    ranked.sort((a, b) => Number(b.complete) - Number(a.complete) || (a.complete ? b.meanScore - a.meanScore : 0) || a.order - b.order);
  const list = ranked.map(({ order: _order, ...c }) => c);
  return { candidates: list, best: list[0], evaluatedNow };
}

/**
 * The ranking of a finished (or partly finished) re-scoring of the search in `dir`, or undefined
 * when there is none.
 * @example
 * ```ts
 * const rescored = rescoredBest('runs/nas-mnist/search');
 * console.log(rescored?.best.trial.trial.config, rescored?.best.meanScore);
 * ```
 * @category Runner
 */
export function rescoredBest(dir: string): RescoreResult | undefined {
  const { candidates, results } = readRescoreJournal(dir);
  if (!candidates) return undefined;
  return rank(dir, finishedTrials(readJournal(dir).records), candidates, results, 0);
}

/**
 * Re-scores the best configurations of the search in `dir`; see the file header.
 * @example
 * ```ts
 * const { best } = await rescoreTop('runs/nas-mnist/search', { top: 3, repeats: 1, workers: 2 });
 * console.log(best.trial.trial.id, best.meanScore, best.evaluations);
 * ```
 * @category Runner
 */
export async function rescoreTop(dir: string, options: RescoreOptions = {}): Promise<RescoreResult> {
  const started = performance.now();
  const { top = 3, repeats = 1 } = options;
  if (!Number.isInteger(top) || top < 1) fail('top', top, 'Must be an integer >= 1.');
  if (!Number.isInteger(repeats) || repeats < 1) fail('repeats', repeats, 'Must be an integer >= 1.');
  if (options.maxSeconds !== undefined && !(options.maxSeconds > 0)) fail('maxSeconds', options.maxSeconds, 'Must be a number > 0.');
  const { search, records } = readJournal(dir);
  const spec = search.spec;
  checkJournalEvaluator(spec.evaluator, options.evaluatorModule, journalPath(dir));
  const isFunction = spec.evaluator.kind === 'function';
  if (isFunction && typeof options.evaluator !== 'function')
    fail(
      'options.evaluator',
      options.evaluator,
      'This search ran an in-process evaluator function; pass the same function to re-score it.',
    );
  const workers = options.workers ?? (isFunction ? 1 : availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) fail('workers', workers, 'Must be an integer >= 1.');
  const trials = finishedTrials(records);

  const recorded = readRescoreJournal(dir);
  let candidates = recorded.candidates;
  if (candidates && (candidates.top !== top || candidates.repeats !== repeats)) {
    const [parameter, value] = candidates.top !== top ? ['top', top] : ['repeats', repeats];
    fail(
      parameter,
      value,
      `This search's re-scoring was started with top ${candidates.top} and repeats ${candidates.repeats}; continue it with those.`,
    );
  }
  const journal = new JournalWriter<RescoreRecord>(dir, rescoreJournalPath(dir));
  const pool = !isFunction ? new WorkerPool(workers, spec.evaluator as EvaluatorSpec, options.backend) : undefined;
  let evaluatedNow = 0;
  const results = [...recorded.results];
  try {
    if (!candidates) {
      const chosen = topDistinct(trials, top);
      if (chosen.length === 0) fail('dir', dir, 'The search has no successful trial to re-score.');
      candidates = { type: 'candidates', top, trialIds: chosen.map((t) => t.trial.id), repeats, budget: chosen[0].trial.budget };
      journal.append(candidates);
    }
    const byId = new Map(trials.map((t) => [t.trial.id, t]));
    // A recorded evaluation is final, failed or not (a failed one leaves its candidate unranked).
    const done = new Set(results.map((r) => `${r.trialId}/${r.fold}`));
    // Round by round: every candidate's fold 1, then every candidate's fold 2, ...
    const queue: { trial: TrialRecord; fold: number }[] = [];
    for (let fold = 1; fold <= repeats; fold++)
      for (const id of candidates.trialIds) if (!done.has(`${id}/${fold}`)) queue.push({ trial: byId.get(id)!, fold });
    const total = candidates.trialIds.length * repeats;
    const budget = candidates.budget;

    const evaluate = async ({ trial, fold }: { trial: TrialRecord; fold: number }): Promise<RescoreResultRecord> => {
      const model = `rescore/models/trial-${trial.trial.id}-fold-${fold}`;
      const context = { trialId: trial.trial.id, seed: rescoreSeed(spec.seed, trial.trial.id, fold), fold, modelDir: join(dir, model) };
      const start = performance.now();
      let result: EvaluationResult | undefined;
      let error: string | undefined;
      try {
        result = pool
          ? await pool.evaluate(trial.trial.config, budget, context)
          : await options.evaluator!(trial.trial.config, budget, context);
        if (!result || typeof result.score !== 'number' || !Number.isFinite(result.score))
          error = `The evaluator returned score ${String(result?.score)}, not a finite number.`;
      } catch (e) {
        error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      const { score, ...metrics } = result ?? { score: null };
      const saved = error === undefined && existsSync(join(dir, model, 'model.json'));
      if (!saved) removeSearchModelDir(dir, model, rescoreJournalPath(dir));
      return {
        type: 'rescore',
        trialId: trial.trial.id,
        fold,
        seed: context.seed,
        status: error === undefined ? 'ok' : 'failed',
        score: error === undefined ? (score as number) : null,
        metrics: metrics as RescoreResultRecord['metrics'],
        ...(error !== undefined ? { error } : {}),
        seconds: (performance.now() - start) / 1000,
        finishedAt: new Date().toISOString(),
        ...(saved ? { model } : {}),
      };
    };

    const inFlight = new Map<string, Promise<RescoreResultRecord>>();
    for (;;) {
      while (inFlight.size < workers) {
        // Strictly in order: when the next evaluation would not end in time, none after it starts
        // either, so the complete candidates are always the best of the search's ranking.
        const elapsed = (performance.now() - started) / 1000;
        if (queue.length === 0 || (options.maxSeconds !== undefined && elapsed + queue[0].trial.seconds > options.maxSeconds)) {
          queue.length = 0;
          break;
        }
        const next = queue.shift()!;
        inFlight.set(`${next.trial.trial.id}/${next.fold}`, evaluate(next));
      }
      if (inFlight.size === 0) break;
      const record = await Promise.race(inFlight.values());
      inFlight.delete(`${record.trialId}/${record.fold}`);
      journal.append(record);
      results.push(record);
      evaluatedNow++;
      options.onProgress?.(record, results.length, total);
    }
  } finally {
    journal.close();
    await pool?.close();
  }
  return rank(dir, trials, candidates, results, evaluatedNow);
}
