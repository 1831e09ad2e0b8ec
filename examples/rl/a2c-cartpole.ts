/**
 * A2C on CartPole-v1 with rl-zoo's hyperparameters (8 environments, 5-step rollouts, RMSprop),
 * trained until the greedy policy averages >= 475 over 100 episodes (or the budget runs out).
 *
 *   npx ts-node -T examples/rl/a2c-cartpole.ts [--max-steps 500000] [--seed 0] [--out runs/rl/a2c-cartpole]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';
import { A2C_PRESETS, A2c } from '@bigmodel/rl';

import { flags, trainUntilSolved, type SolveSummary } from './train-until-solved';

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

if (require.main === module) {
  const flag = flags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runA2cCartpole({ maxSteps: Number(flag('--max-steps') ?? 500_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `A2C CartPole-v1: ${s.solved ? 'solved' : 'not solved'} at ${s.steps} steps (${s.trainSeconds.toFixed(0)} s), mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)}`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
