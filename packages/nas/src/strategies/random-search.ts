/**
 * Random search (Bergstra & Bengio 2012): every trial drawn from the space's prior. Configurations
 * already proposed are redrawn (up to `retries` times) so that small spaces are not re-queried.
 */
import { mulberry32 } from '@bigmodel/core';

import type { SearchSpace } from '../space/search-space';
import { checkBudget, checkSeed, checkTold } from '../internal/strategy-checks';
import { type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * Configuration of {@link RandomSearch}.
 *
 * @category Strategies
 */
export interface RandomSearchConfig {
  /** Seed of the draws (default 0). */
  seed?: number;
  /** Budget of every trial (default 1). */
  budget?: number;
  /** Redraws of an already-proposed configuration before accepting a repeat (default 20). */
  retries?: number;
}

/**
 * Fills {@link RandomSearchConfig}'s defaults; throws InvalidArgumentError naming a bad field.
 *
 * @category Strategies
 */
export function resolveRandomSearchConfig(config: RandomSearchConfig) {
  return { seed: checkSeed(config.seed ?? 0), budget: checkBudget(config.budget ?? 1), retries: config.retries ?? 20 };
}

/**
 * Random search; see the file header.
 * @example
 * ```ts
 * const strategy = new RandomSearch(builtinSpace('cell'), { seed: 0 });
 * const trial = strategy.ask()!;
 * strategy.tell(trial, { status: 'ok', score: evaluate(trial.config) });
 * ```
 * @category Strategies
 */
export class RandomSearch implements Strategy {
  readonly name = 'random';
  private readonly random: () => number;
  private readonly seen = new Set<string>();
  private readonly config: ReturnType<typeof resolveRandomSearchConfig>;
  private nextId = 0;

  constructor(
    readonly space: SearchSpace,
    config: RandomSearchConfig = {},
  ) {
    this.config = resolveRandomSearchConfig(config);
    this.random = mulberry32(this.config.seed);
  }

  ask(): Trial {
    let config = this.space.sample(this.random);
    for (let i = 0; i < this.config.retries && this.seen.has(this.space.hash(config)); i++) config = this.space.sample(this.random);
    const hash = this.space.hash(config);
    this.seen.add(hash);
    return { id: this.nextId++, config, budget: this.config.budget, hash };
  }

  tell(trial: Trial, outcome: TrialOutcome): void {
    checkTold(this.space, trial, outcome);
    this.seen.add(this.space.hash(trial.config));
  }

  dispose(): void {}
}
