/**
 * DQN on Acrobot-v1 with rl-zoo's hyperparameters except one gradient step per 4 environment steps
 * (rl-zoo takes 4: `gradientSteps: -1`), a quarter of the compute on a shared machine, trained until
 * the greedy policy averages above the reward threshold (-100) over 100 episodes (or the budget
 * runs out).
 *
 *   npx ts-node -T examples/rl/dqn-acrobot.ts [--max-steps 100000] [--seed 0] [--out runs/rl/dqn-acrobot]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';
import { DQN_PRESETS, Dqn } from '@bigmodel/rl';

import { flags, trainUntilSolved, type SolveSummary } from './train-until-solved';

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

if (require.main === module) {
  const flag = flags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runDqnAcrobot({ maxSteps: Number(flag('--max-steps') ?? 100_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `DQN Acrobot-v1: ${s.solved ? 'solved' : 'not solved'} at ${s.steps} steps (${s.trainSeconds.toFixed(0)} s), mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)}`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
