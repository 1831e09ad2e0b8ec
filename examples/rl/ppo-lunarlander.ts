/**
 * PPO on LunarLander-v3 (discrete) with rl-zoo's hyperparameters for LunarLander (16 envs, n_steps
 * 1024, batch 64, GAE 0.98, gamma 0.999, 4 epochs, entropy 0.01, 1M steps; `PPO_PRESETS['LunarLander-v3']`,
 * the preset `bigmodel-rl train ppo --env LunarLander-v3` uses): prints the learning curve (mean return of
 * 10 greedy episodes every `--check-every` steps) against a uniformly random policy, then the final
 * policy's mean over 100 episodes. Measured over seeds 0-2 in docs/results/rl.md (all above the 200 threshold).
 *
 *   npx ts-node -T examples/rl/ppo-lunarlander.ts [--steps 1000000] [--check-every 65536] [--seed 0] [--out runs/rl/ppo-lunarlander]
 */
import { runMain } from '@bigmodel/core';
import { PPO_PRESETS, Ppo, type PpoConfig } from '@bigmodel/rl';

import { exampleMain } from '../cli';
import {
  learningCurveLines,
  learningCurveProgram,
  trainWithLearningCurve,
  type LearningCurve,
  type LearningCurveFlags,
  type LearningCurveRun,
} from './learning-curve';

/** rl-zoo's `LunarLander-v2` PPO entry (hyperparams/ppo.yml), the rest at SB3's defaults: the package's preset. */
export const LUNAR_LANDER_PPO: Partial<PpoConfig> = PPO_PRESETS['LunarLander-v3'];

export interface PpoLunarLanderSummary extends LearningCurve {
  example: 'rl/ppo-lunarlander';
}

const DEFAULTS = { steps: 1_000_000, checkEvery: 65_536, out: 'runs/rl/ppo-lunarlander' };

export async function runPpoLunarLander(
  options: LearningCurveRun & { overrides?: Partial<PpoConfig> } = {},
): Promise<PpoLunarLanderSummary> {
  const agent = ({ seed, steps }: { seed: number; steps: number }) => {
    const ppo = new Ppo({ env: 'LunarLander-v3', ...LUNAR_LANDER_PPO, ...options.overrides, seed });
    ppo.totalTimesteps = steps;
    return ppo;
  };
  const curve = await trainWithLearningCurve({ env: 'LunarLander-v3', agent, defaults: DEFAULTS }, options);
  return { example: 'rl/ppo-lunarlander', ...curve };
}

export const main = exampleMain(
  () =>
    learningCurveProgram(
      'rl/ppo-lunarlander.ts',
      "PPO on LunarLander-v3 with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.",
      DEFAULTS,
    ),
  async (flags: LearningCurveFlags, print) =>
    learningCurveLines('PPO LunarLander-v3', await runPpoLunarLander(flags), 0, ' (solved at 200)').forEach(print),
);

if (require.main === module) runMain(main);
