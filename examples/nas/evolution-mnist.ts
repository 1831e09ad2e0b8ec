/**
 * Regularized evolution (population 10, sample 3) on the built-in MNIST space, 3 epochs per trial; 30 minutes on one worker by default, then the best trial's own
 * model exported with its validation and test accuracy.
 *
 *   npx ts-node -T examples/nas/evolution-mnist.ts [--minutes 30] [--workers 1] [--seed 0] [--out runs/DIR]
 */
import * as tf from '@tensorflow/tfjs';

import { flags, runMnistSearch, type MnistSearchOptions, type MnistSearchSummary } from './mnist-search';

export function runEvolutionMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('evolution-mnist', {
    strategy: 'evolution',
    strategyOptions: { populationSize: 10, sampleSize: 3 },
    budget: 3,
    ...options,
  });
}

if (require.main === module) {
  const flag = flags();
  tf.env().set('PROD', true);
  runEvolutionMnist({
    minutes: Number(flag('--minutes') ?? 30),
    workers: Number(flag('--workers') ?? 1),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
  })
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
