/**
 * DQN on Acrobot-v1 with rl-zoo's hyperparameters except one gradient step per 4 environment steps
 * (rl-zoo takes 4: `gradientSteps: -1`), a quarter of the compute on a shared machine, trained until
 * the greedy policy averages above the reward threshold (-100) over 100 episodes (or the budget
 * runs out).
 *
 *   npx ts-node -T examples/rl/dqn-acrobot.ts [--max-steps 100000] [--seed 0] [--out runs/rl/dqn-acrobot]
 */
import { initBackend, runMain } from '@bigmodel/core';
import { DQN_PRESETS, Dqn } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { solveSummaryLines, trainUntilSolved, type SolveSummary } from './train-until-solved';

export async function runDqnAcrobot(
  options: { maxSteps?: number; checkEvery?: number; checkEpisodes?: number; seed?: number; out?: string; quiet?: boolean } = {},
): Promise<SolveSummary> {
  const { maxSteps = 100_000, checkEvery = 5_000, checkEpisodes, seed = 0, out = 'runs/rl/dqn-acrobot', quiet } = options;
  await initBackend();
  // The schedule spans the whole budget, as rl-zoo's 100k-step run.
  const agent = new Dqn({ env: 'Acrobot-v1', ...DQN_PRESETS['Acrobot-v1'], gradientSteps: 1, seed });
  agent.totalTimesteps = maxSteps;
  const summary = await trainUntilSolved(agent, { maxSteps, checkEvery, checkEpisodes, seed, out, quiet });
  agent.dispose();
  return summary;
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/dqn-acrobot.ts',
      "DQN on Acrobot-v1 with rl-zoo's hyperparameters (one gradient step per 4 environment steps), trained until solved (or the budget runs out).",
    )
      .addOption(countOption('--max-steps <n>', 'the step budget', 100_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/dqn-acrobot')),
  async (flags: { maxSteps: number; seed: number; out: string }, print) =>
    solveSummaryLines('DQN Acrobot-v1', await runDqnAcrobot(flags)).forEach(print),
);

if (require.main === module) runMain(main);
