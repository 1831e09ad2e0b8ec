/**
 * Regularized (aging) evolution, Real et al. 2019, "Regularized Evolution for Image Classifier
 * Architecture Search", Algorithm 1: a population of `populationSize` random models; then,
 * repeatedly, sample `sampleSize` members at random, mutate the best of the sample (one parameter
 * changed, {@link SearchSpace.mutate}), evaluate the child, add it to the population and remove
 * the oldest member. Ageing instead of removing the worst regularizes against lucky scores.
 *
 * Asynchronous (parallel) use follows the paper's workers: until `populationSize` trials have been
 * proposed they are random; a child is bred from the members told so far. A failed or infeasible
 * child enters the population with score -Infinity (it is never chosen as a parent and ages out).
 */
import { mulberry32, parseConfig, z } from '@bigmodel/core';

import type { Config, SearchSpace } from '../space/search-space';
import { checkTold } from '../internal/strategy-checks';
import { budgetField, configSchema, seedField } from '../internal/strategy-fields';
import { effectiveScore, type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * The schema of {@link RegularizedEvolutionConfig}: each field's check, default and description (`.describe()`), read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Strategies
 */
export const regularizedEvolutionConfigSchema = configSchema(
  z
    .strictObject({
      populationSize: z
        .number()
        .int({ error: 'Must be an integer >= 2.' })
        .min(2, { error: 'Must be an integer >= 2.' })
        .default(20)
        .describe('Population size P, an integer >= 2 (default 20; the paper uses 100 for 20,000 trials).'),
      sampleSize: z
        .number()
        .int({ error: 'Must be an integer in [1, populationSize].' })
        .min(1, { error: 'Must be an integer in [1, populationSize].' })
        .default(5)
        .describe('Tournament sample size S, 1 <= S <= P (default 5; the paper uses 25 of 100).'),
      seed: seedField.describe('Seed of sampling and mutation, an integer (default 0).'),
      budget: budgetField.describe('Budget of every trial, a finite number > 0 (default 1).'),
    })
    .superRefine((c, context) => {
      if (c.sampleSize > c.populationSize) {
        const message = `Must be an integer in [1, populationSize = ${c.populationSize}].`;
        context.addIssue({ code: 'custom', path: ['sampleSize'], input: c.sampleSize, message });
      }
    }),
);

/**
 * Configuration of {@link RegularizedEvolution}, inferred from {@link regularizedEvolutionConfigSchema}
 * (docs/schemas/nas/RegularizedEvolutionConfig.schema.json carries each field's description):
 * `populationSize` P (default 20), `sampleSize` S in [1, P] (default 5), `seed` (default 0),
 * `budget` of every trial (default 1).
 *
 * @category Strategies
 */
export type RegularizedEvolutionConfig = z.input<typeof regularizedEvolutionConfigSchema>;

/**
 * Fills {@link RegularizedEvolutionConfig}'s defaults; throws InvalidArgumentError naming the bad
 * field (`RegularizedEvolutionConfig.sampleSize`) and its value, an unknown key with the nearest
 * known one.
 *
 * @category Strategies
 */
export function resolveRegularizedEvolutionConfig(config: RegularizedEvolutionConfig): z.output<typeof regularizedEvolutionConfigSchema> {
  return parseConfig(regularizedEvolutionConfigSchema, config, 'RegularizedEvolutionConfig');
}

/**
 * Regularized evolution; see the file header.
 * @example
 * ```ts
 * const strategy = new RegularizedEvolution(builtinSpace('cell'), { populationSize: 20, sampleSize: 5, seed: 0 });
 * for (let i = 0; i < 100; i++) {
 *   const trial = strategy.ask();
 *   strategy.tell(trial, { status: 'ok', score: lookup(trial.config) });
 * }
 * ```
 * @category Strategies
 */
export class RegularizedEvolution implements Strategy {
  readonly name = 'evolution';
  private readonly random: () => number;
  private readonly config: ReturnType<typeof resolveRegularizedEvolutionConfig>;
  /** Oldest first. */
  private readonly population: { config: Config; score: number }[] = [];
  private nextId = 0;

  constructor(
    readonly space: SearchSpace,
    config: RegularizedEvolutionConfig = {},
  ) {
    this.config = resolveRegularizedEvolutionConfig(config);
    this.random = mulberry32(this.config.seed);
  }

  ask(): Trial {
    let config: Config;
    if (this.nextId < this.config.populationSize || this.population.length === 0) {
      config = this.space.sample(this.random);
    } else {
      let parent = this.population[Math.floor(this.random() * this.population.length)];
      for (let i = 1; i < this.config.sampleSize; i++) {
        const candidate = this.population[Math.floor(this.random() * this.population.length)];
        if (candidate.score > parent.score) parent = candidate;
      }
      config = this.space.mutate(parent.config, this.random);
    }
    return { id: this.nextId++, config, budget: this.config.budget, hash: this.space.hash(config) };
  }

  tell(trial: Trial, outcome: TrialOutcome): void {
    checkTold(this.space, trial, outcome);
    this.population.push({ config: trial.config, score: effectiveScore(outcome) });
    if (this.population.length > this.config.populationSize) this.population.shift();
  }

  /** The current population, oldest first (for inspection and tests). */
  members(): readonly { config: Config; score: number }[] {
    return this.population;
  }

  dispose(): void {}
}
