/**
 * TD3 on Pendulum-v1 with rl-zoo's hyperparameters (10,000 random steps, then Gaussian action noise 0.1,
 * learning rate 1e-3, gamma 0.98, networks [400, 300], one training phase per episode); `--ddpg` trains
 * DDPG instead (TD3 with DDPG_OVERRIDES). Prints the learning curve (mean return of 10 deterministic
 * episodes every 2,000 steps) against a uniformly random policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/td3-pendulum.ts [--steps 20000] [--check-every 2000] [--seed 0] [--out runs/rl/td3-pendulum] [--ddpg]
 */
import { runMain } from '@bigmodel/core';
import { DDPG_OVERRIDES, TD3_PRESETS, Td3, type Td3Config } from '@bigmodel/rl';

import { exampleMain } from '../cli';
import {
  learningCurveLines,
  learningCurveProgram,
  trainWithLearningCurve,
  type LearningCurve,
  type LearningCurveFlags,
  type LearningCurveRun,
} from './learning-curve';

export interface Td3PendulumSummary extends LearningCurve {
  example: 'rl/td3-pendulum';
  algorithm: 'td3' | 'ddpg';
}

const DEFAULTS = { steps: 20_000, checkEvery: 2_000, out: 'runs/rl/td3-pendulum' };

export async function runTd3Pendulum(
  options: LearningCurveRun & {
    /** Train DDPG (TD3 with DDPG_OVERRIDES) instead. */
    ddpg?: boolean;
    overrides?: Partial<Td3Config>;
  } = {},
): Promise<Td3PendulumSummary> {
  const { ddpg = false } = options;
  const agent = ({ seed }: { seed: number }) =>
    new Td3({ env: 'Pendulum-v1', ...TD3_PRESETS['Pendulum-v1'], ...(ddpg ? DDPG_OVERRIDES : {}), ...options.overrides, seed });
  const curve = await trainWithLearningCurve({ env: 'Pendulum-v1', agent, defaults: DEFAULTS }, options);
  return { example: 'rl/td3-pendulum', algorithm: ddpg ? 'ddpg' : 'td3', ...curve };
}

export const main = exampleMain(
  () =>
    learningCurveProgram(
      'rl/td3-pendulum.ts',
      "TD3 (or DDPG) on Pendulum-v1 with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.",
      DEFAULTS,
    ).option('--ddpg', 'train DDPG (TD3 with DDPG_OVERRIDES) instead'),
  async (flags: LearningCurveFlags & { ddpg?: boolean }, print) => {
    const s = await runTd3Pendulum(flags);
    learningCurveLines(`${s.algorithm.toUpperCase()} Pendulum-v1`, s, 0).forEach(print);
  },
);

if (require.main === module) runMain(main);
