/**
 * The REINFORCE controller (an LSTM policy) on the built-in MNIST space, 3 epochs per trial; 30 minutes on one worker by default, then the best trial's own
 * model exported with its validation and test accuracy.
 *
 *   npx ts-node -T examples/nas/reinforce-mnist.ts [--minutes 30] [--workers 1] [--seed 0] [--out runs/DIR]
 */
import { runMain } from '@bigmodel/core';

import { mnistSearchMain, runMnistSearch, type MnistSearchOptions, type MnistSearchSummary } from './mnist-search';

export function runReinforceMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('reinforce-mnist', { strategy: 'reinforce', strategyOptions: { lstmUnits: 16 }, budget: 3, ...options });
}

export const main = mnistSearchMain(
  'nas/reinforce-mnist.ts',
  "A REINFORCE controller on the built-in MNIST space, then the best trial's model exported with its validation and test accuracy.",
  1,
  runReinforceMnist,
);

if (require.main === module) runMain(main);
