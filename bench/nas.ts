/**
 * Strategy comparison on the cheap synthetic benchmarks of @bigmodel/nas: for each benchmark
 * (the `cell` lookup table with a known optimum, Branin, Hartmann-6) and each strategy, the mean
 * regret (optimum minus best score found) after N queries over many seeds, with its standard
 * error, and each strategy's ratio to random search's regret (< 1: better than random).
 *
 *   npm run bench:nas [-- --seeds 100]
 */
import { runMain } from '@bigmodel/core';
import { builtinBenchmark, compareStrategies, meanAndStandardError, type StrategyName } from '@bigmodel/nas';

import { benchProgram, countOption, exampleMain } from '../examples/cli';

const strategies: StrategyName[] = ['random', 'evolution', 'tpe', 'reinforce'];
const at = [25, 50, 100, 200];

function bench({ seeds }: { seeds: number }): void {
  console.log(`Mean regret at N queries over ${seeds} seeds (standard error); ratio to random in brackets.\n`);
  for (const name of ['cell', 'branin', 'hartmann6'] as const) {
    const started = performance.now();
    const results = compareStrategies(builtinBenchmark(name), strategies, { seeds, at });
    const random = results.find((r) => r.strategy === 'random')!;
    const randomMeans = at.map((_, k) => meanAndStandardError(random.regret.map((row) => row[k])).mean);
    console.log(`| ${name} | ${at.map((n) => `N = ${n}`).join(' | ')} |`);
    console.log(`|---|${at.map(() => '---').join('|')}|`);
    for (const r of results) {
      const cells = at.map((_, k) => {
        const { mean, standardError } = meanAndStandardError(r.regret.map((row) => row[k]));
        return `${mean.toPrecision(3)} (${standardError.toPrecision(2)}) [${(mean / randomMeans[k]).toFixed(2)}]`;
      });
      console.log(`| ${r.strategy} | ${cells.join(' | ')} |`);
    }
    console.log(`\n(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

export const main = exampleMain(
  () =>
    benchProgram('nas.ts', "The search strategies' regret against random search's on nas's synthetic benchmarks.").addOption(
      countOption('--seeds <n>', 'seeds per strategy', 100, 100_000),
    ),
  bench,
);

if (require.main === module) runMain(main);
