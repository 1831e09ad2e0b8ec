/**
 * A search with your own evaluator: a lookup table over the NAS-Bench-201-style cell space (the
 * package's synthetic `cell` benchmark, whose best cell is known), searched by random search and
 * by regularized evolution with the same number of queries; prints each one's leaderboard and how
 * far its best cell is from the optimum.
 *
 *   npx ts-node -T examples/nas/custom-evaluator.ts [--trials 150] [--seed 0] [--out runs/DIR]
 */
import { join } from 'node:path';

import { builtinSpace, cellBenchmark, leaderboard, runSearch, type Evaluator, type StrategyName } from '@bigmodel/nas';

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
  strategies: { strategy: StrategyName; best: number; regret: number; top3: { score: number; config: Record<string, unknown> }[] }[];
  out: string;
}

export async function runCustomEvaluator(options: CustomEvaluatorOptions = {}): Promise<CustomEvaluatorSummary> {
  const { trials = 150, seed = 0 } = options;
  const out = options.out ?? join('runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-nas-custom-evaluator`);
  const table = cellBenchmark(0);
  // Any function (config, budget) -> { score, ...metrics } is an evaluator; this one looks the cell up.
  const evaluator: Evaluator = (config) => ({ score: table.score(config), regret: table.optimum - table.score(config) });
  const strategies: CustomEvaluatorSummary['strategies'] = [];
  for (const strategy of ['random', 'evolution'] as const) {
    const result = await runSearch({ dir: join(out, strategy), space: builtinSpace('cell'), strategy, evaluator, trials, seed });
    const top = leaderboard(result.trials).slice(0, 3);
    strategies.push({ strategy, best: result.best!.score, regret: table.optimum - result.best!.score, top3: top.map((t) => ({ score: t.score, config: t.trial.config })) });
  }
  return { example: 'nas/custom-evaluator', optimum: table.optimum, strategies, out };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  runCustomEvaluator({ trials: Number(flag('--trials') ?? 150), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(`optimum of the table: ${s.optimum.toFixed(3)}`);
      for (const r of s.strategies) console.log(`${r.strategy.padEnd(10)} best ${r.best.toFixed(3)}  regret ${r.regret.toFixed(3)}  top: ${JSON.stringify(r.top3[0].config)}`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
