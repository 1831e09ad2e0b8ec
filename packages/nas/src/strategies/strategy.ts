/**
 * The strategy contract (Keras Tuner's Oracle, NNI's Tuner): `ask()` proposes the next trial,
 * `tell(trial, outcome)` reports how it went. Strategies never evaluate anything themselves, so
 * any evaluator works with any strategy, and a seeded strategy told the same outcomes proposes the
 * same trials.
 */
import type { Config, SearchSpace } from '../space/search-space';

/**
 * A proposed evaluation: a configuration at a budget (epochs, or any resource).
 *
 * @category Strategies
 */
export interface Trial {
  /** The strategy's running number of the trial (0, 1, ...). */
  id: number;
  /** The configuration to evaluate (holds exactly the space's active parameters). */
  config: Config;
  /** The fidelity to evaluate at. */
  budget: number;
  /** The configuration's {@link SearchSpace.hash}. */
  hash: string;
  /** Strategy bookkeeping that the journal keeps (e.g. Hyperband's bracket and rung). */
  info?: Record<string, number | string>;
}

/**
 * How a trial went: `ok` with its score, or `failed` (threw, NaN score) / `infeasible` (broke a constraint).
 *
 * @category Strategies
 */
export interface TrialOutcome {
  /** `ok`, `failed` or `infeasible`. */
  status: 'ok' | 'failed' | 'infeasible';
  /** The score (higher is better); strategies read failed and infeasible trials as -Infinity. */
  score: number;
}

/**
 * A search strategy; see the file header.
 *
 * @category Strategies
 */
export interface Strategy {
  /** The strategy's name (`random`, `evolution`, `reinforce`, `tpe`, `hyperband(...)`). */
  readonly name: string;
  /** The space it searches. */
  readonly space: SearchSpace;
  /** The next trial to evaluate, or undefined when it must hear about pending trials first. */
  ask(): Trial | undefined;
  /**
   * {@link Strategy.ask} with its tensor reads asynchronous, for a strategy that computes on the
   * tensor backend (the REINFORCE controller): a GPU backend cannot read synchronously. Proposes
   * exactly what `ask()` would; the runner uses it when present.
   */
  askAsync?(): Promise<Trial | undefined>;
  /**
   * Reports a trial's outcome. The trial's configuration is validated against the space
   * (`InvalidArgumentError` when it lies outside it).
   */
  tell(trial: Trial, outcome: TrialOutcome): void;
  /** Frees what the strategy holds (tensors of a controller); a no-op for most. */
  dispose(): void;
}

/**
 * The score a strategy learns from: the outcome's score when ok and a number, else -Infinity.
 *
 * @category Strategies
 */
export function effectiveScore(outcome: TrialOutcome): number {
  return outcome.status === 'ok' && !Number.isNaN(outcome.score) ? outcome.score : -Infinity;
}
