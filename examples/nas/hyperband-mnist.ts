/**
 * Hyperband over TPE on the built-in MNIST space (budgets 2 and 6 epochs, eta 3), 30 minutes on
 * one worker by default, then the best trial's own model exported with its validation and test
 * accuracy (`--retrain`: its configuration trained again from scratch instead).
 *
 *   npx ts-node -T examples/nas/hyperband-mnist.ts [--minutes 30] [--workers 1] [--seed 0] [--out runs/DIR]
 *     [--min-budget 2] [--max-budget 6] [--eta 3] [--successive-halving] [--retrain]
 *     [--rescore-top K --rescore-repeats R --rescore-minutes M]
 *
 * `--rescore-top K` re-scores the K best configurations in the last M minutes (default 8) of the
 * time, R more times each (default 1), and exports the one with the best mean score.
 */
import * as tf from '@tensorflow/tfjs';

import { flags, runMnistSearch, type MnistSearchOptions, type MnistSearchSummary } from './mnist-search';

export function runHyperbandMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('hyperband-mnist', {
    strategy: 'tpe',
    strategyOptions: { startupTrials: 8 },
    hyperband: { minBudget: 2, maxBudget: 6, eta: 3 },
    ...options,
  });
}

if (require.main === module) {
  const flag = flags();
  tf.env().set('PROD', true);
  runHyperbandMnist({
    minutes: Number(flag('--minutes') ?? 30),
    workers: Number(flag('--workers') ?? 1),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
    retrain: process.argv.includes('--retrain'),
    rescore: flag('--rescore-top') === undefined ? undefined : { top: Number(flag('--rescore-top')), repeats: Number(flag('--rescore-repeats') ?? 1), minutes: Number(flag('--rescore-minutes') ?? 8) },
    hyperband: {
      minBudget: Number(flag('--min-budget') ?? 2),
      maxBudget: Number(flag('--max-budget') ?? 6),
      eta: Number(flag('--eta') ?? 3),
      mode: process.argv.includes('--successive-halving') ? 'successive-halving' : 'hyperband',
    },
  })
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
