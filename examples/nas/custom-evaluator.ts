/**
 * A search with your own evaluator: a lookup table over the NAS-Bench-201-style cell space (the
 * package's synthetic `cell` benchmark, whose best cell is known), searched by random search and
 * by regularized evolution with the same number of queries; prints each one's leaderboard and how
 * far its best cell is from the optimum. The evaluator declares itself deterministic, so a
 * configuration a strategy proposes again is looked up once (the runner's cache) and the repeat
 * is journaled as such.
 *
 *   npx ts-node -T examples/nas/custom-evaluator.ts [--trials 150] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import { runMain } from '@bigmodel/core';
import { builtinSpace, cellBenchmark, leaderboard, runSearch, type Evaluator, type StrategyName } from '@bigmodel/nas';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';

export interface CustomEvaluatorOptions {
  /** Queries per strategy (default 150). */
  trials?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Output directory (default runs/<time>-nas-custom-evaluator). */
  out?: string;
}

export interface CustomEvaluatorSummary {
  example: 'nas/custom-evaluator';
  optimum: number;
  /** Each strategy's best score, its regret, how many of its trials were repeats served from the cache, and its top 3. */
  strategies: {
    strategy: StrategyName;
    best: number;
    regret: number;
    repeats: number;
    top3: { score: number; config: Record<string, unknown> }[];
  }[];
  out: string;
}

export async function runCustomEvaluator(options: CustomEvaluatorOptions = {}): Promise<CustomEvaluatorSummary> {
  const { trials = 150, seed = 0 } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-nas-custom-evaluator`);
  const table = cellBenchmark(0);
  // Any function (config, budget) -> { score, ...metrics } is an evaluator; this one looks the cell
  // up, and says that a configuration always gets the same result (so repeats are not evaluated again).
  const lookup: Evaluator = (config) => ({ score: table.score(config), regret: table.optimum - table.score(config) });
  const evaluator = Object.assign(lookup, { deterministic: true });
  const strategies: CustomEvaluatorSummary['strategies'] = [];
  for (const strategy of ['random', 'evolution'] as const) {
    const result = await runSearch({ dir: join(out, strategy), space: builtinSpace('cell'), strategy, evaluator, trials, seed });
    const top = leaderboard(result.trials).slice(0, 3);
    const top3 = top.map((t) => ({ score: t.score, config: t.trial.config }));
    strategies.push({ strategy, best: result.best!.score, regret: table.optimum - result.best!.score, repeats: result.repeatedNow, top3 });
  }
  return { example: 'nas/custom-evaluator', optimum: table.optimum, strategies, out };
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'nas/custom-evaluator.ts',
      'A search with your own evaluator (a lookup table with a known optimum), by random search and by evolution.',
    )
      .addOption(countOption('--trials <n>', 'queries per strategy', 150, 100_000))
      .addOption(seedOption())
      .addOption(outOption('output directory (default: runs/<time>-nas-custom-evaluator)')),
  async (flags: { trials: number; seed: number; out?: string }, print) => {
    const s = await runCustomEvaluator(flags);
    print(`optimum of the table: ${s.optimum.toFixed(3)}`);
    for (const r of s.strategies) {
      const top = JSON.stringify(r.top3[0].config);
      print(`${r.strategy.padEnd(10)} best ${r.best.toFixed(3)}  regret ${r.regret.toFixed(3)}  repeats ${r.repeats}  top: ${top}`);
    }
  },
);

if (require.main === module) runMain(main);
