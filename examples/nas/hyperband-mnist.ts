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
import * as tf from '@tensorflow/tfjs';

import { flags, runMnistSearch, type MnistSearchOptions, type MnistSearchSummary } from './mnist-search';

export function runHyperbandMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('hyperband-mnist', {
    strategy: 'tpe',
    strategyOptions: { startupTrials: 8 },
    hyperband: { minBudget: 8, maxBudget: 32, eta: 4, mode: 'successive-halving' },
    ...options,
  });
}

if (require.main === module) {
  const flag = flags();
  tf.env().set('PROD', true);
  runHyperbandMnist({
    minutes: Number(flag('--minutes') ?? 30),
    workers: Number(flag('--workers') ?? 2),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
    retrain: process.argv.includes('--retrain'),
    rescore:
      flag('--rescore-top') === undefined
        ? undefined
        : {
            top: Number(flag('--rescore-top')),
            repeats: Number(flag('--rescore-repeats') ?? 1),
            minutes: Number(flag('--rescore-minutes') ?? 8),
          },
    hyperband: {
      minBudget: Number(flag('--min-budget') ?? 8),
      maxBudget: Number(flag('--max-budget') ?? 32),
      eta: Number(flag('--eta') ?? 4),
      mode: process.argv.includes('--hyperband') ? 'hyperband' : 'successive-halving',
    },
  })
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
