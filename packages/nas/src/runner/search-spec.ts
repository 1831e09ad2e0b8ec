/**
 * What a search is, as data: the first record of its journal, from which `resume` rebuilds the
 * space, the strategy and the evaluator.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { EvaluatorSpec } from '../evaluators/evaluator-spec';
import type { SearchSpaceDefinition, SearchSpace } from '../space/search-space';
import { Hyperband, type HyperbandConfig } from '../strategies/hyperband';
import { RandomSearch } from '../strategies/random-search';
import { RegularizedEvolution } from '../strategies/regularized-evolution';
import { ReinforceController } from '../strategies/reinforce-controller';
import type { Strategy } from '../strategies/strategy';
import { Tpe } from '../strategies/tpe';

/**
 * The strategies a search can name.
 *
 * @category Runner
 */
export const STRATEGY_NAMES = ['random', 'evolution', 'reinforce', 'tpe'] as const;

/**
 * A strategy by name.
 *
 * @category Runner
 */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * Limits a model must respect; a trial whose metrics break one is recorded as `infeasible`.
 *
 * @category Runner
 */
export interface Constraints {
  /** Largest parameter count (metric `params`). */
  maxParams?: number;
  /** Largest latency in milliseconds (metric `latencyMs`). */
  maxLatencyMs?: number;
}

/**
 * A search's specification (see the file header).
 *
 * @category Runner
 */
export interface SearchSpec {
  space: SearchSpaceDefinition;
  strategy: { name: StrategyName; options?: Record<string, unknown> };
  /** Hyperband / successive halving over the strategy (absent: every trial at `budget`). */
  hyperband?: HyperbandConfig;
  /** The evaluator, or `{ kind: 'function' }` for an in-process function that resume must be given again. */
  evaluator: EvaluatorSpec | { kind: 'function' };
  /** Evaluations to run in all. */
  trials: number;
  /** The strategy's seed; trial i's evaluator seed is derived from it. */
  seed: number;
  /** Budget of every trial without Hyperband. */
  budget: number;
  constraints?: Constraints;
}

/**
 * The strategy a spec names, seeded with the spec's seed.
 * @example
 * ```ts
 * const strategy = createStrategy({ name: 'evolution', options: { populationSize: 10 } }, space, { seed: 0, budget: 1 });
 * ```
 * @category Runner
 */
export function createStrategy(
  spec: SearchSpec['strategy'],
  space: SearchSpace,
  common: { seed: number; budget: number; hyperband?: HyperbandConfig },
): Strategy {
  const options = { ...(spec.options ?? {}), seed: common.seed, budget: common.budget };
  let strategy: Strategy;
  switch (spec.name) {
    case 'random':
      strategy = new RandomSearch(space, options);
      break;
    case 'evolution':
      strategy = new RegularizedEvolution(space, options);
      break;
    case 'reinforce':
      strategy = new ReinforceController(space, options);
      break;
    case 'tpe':
      strategy = new Tpe(space, options);
      break;
    default:
      throw new InvalidArgumentError({
        parameter: 'strategy',
        value: (spec as { name: unknown }).name,
        message: `Strategies: ${STRATEGY_NAMES.join(', ')}.`,
      });
  }
  return common.hyperband ? new Hyperband(strategy, common.hyperband) : strategy;
}
