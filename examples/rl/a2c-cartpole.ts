/**
 * A2C on CartPole-v1 with rl-zoo's hyperparameters (8 environments, 5-step rollouts, RMSprop),
 * trained until the greedy policy averages >= 475 over 100 episodes (or the budget runs out).
 *
 *   npx ts-node -T examples/rl/a2c-cartpole.ts [--max-steps 500000] [--seed 0] [--out runs/rl/a2c-cartpole]
 */
import { initBackend, runMain } from '@bigmodel/core';
import { A2C_PRESETS, A2c } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { solveSummaryLines, trainUntilSolved, type SolveSummary } from './train-until-solved';

export async function runA2cCartpole(
  options: { maxSteps?: number; checkEvery?: number; seed?: number; out?: string; quiet?: boolean } = {},
): Promise<SolveSummary> {
  const { maxSteps = 500_000, checkEvery = 10_000, seed = 0, out = 'runs/rl/a2c-cartpole', quiet } = options;
  await initBackend();
  const agent = new A2c({ env: 'CartPole-v1', ...A2C_PRESETS['CartPole-v1'], seed });
  const summary = await trainUntilSolved(agent, { maxSteps, checkEvery, seed, out, quiet });
  agent.dispose();
  return summary;
}

export const main = exampleMain(
  () =>
    exampleProgram('rl/a2c-cartpole.ts', "A2C on CartPole-v1 with rl-zoo's hyperparameters, trained until solved (or the budget runs out).")
      .addOption(countOption('--max-steps <n>', 'the step budget', 500_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/a2c-cartpole')),
  async (flags: { maxSteps: number; seed: number; out: string }, print) =>
    solveSummaryLines('A2C CartPole-v1', await runA2cCartpole(flags)).forEach(print),
);

if (require.main === module) runMain(main);
