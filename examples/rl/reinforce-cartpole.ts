/**
 * REINFORCE with a learned baseline on CartPole-v1, trained until the greedy policy averages >= 475
 * over 100 episodes (or the budget runs out), reporting the steps it took.
 *
 *   npx ts-node -T examples/rl/reinforce-cartpole.ts [--max-steps 500000] [--seed 0] [--out runs/rl/reinforce-cartpole]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';
import { Reinforce } from '@bigmodel/rl';

import { flags, trainUntilSolved, type SolveSummary } from './train-until-solved';

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

if (require.main === module) {
  const flag = flags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runReinforceCartpole({ maxSteps: Number(flag('--max-steps') ?? 500_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `REINFORCE CartPole-v1: ${s.solved ? 'solved' : 'not solved'} at ${s.steps} steps (${s.trainSeconds.toFixed(0)} s), mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)}`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
