/**
 * REINFORCE with a learned baseline on CartPole-v1, trained until the greedy policy averages >= 475
 * over 100 episodes (or the budget runs out), reporting the steps it took.
 *
 *   npx ts-node -T examples/rl/reinforce-cartpole.ts [--max-steps 500000] [--seed 0] [--out runs/rl/reinforce-cartpole]
 */
import { initBackend, runMain } from '@bigmodel/core';
import { Reinforce } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { solveSummaryLines, trainUntilSolved, type SolveSummary } from './train-until-solved';

export async function runReinforceCartpole(
  options: { maxSteps?: number; checkEvery?: number; seed?: number; out?: string; quiet?: boolean } = {},
): Promise<SolveSummary> {
  const { maxSteps = 500_000, checkEvery = 10_000, seed = 0, out = 'runs/rl/reinforce-cartpole', quiet } = options;
  await initBackend();
  const agent = new Reinforce({ env: 'CartPole-v1', learningRate: 1e-3, episodesPerUpdate: 4, gamma: 0.99, seed });
  const summary = await trainUntilSolved(agent, { maxSteps, checkEvery, seed, out, quiet });
  agent.dispose();
  return summary;
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/reinforce-cartpole.ts',
      'REINFORCE with a learned baseline on CartPole-v1, trained until solved (or the budget runs out).',
    )
      .addOption(countOption('--max-steps <n>', 'the step budget', 500_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/reinforce-cartpole')),
  async (flags: { maxSteps: number; seed: number; out: string }, print) =>
    solveSummaryLines('REINFORCE CartPole-v1', await runReinforceCartpole(flags)).forEach(print),
);

if (require.main === module) runMain(main);
