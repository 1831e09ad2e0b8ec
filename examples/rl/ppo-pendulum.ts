/**
 * PPO with a diagonal Gaussian policy on Pendulum-v1 (rl-zoo's hyperparameters without gSDE,
 * observation and reward normalization): prints the learning curve (mean return of 10 greedy
 * episodes every `--check-every` steps) against a uniformly random policy.
 *
 *   npx ts-node -T examples/rl/ppo-pendulum.ts [--steps 200000] [--check-every 20480] [--seed 0] [--out runs/rl/ppo-pendulum]
 */
import { runMain } from '@bigmodel/core';
import { PPO_PRESETS, Ppo, type PpoConfig } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { learningCurveLines, trainWithLearningCurve, type LearningCurve } from './learning-curve';

export interface PpoPendulumSummary extends LearningCurve {
  example: 'rl/ppo-pendulum';
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
  const agent = () => {
    const ppo = new Ppo({ env: 'Pendulum-v1', ...PPO_PRESETS['Pendulum-v1'], ...overrides, seed });
    ppo.totalTimesteps = steps;
    return ppo;
  };
  const curve = await trainWithLearningCurve({
    env: 'Pendulum-v1',
    agent,
    steps,
    checkEvery,
    checkEpisodes: 10,
    randomEpisodes: 20,
    evalEpisodes,
    seed,
    out,
    quiet,
    digits: 0,
  });
  return { example: 'rl/ppo-pendulum', ...curve };
}

export const main = exampleMain(
  () =>
    exampleProgram('rl/ppo-pendulum.ts', 'PPO with a Gaussian policy on Pendulum-v1: the learning curve, then the mean over 100 episodes.')
      .addOption(countOption('--steps <n>', 'environment steps to train', 200_000))
      .addOption(countOption('--check-every <n>', 'steps between curve points', 20_480))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/ppo-pendulum')),
  async (flags: { steps: number; checkEvery: number; seed: number; out: string }, print) => {
    const s = await runPpoPendulum(flags);
    learningCurveLines('PPO Pendulum-v1', s, 0).forEach(print);
  },
);

if (require.main === module) runMain(main);
