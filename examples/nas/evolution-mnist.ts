/**
 * Regularized evolution (population 10, sample 3) on the built-in MNIST space, 3 epochs per trial; 30 minutes on one worker by default, then the best trial's own
 * model exported with its validation and test accuracy.
 *
 *   npx ts-node -T examples/nas/evolution-mnist.ts [--minutes 30] [--workers 1] [--seed 0] [--out runs/DIR]
 */
import { runMain } from '@bigmodel/core';

import { mnistSearchMain, runMnistSearch, type MnistSearchOptions, type MnistSearchSummary } from './mnist-search';

export function runEvolutionMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('evolution-mnist', {
    strategy: 'evolution',
    strategyOptions: { populationSize: 10, sampleSize: 3 },
    budget: 3,
    ...options,
  });
}

export const main = mnistSearchMain(
  'nas/evolution-mnist.ts',
  "Regularized evolution on the built-in MNIST space, then the best trial's model exported with its validation and test accuracy.",
  1,
  runEvolutionMnist,
);

if (require.main === module) runMain(main);
