/**
 * PPO with a diagonal Gaussian policy on Pendulum-v1 (rl-zoo's hyperparameters without gSDE,
 * observation and reward normalization): prints the learning curve (mean return of 10 greedy
 * episodes every `--check-every` steps) against a uniformly random policy.
 *
 *   npx ts-node -T examples/rl/ppo-pendulum.ts [--steps 200000] [--check-every 20480] [--seed 0] [--out runs/rl/ppo-pendulum]
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

export interface PpoPendulumSummary extends LearningCurve {
  example: 'rl/ppo-pendulum';
}

const DEFAULTS = { steps: 200_000, checkEvery: 20_480, out: 'runs/rl/ppo-pendulum' };

export async function runPpoPendulum(options: LearningCurveRun & { overrides?: Partial<PpoConfig> } = {}): Promise<PpoPendulumSummary> {
  const agent = ({ seed, steps }: { seed: number; steps: number }) => {
    const ppo = new Ppo({ env: 'Pendulum-v1', ...PPO_PRESETS['Pendulum-v1'], ...options.overrides, seed });
    ppo.totalTimesteps = steps;
    return ppo;
  };
  const curve = await trainWithLearningCurve({ env: 'Pendulum-v1', agent, defaults: DEFAULTS }, options);
  return { example: 'rl/ppo-pendulum', ...curve };
}

export const main = exampleMain(
  () =>
    learningCurveProgram(
      'rl/ppo-pendulum.ts',
      'PPO with a Gaussian policy on Pendulum-v1: the learning curve, then the mean over 100 episodes.',
      DEFAULTS,
    ),
  async (flags: LearningCurveFlags, print) => learningCurveLines('PPO Pendulum-v1', await runPpoPendulum(flags), 0).forEach(print),
);

if (require.main === module) runMain(main);
