/**
 * SAC on Pendulum-v1 with rl-zoo's hyperparameters (learning rate 1e-3, the rest Stable-Baselines3's
 * defaults: twin critics [256, 256], batch 256, automatic entropy tuning): prints the learning
 * curve (mean return of 10 deterministic episodes every 2,000 steps) against a uniformly random
 * policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/sac-pendulum.ts [--steps 20000] [--seed 0] [--out runs/rl/sac-pendulum]
 */
import { runMain } from '@bigmodel/core';
import { SAC_PRESETS, Sac, type SacConfig } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { learningCurveLines, trainWithLearningCurve, type LearningCurve } from './learning-curve';

export interface SacPendulumSummary extends LearningCurve {
  example: 'rl/sac-pendulum';
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
  const agent = () => new Sac({ env: 'Pendulum-v1', ...SAC_PRESETS['Pendulum-v1'], ...overrides, seed });
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
  return { example: 'rl/sac-pendulum', ...curve };
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/sac-pendulum.ts',
      "SAC on Pendulum-v1 with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.",
    )
      .addOption(countOption('--steps <n>', 'environment steps to train', 20_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/sac-pendulum')),
  async (flags: { steps: number; seed: number; out: string }, print) => {
    const s = await runSacPendulum(flags);
    learningCurveLines('SAC Pendulum-v1', s, 0).forEach(print);
  },
);

if (require.main === module) runMain(main);
