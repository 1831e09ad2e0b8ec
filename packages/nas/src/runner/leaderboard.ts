/**
 * Reading a search's results: trials joined with their outcomes, the leaderboard, the best trial
 * and the Pareto front over the score and cost metrics.
 */
import type { Trial } from '../strategies/strategy';
import type { AskRecord, ResultRecord } from './journal';

/**
 * A finished trial: what was asked and how it went.
 *
 * @category Runner
 */
export interface TrialRecord {
  trial: Trial;
  status: ResultRecord['status'];
  /** The score; -Infinity for failed and infeasible trials. */
  score: number;
  metrics: ResultRecord['metrics'];
  error?: string;
  seconds: number;
  /** The trial's saved model, relative to the search directory (see the journal's result record). */
  model?: string;
  /** For a repeat served from the cache: the trial that was evaluated (see the journal's result record). */
  repeatOf?: number;
}

/**
 * Joins the journal's `ask` and `result` records into finished trials (in the order they finished).
 *
 * @category Runner
 */
export function finishedTrials(records: (AskRecord | ResultRecord)[]): TrialRecord[] {
  const asked = new Map<number, Trial>();
  const out: TrialRecord[] = [];
  const seen = new Set<number>();
  for (const r of records) {
    if (r.type === 'ask') asked.set(r.trial.id, r.trial);
    else if (asked.has(r.trialId) && !seen.has(r.trialId)) {
      seen.add(r.trialId);
      out.push({
        trial: asked.get(r.trialId)!,
        status: r.status,
        score: r.status === 'ok' && r.score !== null ? r.score : -Infinity,
        metrics: r.metrics,
        error: r.error,
        seconds: r.seconds,
        ...(r.model ? { model: r.model } : {}),
        ...(r.repeatOf !== undefined ? { repeatOf: r.repeatOf } : {}),
      });
    }
  }
  return out;
}

/**
 * The finished trials best first: by score, ties broken by the larger budget, then the earlier
 * trial. Failed and infeasible trials come last.
 * @example
 * ```ts
 * const top = leaderboard(finishedTrials(readJournal('runs/nas').records)).slice(0, 10);
 * ```
 * @category Runner
 */
export function leaderboard(trials: TrialRecord[]): TrialRecord[] {
  return [...trials].sort((a, b) => b.score - a.score || b.trial.budget - a.trial.budget || a.trial.id - b.trial.id);
}

/**
 * The best trial: the best score among the trials at the largest budget any trial reached (so a
 * Hyperband search's winner is a fully trained configuration), or undefined when none succeeded.
 * @category Runner
 */
export function bestTrial(trials: TrialRecord[]): TrialRecord | undefined {
  const ok = trials.filter((t) => t.status === 'ok' && Number.isFinite(t.score));
  if (ok.length === 0) return undefined;
  const top = Math.max(...ok.map((t) => t.trial.budget));
  return leaderboard(ok.filter((t) => t.trial.budget === top))[0];
}

/**
 * The `top` best successful trials at the largest budget any trial reached, one per configuration
 * (the first, in {@link leaderboard} order, of each configuration hash): what a re-scoring of the
 * top re-scores, and whose models a search keeps with `keepModels: top`.
 * @example
 * ```ts
 * const candidates = topDistinct(finishedTrials(readJournal(dir).records), 3);
 * ```
 * @category Runner
 */
export function topDistinct(trials: TrialRecord[], top: number): TrialRecord[] {
  const best = bestTrial(trials);
  if (!best) return [];
  const seen = new Set<string>();
  const out: TrialRecord[] = [];
  for (const t of leaderboard(trials.filter((t) => t.status === 'ok' && t.trial.budget === best.trial.budget))) {
    if (seen.has(t.trial.hash)) continue;
    seen.add(t.trial.hash);
    out.push(t);
    if (out.length === top) break;
  }
  return out;
}

/**
 * The Pareto front of successful trials: those no other trial beats on every objective, with the
 * score maximized and each named metric (e.g. `params`, `latencyMs`) minimized. Sorted by score.
 * @example
 * ```ts
 * const front = paretoFront(trials, ['params']);
 * ```
 * @category Runner
 */
export function paretoFront(trials: TrialRecord[], minimize: string[]): TrialRecord[] {
  const ok = trials.filter((t) => t.status === 'ok' && Number.isFinite(t.score) && minimize.every((m) => typeof t.metrics[m] === 'number'));
  const costs = (t: TrialRecord) => minimize.map((m) => t.metrics[m] as number);
  const dominates = (a: TrialRecord, b: TrialRecord) => {
    const ca = costs(a);
    const cb = costs(b);
    const noWorse = a.score >= b.score && ca.every((c, i) => c <= cb[i]);
    const better = a.score > b.score || ca.some((c, i) => c < cb[i]);
    return noWorse && better;
  };
  return leaderboard(ok.filter((t) => !ok.some((o) => o !== t && dominates(o, t))));
}
