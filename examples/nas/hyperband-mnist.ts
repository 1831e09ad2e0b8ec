/**
 * Successive halving over TPE on the built-in MNIST space for 30 minutes, two workers (one wasm
 * thread each, this machine's 2 cores): configurations train 8 epochs, the best quarter again
 * for 32. Trials start only if predicted to end in time, then the best trial's own model is
 * exported with its validation and test accuracy (`--retrain`: its configuration trained again
 * from scratch instead). `--hyperband` cycles through Hyperband's brackets instead.
 *
 *   BIGMODEL_WASM_THREADS=1 npx ts-node -T examples/nas/hyperband-mnist.ts [--minutes 30] [--workers 2]
 *     [--seed 0] [--out runs/DIR] [--min-budget 8] [--max-budget 32] [--eta 4] [--hyperband] [--retrain]
 *     [--rescore-top K --rescore-repeats R --rescore-minutes M]
 *
 * `--rescore-top K` re-scores the K best configurations in the last M minutes (default 8) of the
 * time, R more times each (default 1), and exports the one with the best mean score.
 */
import { integerOption, numberOption, runMain } from '@bigmodel/core';

import { exampleMain, option } from '../cli';
import {
  mnistSearchProgram,
  runMnistSearch,
  type MnistSearchFlags,
  type MnistSearchOptions,
  type MnistSearchSummary,
} from './mnist-search';

export function runHyperbandMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('hyperband-mnist', {
    strategy: 'tpe',
    strategyOptions: { startupTrials: 8 },
    hyperband: { minBudget: 8, maxBudget: 32, eta: 4, mode: 'successive-halving' },
    ...options,
  });
}

interface HyperbandMnistFlags extends MnistSearchFlags {
  retrain?: boolean;
  rescoreTop?: number;
  rescoreRepeats: number;
  rescoreMinutes: number;
  minBudget: number;
  maxBudget: number;
  eta: number;
  hyperband?: boolean;
}

const BUDGET = { min: 0, max: 1e6, minExclusive: true };

export const main = exampleMain(
  () =>
    mnistSearchProgram(
      'nas/hyperband-mnist.ts',
      'Successive halving (or Hyperband) over TPE on the built-in MNIST space, then the best model exported.',
      2,
    )
      .option('--retrain', "export the best configuration trained again from scratch instead of the trial's own model")
      .addOption(
        integerOption('--rescore-top <k>', 're-score the K best configurations in the last --rescore-minutes (default: no re-scoring)', {
          min: 1,
          max: 10_000,
        }),
      )
      .addOption(integerOption('--rescore-repeats <r>', 'more evaluations of each re-scored configuration', { min: 1, max: 1000 }, 1))
      .addOption(
        numberOption(
          '--rescore-minutes <m>',
          'minutes of re-scoring, the last of --minutes',
          { min: 0, max: 10_080, minExclusive: true },
          8,
        ),
      )
      .addOption(numberOption('--min-budget <r>', 'smallest budget (epochs)', BUDGET, 8))
      .addOption(numberOption('--max-budget <r>', 'largest budget (epochs)', BUDGET, 32))
      .addOption(numberOption('--eta <e>', 'reduction factor', { min: 1, max: 100, minExclusive: true }, 4))
      .addOption(option('--hyperband', "cycle through Hyperband's brackets").conflicts('successiveHalving'))
      .option('--successive-halving', 'successive halving, one bracket (the default)'),
  async (flags: HyperbandMnistFlags, print) => {
    const { minutes, workers, seed, out, retrain, rescoreTop, rescoreRepeats, rescoreMinutes, minBudget, maxBudget, eta, hyperband } =
      flags;
    const summary = await runHyperbandMnist({
      minutes,
      workers,
      seed,
      out,
      retrain: retrain === true,
      rescore: rescoreTop === undefined ? undefined : { top: rescoreTop, repeats: rescoreRepeats, minutes: rescoreMinutes },
      hyperband: { minBudget, maxBudget, eta, mode: hyperband ? 'hyperband' : 'successive-halving' },
    });
    print(JSON.stringify(summary, null, 2));
  },
);

if (require.main === module) runMain(main);
