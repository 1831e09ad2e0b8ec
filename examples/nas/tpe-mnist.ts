/**
 * TPE on the built-in MNIST space, 3 epochs per trial; 30 minutes on one worker by default, then the best trial's own
 * model exported with its validation and test accuracy.
 *
 *   npx ts-node -T examples/nas/tpe-mnist.ts [--minutes 30] [--workers 1] [--seed 0] [--out runs/DIR]
 */
import { runMain } from '@bigmodel/core';

import { exampleMain } from '../cli';
import {
  mnistSearchProgram,
  runMnistSearch,
  type MnistSearchFlags,
  type MnistSearchOptions,
  type MnistSearchSummary,
} from './mnist-search';

export function runTpeMnist(options: Partial<MnistSearchOptions> = {}): Promise<MnistSearchSummary> {
  return runMnistSearch('tpe-mnist', { strategy: 'tpe', strategyOptions: { startupTrials: 6 }, budget: 3, ...options });
}

export const main = exampleMain(
  () =>
    mnistSearchProgram(
      'nas/tpe-mnist.ts',
      "TPE on the built-in MNIST space, then the best trial's model exported with its validation and test accuracy.",
      1,
    ),
  async (flags: MnistSearchFlags, print) => print(JSON.stringify(await runTpeMnist(flags), null, 2)),
);

if (require.main === module) runMain(main);
