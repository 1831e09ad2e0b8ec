/**
 * TD3 on MountainCarContinuous-v0 with rl-zoo's hyperparameters (Ornstein-Uhlenbeck exploration
 * noise of sigma 0.5, the rest Stable-Baselines3's defaults: networks [400, 300], learning rate 1e-3,
 * batch 256); `--sac` trains SAC with rl-zoo's entry instead (gSDE exploration, networks [64, 64],
 * 50,000 steps in rl-zoo: pass `--steps 50000`). Prints the learning curve (mean return of 5 deterministic episodes every
 * 10,000 steps) against a uniformly random policy, then the mean over 100 episodes. The task is
 * solved at a mean of 90 (the car reaches the flag, +100, spending little on its engine); a policy
 * that never pushes scores 0.
 *
 *   npx ts-node -T examples/rl/td3-mountaincar-continuous.ts [--steps 300000] [--check-every 10000] [--seed 0] [--out runs/rl/td3-mountaincar] [--sac]
 */
import { runMain } from '@bigmodel/core';
import { SAC_PRESETS, Sac, TD3_PRESETS, Td3, type SacConfig, type Td3Config } from '@bigmodel/rl';

import { exampleMain } from '../cli';
import {
  learningCurveLines,
  learningCurveProgram,
  trainWithLearningCurve,
  type LearningCurve,
  type LearningCurveFlags,
  type LearningCurveRun,
} from './learning-curve';

const ENV = 'MountainCarContinuous-v0';

export interface MountainCarContinuousSummary extends LearningCurve {
  example: 'rl/td3-mountaincar-continuous';
  algorithm: 'td3' | 'sac';
}

const DEFAULTS = { steps: 300_000, checkEvery: 10_000 };

export async function runMountainCarContinuous(
  options: LearningCurveRun & {
    /** Train SAC instead of TD3. */
    sac?: boolean;
    overrides?: Partial<Td3Config> & Partial<SacConfig>;
  } = {},
): Promise<MountainCarContinuousSummary> {
  const { sac = false, overrides = {} } = options;
  const agent = ({ seed }: { seed: number }) =>
    sac
      ? new Sac({ env: ENV, ...SAC_PRESETS[ENV], ...(overrides as Partial<SacConfig>), seed })
      : new Td3({ env: ENV, ...TD3_PRESETS[ENV], ...(overrides as Partial<Td3Config>), seed });
  const defaults = { ...DEFAULTS, out: `runs/rl/${sac ? 'sac' : 'td3'}-mountaincar` };
  const curve = await trainWithLearningCurve({ env: ENV, agent, defaults, checkEpisodes: 5, randomEpisodes: 5, digits: 1 }, options);
  return { example: 'rl/td3-mountaincar-continuous', algorithm: sac ? 'sac' : 'td3', ...curve };
}

export const main = exampleMain(
  () =>
    learningCurveProgram(
      'rl/td3-mountaincar-continuous.ts',
      `TD3 (or SAC) on ${ENV} with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.`,
      DEFAULTS,
      'run directory (default: runs/rl/td3-mountaincar, or runs/rl/sac-mountaincar with --sac)',
    ).option('--sac', "train SAC with rl-zoo's entry instead"),
  async (flags: LearningCurveFlags & { sac?: boolean }, print) => {
    const s = await runMountainCarContinuous(flags);
    learningCurveLines(`${s.algorithm.toUpperCase()} ${ENV}`, s, 1).forEach(print);
  },
);

if (require.main === module) runMain(main);
