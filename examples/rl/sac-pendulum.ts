/**
 * SAC on Pendulum-v1 with rl-zoo's hyperparameters (learning rate 1e-3, the rest Stable-Baselines3's
 * defaults: twin critics [256, 256], batch 256, automatic entropy tuning): prints the learning
 * curve (mean return of 10 deterministic episodes every 2,000 steps) against a uniformly random
 * policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/sac-pendulum.ts [--steps 20000] [--check-every 2000] [--seed 0] [--out runs/rl/sac-pendulum]
 */
import { runMain } from '@bigmodel/core';
import { SAC_PRESETS, Sac, type SacConfig } from '@bigmodel/rl';

import { exampleMain } from '../cli';
import {
  learningCurveLines,
  learningCurveProgram,
  trainWithLearningCurve,
  type LearningCurve,
  type LearningCurveFlags,
  type LearningCurveRun,
} from './learning-curve';

export interface SacPendulumSummary extends LearningCurve {
  example: 'rl/sac-pendulum';
}

const DEFAULTS = { steps: 20_000, checkEvery: 2_000, out: 'runs/rl/sac-pendulum' };

export async function runSacPendulum(options: LearningCurveRun & { overrides?: Partial<SacConfig> } = {}): Promise<SacPendulumSummary> {
  const agent = ({ seed }: { seed: number }) => new Sac({ env: 'Pendulum-v1', ...SAC_PRESETS['Pendulum-v1'], ...options.overrides, seed });
  const curve = await trainWithLearningCurve({ env: 'Pendulum-v1', agent, defaults: DEFAULTS }, options);
  return { example: 'rl/sac-pendulum', ...curve };
}

export const main = exampleMain(
  () =>
    learningCurveProgram(
      'rl/sac-pendulum.ts',
      "SAC on Pendulum-v1 with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.",
      DEFAULTS,
    ),
  async (flags: LearningCurveFlags, print) => learningCurveLines('SAC Pendulum-v1', await runSacPendulum(flags), 0).forEach(print),
);

if (require.main === module) runMain(main);
