/**
 * Strategy comparison on cheap benchmarks: each strategy runs `queries` ask/tell rounds against a
 * benchmark for each seed, and the regret of the best configuration found so far (optimum minus
 * best score) is recorded at the given query counts. Everything is in this thread and seeded, so a
 * table over 100 seeds takes seconds and is the same on every run.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { builtinSpace } from '../space/builtin-spaces';
import type { Config, SearchSpace } from '../space/search-space';
import { createStrategy, type StrategyName } from '../runner/search-spec';
import { BRANIN_MINIMUM, HARTMANN6_MINIMUM, branin, hartmann6 } from './analytic-functions';
import { cellBenchmark } from './cell-benchmark';

/**
 * A benchmark: a space, a score to maximize, and the best possible score.
 *
 * @category Benchmarks
 */
export interface Benchmark {
  name: string;
  space: SearchSpace;
  score(config: Config): number;
  optimum: number;
}

/**
 * The built-in benchmarks: `cell` (the lookup table of {@link cellBenchmark} with seed 0),
 * `branin` and `hartmann6` (negated, so higher is better).
 * @category Benchmarks
 */
export function builtinBenchmark(name: 'cell' | 'branin' | 'hartmann6'): Benchmark {
  switch (name) {
    case 'cell': {
      const bench = cellBenchmark(0);
      return { name, space: builtinSpace('cell'), score: bench.score, optimum: bench.optimum };
    }
    case 'branin':
      return { name, space: builtinSpace('branin'), score: (c) => -branin(c), optimum: -BRANIN_MINIMUM };
    case 'hartmann6':
      return { name, space: builtinSpace('hartmann6'), score: (c) => -hartmann6(c), optimum: -HARTMANN6_MINIMUM };
    default:
      throw new InvalidArgumentError({ parameter: 'name', value: name, message: 'Benchmarks: cell, branin, hartmann6.' });
  }
}

/**
 * Regrets of one strategy: `regret[s][k]` is seed s's regret after `at[k]` queries.
 *
 * @category Benchmarks
 */
export interface StrategyRegrets {
  strategy: StrategyName;
  at: number[];
  regret: number[][];
}

/**
 * Runs each strategy for `seeds` seeds (0, 1, ...) on `benchmark`; see the file header.
 * @example
 * ```ts
 * const results = compareStrategies(builtinBenchmark('cell'), ['random', 'evolution', 'tpe'], { seeds: 100, at: [50, 100, 200] });
 * ```
 * @category Benchmarks
 */
export function compareStrategies(
  benchmark: Benchmark,
  strategies: StrategyName[],
  options: { seeds: number; at: number[]; strategyOptions?: Partial<Record<StrategyName, Record<string, unknown>>> },
): StrategyRegrets[] {
  const queries = Math.max(...options.at);
  return strategies.map((name) => {
    const regret: number[][] = [];
    for (let seed = 0; seed < options.seeds; seed++) {
      const strategy = createStrategy({ name, options: options.strategyOptions?.[name] }, benchmark.space, { seed, budget: 1 });
      let best = -Infinity;
      const row: number[] = [];
      for (let q = 1; q <= queries; q++) {
        const trial = strategy.ask()!;
        const score = benchmark.score(trial.config);
        strategy.tell(trial, { status: 'ok', score });
        best = Math.max(best, score);
        if (options.at.includes(q)) row.push(benchmark.optimum - best);
      }
      strategy.dispose();
      regret.push(row);
    }
    return { strategy: name, at: options.at, regret };
  });
}

/**
 * Mean and standard error of a list of numbers.
 *
 * @category Benchmarks
 */
export function meanAndStandardError(values: number[]): { mean: number; standardError: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, standardError: Math.sqrt(variance / values.length) };
}
