/**
 * PPO with a diagonal Gaussian policy on Pendulum-v1 (rl-zoo's hyperparameters without gSDE,
 * observation and reward normalization): prints the learning curve (mean return of 10 greedy
 * episodes every `--check-every` steps) against a uniformly random policy.
 *
 *   npx ts-node -T examples/rl/ppo-pendulum.ts [--steps 200000] [--seed 0] [--out runs/rl/ppo-pendulum]
 */
import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { PPO_PRESETS, Ppo, evaluate, make, type PpoConfig } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';
import { flags } from './train-until-solved';

export interface PpoPendulumSummary {
  example: 'rl/ppo-pendulum';
  steps: number;
  seed: number;
  randomPolicyReturn: number;
  /** [steps, mean return of 10 greedy episodes]. */
  curve: [number, number][];
  finalMeanReturn: number;
  finalStdReturn: number;
  trainSeconds: number;
}

export async function runPpoPendulum(
  options: {
    steps?: number;
    checkEvery?: number;
    seed?: number;
    out?: string;
    quiet?: boolean;
    evalEpisodes?: number;
    overrides?: Partial<PpoConfig>;
  } = {},
): Promise<PpoPendulumSummary> {
  const {
    steps = 200_000,
    checkEvery = 20_480,
    seed = 0,
    out = 'runs/rl/ppo-pendulum',
    quiet = false,
    evalEpisodes = 100,
    overrides = {},
  } = options;
  await initBackend();
  const env = make<Float32Array, Float32Array>('Pendulum-v1');
  const randomPolicy = { predict: () => env.actionSpace.sample() };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: 20, seed }).meanReturn;
  const agent = new Ppo({ env: 'Pendulum-v1', ...PPO_PRESETS['Pendulum-v1'], ...overrides, seed });
  agent.totalTimesteps = steps;
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar('ppo Pendulum-v1', steps);
  const curve: [number, number][] = [];
  const started = performance.now();
  while (agent.numTimesteps < steps) {
    agent.learn(Math.min(checkEvery, steps - agent.numTimesteps), { logger });
    const check = evaluate(agent, env as never, { episodes: 10, seed: seed + 10_000 }).meanReturn;
    curve.push([agent.numTimesteps, check]);
    logger.log({ step: agent.numTimesteps, epoch: agent.numTimesteps, 'charts/evalMeanReturn': check });
    bar?.update(Math.min(agent.numTimesteps, steps), `eval ${check.toFixed(0)}`);
  }
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  const final = evaluate(agent, env as never, { episodes: evalEpisodes, seed: seed + 20_000 });
  agent.dispose();
  return {
    example: 'rl/ppo-pendulum',
    steps: agent.numTimesteps,
    seed,
    randomPolicyReturn,
    curve,
    finalMeanReturn: final.meanReturn,
    finalStdReturn: final.stdReturn,
    trainSeconds,
  };
}

if (require.main === module) {
  const flag = flags(process.argv.slice(2));
  tf.env().set('PROD', true);
  runPpoPendulum({ steps: Number(flag('--steps') ?? 200_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `PPO Pendulum-v1, random policy ${s.randomPolicyReturn.toFixed(0)}; curve: ${s.curve.map(([x, y]) => `${x}: ${y.toFixed(0)}`).join(', ')}`,
      );
      console.log(
        `after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): ${s.finalMeanReturn.toFixed(1)} ± ${s.finalStdReturn.toFixed(1)} over 100 episodes`,
      );
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
