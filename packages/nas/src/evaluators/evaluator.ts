/**
 * The evaluator contract: any function `(config, budget, context) -> { score, ...metrics }`.
 * Higher scores are better. It may train a network, look up a table or compute a formula. A
 * throw, or a score that is not a number (NaN), makes the trial a recorded failure; the search
 * goes on.
 */
import type { Config } from '../space/search-space';

/**
 * What the runner tells an evaluator about the trial it evaluates.
 *
 * @category Evaluators
 */
export interface TrialContext {
  /** The trial's id in the search (0, 1, ...). */
  trialId: number;
  /** A seed for the trial's own randomness (weights, batch order), derived from the search seed and the trial id. */
  seed: number;
  /**
   * A directory where the evaluator may save the model it trained (with core's `saveModel`), so
   * that the search's export is the model that earned the score. The runner keeps the best
   * trial's directory and removes the others'. Absent when the runner keeps no models.
   */
  modelDir?: string;
  /**
   * Which resampling of the data to validate on: absent (or 0) in the search; 1, 2, ... when
   * {@link rescoreTop} evaluates a top configuration again. An evaluator that holds out a
   * validation split should hold out a different one per fold (the built-in MNIST evaluator uses
   * the split seed `splitSeed + fold`), so that repeated scores are independent estimates; one
   * without such a split may ignore it.
   */
  fold?: number;
}

/**
 * An evaluation: `score` (higher is better; -Infinity for an infeasible model) and any metrics.
 *
 * @category Evaluators
 */
export interface EvaluationResult {
  /** The objective, higher is better. */
  score: number;
  /** Further metrics (parameter count, latency, ...), recorded in the journal. */
  [metric: string]: number | string | boolean;
}

/**
 * A user evaluator: scores `config` trained (or looked up) at fidelity `budget` (epochs, or any
 * resource). An evaluator that gives the same result for the same configuration and budget
 * whatever the trial (a lookup table, a formula) may say so with `deterministic: true`
 * (`Object.assign(fn, { deterministic: true })`): the runner then caches its results by default.
 * @category Evaluators
 */
export type Evaluator = ((config: Config, budget: number, context: TrialContext) => EvaluationResult | Promise<EvaluationResult>) & {
  /** Same configuration and budget, same result (whatever the trial's seed): runSearch caches it by default. */
  readonly deterministic?: boolean;
};
