/**
 * TD3 on Pendulum-v1 with rl-zoo's hyperparameters (10,000 random steps, then Gaussian action noise 0.1,
 * learning rate 1e-3, gamma 0.98, networks [400, 300], one training phase per episode); `--ddpg` trains
 * DDPG instead (TD3 with DDPG_OVERRIDES). Prints the learning curve (mean return of 10 deterministic
 * episodes every 2,000 steps) against a uniformly random policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/td3-pendulum.ts [--steps 20000] [--seed 0] [--out runs/rl/td3-pendulum] [--ddpg]
 */
import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { DDPG_OVERRIDES, TD3_PRESETS, Td3, evaluate, make, type Td3Config } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';
import { flags } from './train-until-solved';

export interface Td3PendulumSummary {
  example: 'rl/td3-pendulum';
  algorithm: 'td3' | 'ddpg';
  steps: number;
  seed: number;
  randomPolicyReturn: number;
  /** [steps, mean return of 10 deterministic episodes]. */
  curve: [number, number][];
  finalMeanReturn: number;
  finalStdReturn: number;
  trainSeconds: number;
}

export async function runTd3Pendulum(
  options: {
    steps?: number;
    checkEvery?: number;
    seed?: number;
    out?: string;
    quiet?: boolean;
    evalEpisodes?: number;
    /** Train DDPG (TD3 with DDPG_OVERRIDES) instead. */
    ddpg?: boolean;
    overrides?: Partial<Td3Config>;
  } = {},
): Promise<Td3PendulumSummary> {
  const {
    steps = 20_000,
    checkEvery = 2_000,
    seed = 0,
    out = 'runs/rl/td3-pendulum',
    quiet = false,
    evalEpisodes = 100,
    ddpg = false,
    overrides = {},
  } = options;
  await initBackend();
  const env = make<Float32Array, Float32Array>('Pendulum-v1');
  const randomPolicy = { predict: () => env.actionSpace.sample() };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: 20, seed }).meanReturn;
  const agent = new Td3({ env: 'Pendulum-v1', ...TD3_PRESETS['Pendulum-v1'], ...(ddpg ? DDPG_OVERRIDES : {}), ...overrides, seed });
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar(`${agent.algorithm} Pendulum-v1`, steps);
  const curve: [number, number][] = [];
  const started = performance.now();
  while (agent.numTimesteps < steps) {
    agent.learn(Math.min(checkEvery, steps - agent.numTimesteps), { logger });
    const check = evaluate(agent, env, { episodes: 10, seed: seed + 10_000 }).meanReturn;
    curve.push([agent.numTimesteps, check]);
    logger.log({ step: agent.numTimesteps, epoch: agent.numTimesteps, 'charts/evalMeanReturn': check });
    bar?.update(Math.min(agent.numTimesteps, steps), `eval ${check.toFixed(0)}`);
  }
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  const final = evaluate(agent, env, { episodes: evalEpisodes, seed: seed + 20_000 });
  agent.dispose();
  return {
    example: 'rl/td3-pendulum',
    algorithm: agent.algorithm,
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
  runTd3Pendulum({
    steps: Number(flag('--steps') ?? 20_000),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
    ddpg: process.argv.includes('--ddpg'),
  })
    .then((s) => {
      console.log(
        `${s.algorithm.toUpperCase()} Pendulum-v1, random policy ${s.randomPolicyReturn.toFixed(0)}; curve: ${s.curve.map(([x, y]) => `${x}: ${y.toFixed(0)}`).join(', ')}`,
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
