/**
 * TD3 on Pendulum-v1 with rl-zoo's hyperparameters (10,000 random steps, then Gaussian action noise 0.1,
 * learning rate 1e-3, gamma 0.98, networks [400, 300], one training phase per episode); `--ddpg` trains
 * DDPG instead (TD3 with DDPG_OVERRIDES). Prints the learning curve (mean return of 10 deterministic
 * episodes every 2,000 steps) against a uniformly random policy, then the mean over 100 episodes.
 *
 *   npx ts-node -T examples/rl/td3-pendulum.ts [--steps 20000] [--seed 0] [--out runs/rl/td3-pendulum] [--ddpg]
 */
import { runMain } from '@bigmodel/core';
import { DDPG_OVERRIDES, TD3_PRESETS, Td3, type Td3Config } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { learningCurveLines, trainWithLearningCurve, type LearningCurve } from './learning-curve';

export interface Td3PendulumSummary extends LearningCurve {
  example: 'rl/td3-pendulum';
  algorithm: 'td3' | 'ddpg';
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
  const agent = () => new Td3({ env: 'Pendulum-v1', ...TD3_PRESETS['Pendulum-v1'], ...(ddpg ? DDPG_OVERRIDES : {}), ...overrides, seed });
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
  return { example: 'rl/td3-pendulum', algorithm: ddpg ? 'ddpg' : 'td3', ...curve };
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/td3-pendulum.ts',
      "TD3 (or DDPG) on Pendulum-v1 with rl-zoo's hyperparameters: the learning curve, then the mean over 100 episodes.",
    )
      .addOption(countOption('--steps <n>', 'environment steps to train', 20_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/td3-pendulum'))
      .option('--ddpg', 'train DDPG (TD3 with DDPG_OVERRIDES) instead'),
  async (flags: { steps: number; seed: number; out: string; ddpg?: boolean }, print) => {
    const s = await runTd3Pendulum(flags);
    learningCurveLines(`${s.algorithm.toUpperCase()} Pendulum-v1`, s, 0).forEach(print);
  },
);

if (require.main === module) runMain(main);
