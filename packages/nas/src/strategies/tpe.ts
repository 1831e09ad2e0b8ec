/**
 * The Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kegl 2011, "Algorithms for
 * Hyper-Parameter Optimization", section 4; hyperopt's `tpe.suggest` is the reference
 * implementation it follows).
 *
 * After `startupTrials` random trials, the told trials are split by score: the best
 * `ceil(gamma * n)` are "good", the rest "bad". For each parameter, one density is fitted to the
 * good values, l(x), and one to the bad values, g(x): for numbers an adaptive Parzen estimator in the
 * parameter's unit space (log space for log parameters): a truncated Gaussian at each observation,
 * its width the larger gap to its neighbours (clipped to [1 / min(100, n + 1), 1]), plus a wide
 * prior component; for categoricals (and integers with few values) smoothed frequencies. Then
 * `candidates` values are drawn from l(x) and the one with the largest l(x) / g(x), which is
 * where the expected improvement is largest (paper, eq. 7), is proposed. Parameters are chosen
 * one at a time in declaration order, so a conditional parameter is modelled only on the trials
 * where it was active (the "tree" of TPE). Failed trials count as the worst scores. A proposal
 * that repeats an earlier configuration is redrawn (up to 10 times from the model, then from the
 * prior), so small discrete spaces are not re-queried.
 */
import { mulberry32, parseConfig, standardNormal, z } from '@bigmodel/core';

import type { Config, ParamValue, SearchSpace } from '../space/search-space';
import { checkTold } from '../internal/strategy-checks';
import { budgetField, configSchema, seedField } from '../internal/strategy-fields';
import { effectiveScore, type Strategy, type Trial, type TrialOutcome } from './strategy';

/**
 * The schema of {@link TpeConfig}: each field's check, default and description (`.describe()`), read
 * by core's `parseConfig` and `configJsonSchema`.
 *
 * @category Strategies
 */
export const tpeConfigSchema = configSchema(
  z.strictObject({
    gamma: z
      .number({ error: 'Must be in (0, 1).' })
      .gt(0, { error: 'Must be in (0, 1).' })
      .lt(1, { error: 'Must be in (0, 1).' })
      .default(0.2)
      .describe('Share of told trials that form the "good" density l(x), in (0, 1) (default 0.2).'),
    candidates: z
      .number({ error: 'Must be an integer >= 1.' })
      .int({ error: 'Must be an integer >= 1.' })
      .min(1, { error: 'Must be an integer >= 1.' })
      .default(4)
      .describe(
        'Candidates drawn from l(x) per parameter, an integer >= 1 (default 4; hyperopt uses 24, ' +
          'which exploits more and did worse on all three benchmarks of bench/nas.ts).',
      ),
    startupTrials: z
      .number({ error: 'Must be an integer >= 1.' })
      .int({ error: 'Must be an integer >= 1.' })
      .min(1, { error: 'Must be an integer >= 1.' })
      .default(10)
      .describe('Random trials before the model is used, an integer >= 1 (default 10).'),
    categoricalThreshold: z
      .number()
      .default(16)
      .describe('Integers with at most this many values are modelled as categoricals (default 16).'),
    priorWeight: z
      .number({ error: 'Must be > 0.' })
      .positive({ error: 'Must be > 0.' })
      .default(1)
      .describe('Weight of the prior component of each density, > 0 (default 1).'),
    seed: seedField.describe('Seed, an integer (default 0).'),
    budget: budgetField.describe('Budget of every trial, a finite number > 0 (default 1).'),
  }),
);

/**
 * Configuration of {@link Tpe}, inferred from {@link tpeConfigSchema} (docs/schemas/nas/TpeConfig.schema.json
 * carries each field's description): `gamma` in (0, 1) (default 0.2), `candidates` (default 4),
 * `startupTrials` (default 10), `categoricalThreshold` (default 16), `priorWeight` (default 1),
 * `seed` (default 0), `budget` of every trial (default 1).
 *
 * @category Strategies
 */
export type TpeConfig = z.input<typeof tpeConfigSchema>;

/**
 * Fills {@link TpeConfig}'s defaults; throws InvalidArgumentError naming the bad field
 * (`TpeConfig.gamma`) and its value, an unknown key with the nearest known one.
 *
 * @category Strategies
 */
export function resolveTpeConfig(config: TpeConfig): z.output<typeof tpeConfigSchema> {
  return parseConfig(tpeConfigSchema, config, 'TpeConfig');
}

/** Fresh draws of the model, then of the prior, before a repeated configuration is accepted. */
const DUPLICATE_RETRIES = 10;

/** erf by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return sign * y;
}

const normalCdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

/**
 * A mixture of Gaussians truncated to [0, 1].
 *
 * @category Strategies
 */
export interface ParzenEstimator {
  mus: number[];
  sigmas: number[];
  weights: number[];
}

/**
 * The adaptive Parzen estimator of hyperopt over [0, 1]: one component per observation plus a prior
 * component N(0.5, 1) of weight `priorWeight`.
 * @category Strategies
 */
export function fitParzen(points: number[], priorWeight: number): ParzenEstimator {
  const mus = [...points, 0.5].sort((a, b) => a - b);
  const n = points.length;
  const minSigma = 1 / Math.min(100, n + 1);
  const sigmas = mus.map((mu, i) => {
    const left = i === 0 ? mu : mu - mus[i - 1];
    const right = i === mus.length - 1 ? 1 - mu : mus[i + 1] - mu;
    return Math.min(1, Math.max(minSigma, left, right));
  });
  const prior = mus.indexOf(0.5);
  sigmas[prior] = 1;
  const weights = mus.map((_, i) => (i === prior ? priorWeight : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return { mus, sigmas, weights: weights.map((w) => w / total) };
}

/**
 * Log density of a truncated-Gaussian mixture at x in [0, 1].
 *
 * @category Strategies
 */
export function parzenLogDensity(estimator: ParzenEstimator, x: number): number {
  let p = 0;
  estimator.mus.forEach((mu, i) => {
    const s = estimator.sigmas[i];
    const mass = normalCdf((1 - mu) / s) - normalCdf((0 - mu) / s);
    p += (estimator.weights[i] * Math.exp(-0.5 * ((x - mu) / s) ** 2)) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  });
  return Math.log(Math.max(p, 1e-300));
}

function sampleParzen(estimator: ParzenEstimator, random: () => number): number {
  let u = random();
  let k = 0;
  while (k < estimator.weights.length - 1 && u >= estimator.weights[k]) u -= estimator.weights[k++];
  for (let attempt = 0; attempt < 100; attempt++) {
    const z = standardNormal(random);
    const x = estimator.mus[k] + estimator.sigmas[k] * z;
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, estimator.mus[k]));
}

/**
 * TPE; see the file header.
 * @example
 * ```ts
 * const strategy = new Tpe(builtinSpace('branin'), { seed: 0 });
 * for (let i = 0; i < 50; i++) {
 *   const trial = strategy.ask();
 *   strategy.tell(trial, { status: 'ok', score: -branin(trial.config) });
 * }
 * ```
 * @category Strategies
 */
export class Tpe implements Strategy {
  readonly name = 'tpe';
  private readonly random: () => number;
  private readonly config: ReturnType<typeof resolveTpeConfig>;
  private readonly observations: { config: Config; score: number }[] = [];
  private readonly proposed = new Set<string>();
  private nextId = 0;

  constructor(
    readonly space: SearchSpace,
    config: TpeConfig = {},
  ) {
    this.config = resolveTpeConfig(config);
    this.random = mulberry32(this.config.seed);
  }

  ask(): Trial {
    let config = this.observations.length < this.config.startupTrials ? this.space.sample(this.random) : this.suggest();
    // A configuration already proposed teaches nothing new: draw fresh candidates, then fall back to the prior.
    for (let attempt = 0; attempt < DUPLICATE_RETRIES && this.proposed.has(this.space.hash(config)); attempt++) config = this.suggest();
    for (let attempt = 0; attempt < DUPLICATE_RETRIES && this.proposed.has(this.space.hash(config)); attempt++)
      config = this.space.sample(this.random);
    this.proposed.add(this.space.hash(config));
    return { id: this.nextId++, config, budget: this.config.budget, hash: this.space.hash(config) };
  }

  tell(trial: Trial, outcome: TrialOutcome): void {
    checkTold(this.space, trial, outcome);
    this.observations.push({ config: trial.config, score: effectiveScore(outcome) });
    this.proposed.add(this.space.hash(trial.config));
  }

  dispose(): void {}

  /** One configuration by the l(x)/g(x) rule, parameter by parameter. */
  private suggest(): Config {
    // Stable sort: ties keep the order of telling, so the split is deterministic.
    const ranked = this.observations.map((o, i) => ({ ...o, i })).sort((a, b) => b.score - a.score || a.i - b.i);
    const nGood = Math.max(1, Math.ceil(this.config.gamma * ranked.length));
    const good = ranked.slice(0, nGood);
    const bad = ranked.slice(nGood);
    const config: Config = {};
    for (const p of this.space.params) {
      if (!this.space.isActive(p.name, config)) continue;
      if (p.type === 'fixed') {
        config[p.name] = p.value;
        continue;
      }
      const goodValues = good.filter((o) => p.name in o.config).map((o) => o.config[p.name]);
      const badValues = bad.filter((o) => p.name in o.config).map((o) => o.config[p.name]);
      const discrete = p.type === 'categorical' || (p.type === 'int' && this.space.valueCount(p.name) <= this.config.categoricalThreshold);
      config[p.name] = discrete
        ? this.suggestDiscrete(this.space.values(p.name), goodValues, badValues)
        : this.suggestNumeric(p.name, goodValues as number[], badValues as number[]);
    }
    return config;
  }

  private suggestDiscrete(values: ParamValue[], good: ParamValue[], bad: ParamValue[]): ParamValue {
    const prior = this.config.priorWeight / values.length;
    const probabilities = (observed: ParamValue[]) =>
      values.map((v) => (observed.filter((o) => o === v).length + prior) / (observed.length + this.config.priorWeight));
    const l = probabilities(good);
    const g = probabilities(bad);
    let best = 0;
    let bestRatio = -Infinity;
    for (let c = 0; c < this.config.candidates; c++) {
      let u = this.random();
      let k = 0;
      while (k < l.length - 1 && u >= l[k]) u -= l[k++];
      const ratio = Math.log(l[k]) - Math.log(g[k]);
      if (ratio > bestRatio) [best, bestRatio] = [k, ratio];
    }
    return values[best];
  }

  private suggestNumeric(name: string, good: number[], bad: number[]): number {
    const l = fitParzen(
      good.map((v) => this.space.toUnit(name, v)),
      this.config.priorWeight,
    );
    const g = fitParzen(
      bad.map((v) => this.space.toUnit(name, v)),
      this.config.priorWeight,
    );
    let best = 0.5;
    let bestRatio = -Infinity;
    for (let c = 0; c < this.config.candidates; c++) {
      const x = this.space.toUnit(name, this.space.fromUnit(name, sampleParzen(l, this.random)));
      const ratio = parzenLogDensity(l, x) - parzenLogDensity(g, x);
      if (ratio > bestRatio) [best, bestRatio] = [x, ratio];
    }
    return this.space.fromUnit(name, best);
  }
}
