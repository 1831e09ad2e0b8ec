/**
 * SAC on Pendulum-v1 with rl-zoo's hyperparameters (learning rate 1e-3, the rest Stable-Baselines3's
 * defaults: twin critics [256, 256], batch 256, automatic entropy tuning): prints the learning
 * curve (mean return of 10 deterministic episodes every 2,000 steps) against a uniformly random
 * policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/sac-pendulum.ts [--steps 20000] [--seed 0] [--out runs/rl/sac-pendulum]
 */
import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { SAC_PRESETS, Sac, evaluate, make, type SacConfig } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';
import { flags } from './train-until-solved';

export interface SacPendulumSummary {
  example: 'rl/sac-pendulum';
  steps: number;
  seed: number;
  randomPolicyReturn: number;
  /** [steps, mean return of 10 deterministic episodes]. */
  curve: [number, number][];
  finalMeanReturn: number;
  finalStdReturn: number;
  trainSeconds: number;
}

export async function runSacPendulum(
  options: {
    steps?: number;
    checkEvery?: number;
    seed?: number;
    out?: string;
    quiet?: boolean;
    evalEpisodes?: number;
    overrides?: Partial<SacConfig>;
  } = {},
): Promise<SacPendulumSummary> {
  const {
    steps = 20_000,
    checkEvery = 2_000,
    seed = 0,
    out = 'runs/rl/sac-pendulum',
    quiet = false,
    evalEpisodes = 100,
    overrides = {},
  } = options;
  await initBackend();
  const env = make<Float32Array, Float32Array>('Pendulum-v1');
  const randomPolicy = { predict: () => env.actionSpace.sample() };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: 20, seed }).meanReturn;
  const agent = new Sac({ env: 'Pendulum-v1', ...SAC_PRESETS['Pendulum-v1'], ...overrides, seed });
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar('sac Pendulum-v1', steps);
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
    example: 'rl/sac-pendulum',
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
  runSacPendulum({ steps: Number(flag('--steps') ?? 20_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') })
    .then((s) => {
      console.log(
        `SAC Pendulum-v1, random policy ${s.randomPolicyReturn.toFixed(0)}; curve: ${s.curve.map(([x, y]) => `${x}: ${y.toFixed(0)}`).join(', ')}`,
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
