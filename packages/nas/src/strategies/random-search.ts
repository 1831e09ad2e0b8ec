/**
 * Random search (Bergstra & Bengio 2012): every trial drawn from the space's prior. Configurations
 * already proposed are redrawn (up to `retries` times) so that small spaces are not re-queried.
 */
import { mulberry32, parseConfig, z } from '@bigmodel/core';

import type { SearchSpace } from '../space/search-space';
import { checkTold } from '../internal/strategy-checks';
import { budgetField, configSchema, seedField } from '../internal/strategy-fields';
import { type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * The schema of {@link RandomSearchConfig}: each field's check, default and description (`.describe()`), read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Strategies
 */
export const randomSearchConfigSchema = configSchema(
  z.strictObject({
    seed: seedField.describe('Seed of the draws, an integer (default 0).'),
    budget: budgetField.describe('Budget of every trial, a finite number > 0 (default 1).'),
    retries: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('Redraws of an already-proposed configuration before accepting a repeat, an integer >= 0 (default 20).'),
  }),
);

/**
 * Configuration of {@link RandomSearch}, inferred from {@link randomSearchConfigSchema} (docs/schemas/nas/RandomSearchConfig.schema.json
 * carries each field's description): `seed` (default 0), `budget` of every trial (default 1),
 * `retries`, redraws of an already-proposed configuration before accepting a repeat (default 20).
 *
 * @category Strategies
 */
export type RandomSearchConfig = z.input<typeof randomSearchConfigSchema>;

/**
 * Fills {@link RandomSearchConfig}'s defaults; throws InvalidArgumentError naming the bad field
 * (`RandomSearchConfig.seed`) and its value, an unknown key with the nearest known one.
 *
 * @category Strategies
 */
export function resolveRandomSearchConfig(config: RandomSearchConfig): z.output<typeof randomSearchConfigSchema> {
  return parseConfig(randomSearchConfigSchema, config, 'RandomSearchConfig');
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
