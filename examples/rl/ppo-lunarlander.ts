/**
 * PPO on LunarLander-v3 (discrete) with rl-zoo's hyperparameters for LunarLander (16 envs, n_steps
 * 1024, batch 64, GAE 0.98, gamma 0.999, 4 epochs, entropy 0.01, 1M steps; `PPO_PRESETS['LunarLander-v3']`,
 * the preset `bigmodel-rl train ppo --env LunarLander-v3` uses): prints the learning curve (mean return of
 * 10 greedy episodes every `--check-every` steps) against a uniformly random policy, then the final
 * policy's mean over 100 episodes. Measured over seeds 0-2 in docs/results/rl.md (all above the 200 threshold).
 *
 *   npx ts-node -T examples/rl/ppo-lunarlander.ts [--steps 1000000] [--seed 0] [--out runs/rl/ppo-lunarlander]
 */
import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { PPO_PRESETS, Ppo, evaluate, make, type PpoConfig } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';
import { flags } from './train-until-solved';

/** rl-zoo's `LunarLander-v2` PPO entry (hyperparams/ppo.yml), the rest at SB3's defaults: the package's preset. */
export const LUNAR_LANDER_PPO: Partial<PpoConfig> = PPO_PRESETS['LunarLander-v3'];

export interface PpoLunarLanderSummary {
  example: 'rl/ppo-lunarlander';
  steps: number;
  seed: number;
  randomPolicyReturn: number;
  /** [steps, mean return of 10 greedy episodes]. */
  curve: [number, number][];
  finalMeanReturn: number;
  finalStdReturn: number;
  trainSeconds: number;
}

export async function runPpoLunarLander(
  options: {
    steps?: number;
    checkEvery?: number;
    seed?: number;
    out?: string;
    quiet?: boolean;
    evalEpisodes?: number;
    overrides?: Partial<PpoConfig>;
  } = {},
): Promise<PpoLunarLanderSummary> {
  const { steps = 1_000_000, checkEvery = 65_536, seed = 0, out = 'runs/rl/ppo-lunarlander', quiet = false, evalEpisodes = 100 } = options;
  await initBackend();
  const env = make<Float32Array, number>('LunarLander-v3');
  const randomPolicy = { predict: () => env.actionSpace.sample() };
  env.actionSpace.seed(seed);
  const randomPolicyReturn = evaluate(randomPolicy, env, { episodes: 20, seed }).meanReturn;
  const agent = new Ppo({ env: 'LunarLander-v3', ...LUNAR_LANDER_PPO, ...options.overrides, seed });
  agent.totalTimesteps = steps;
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const bar = quiet ? undefined : progressBar('ppo LunarLander-v3', steps);
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
    example: 'rl/ppo-lunarlander',
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
  const checkEvery = flag('--check-every');
  runPpoLunarLander({
    steps: Number(flag('--steps') ?? 1_000_000),
    checkEvery: checkEvery === undefined ? undefined : Number(checkEvery),
    seed: Number(flag('--seed') ?? 0),
    out: flag('--out'),
  })
    .then((s) => {
      const curve = s.curve.map(([x, y]) => `${x}: ${y.toFixed(0)}`).join(', ');
      console.log(`PPO LunarLander-v3, random policy ${s.randomPolicyReturn.toFixed(0)}; curve: ${curve}`);
      const final = `${s.finalMeanReturn.toFixed(1)} ± ${s.finalStdReturn.toFixed(1)}`;
      console.log(`after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): ${final} over 100 episodes (solved at 200)`);
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
