/**
 * DQN on CartPole-v1: trains for 50,000 environment steps, then evaluates the greedy policy over
 * 100 episodes (solved at a mean return >= 475). Hyperparameters are rl-zoo's tuned ones plus two
 * stabilizers, both on by default: the Double DQN target and a learning rate annealed linearly to 0
 * at the last step (rl-zoo's `lin_` schedule). With rl-zoo's exact entry (`--no-double
 * --lr-schedule constant`) the final greedy policy swings between 500 and ~150 late in training
 * on some seeds. Like rl-zoo's EvalCallback, it also evaluates every `--eval-every` steps (10
 * episodes, on a separate environment) and keeps the best network seen; both the final and the
 * best network are then evaluated over 100 fresh episodes and reported (the best one is saved under
 * `<out>/best`).
 *
 *   npx ts-node -T examples/rl/dqn-cartpole.ts [--steps 50000] [--seed 0] [--out runs/rl/dqn-cartpole] [--eval-every 2500] [--no-double] [--lr-schedule linear|constant]
 */
import { JsonlLogger, choiceOption, initBackend, integerOption, runMain } from '@bigmodel/core';
import { DQN_PRESETS, Dqn, evaluate, make } from '@bigmodel/rl';
import { join } from 'node:path';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { progressBar } from '../progress';

export interface DqnCartpoleSummary {
  example: 'rl/dqn-cartpole';
  steps: number;
  seed: number;
  meanReturn: number;
  stdReturn: number;
  /** The best network of the periodic evaluations: its step and its 100-episode evaluation. */
  best: { step: number; meanReturn: number; stdReturn: number } | null;
  evalEpisodes: number;
  trainSeconds: number;
}

export async function runDqnCartpole(
  options: {
    steps?: number;
    seed?: number;
    out?: string;
    evalEpisodes?: number;
    evalEvery?: number;
    /** The Double DQN target (default true). */
    doubleDqn?: boolean;
    /** rl-zoo's constant rate, or (default) annealed linearly to 0 at the last step. */
    learningRateSchedule?: 'constant' | 'linear';
    quiet?: boolean;
  } = {},
): Promise<DqnCartpoleSummary> {
  const {
    steps = 50_000,
    seed = 0,
    out = 'runs/rl/dqn-cartpole',
    evalEpisodes = 100,
    evalEvery = 0,
    doubleDqn = true,
    learningRateSchedule = 'linear',
    quiet = false,
  } = options;
  await initBackend();
  const agent = new Dqn({ env: 'CartPole-v1', ...DQN_PRESETS['CartPole-v1'], learningRateSchedule, doubleDqn, seed });
  const bar = quiet ? undefined : progressBar('dqn CartPole-v1', steps);
  const started = performance.now();
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  const checkEnv = make<Float32Array, number>('CartPole-v1');
  let best: { step: number; check: number; weights: Float32Array[] } | null = null;
  agent.learn(steps, {
    logger,
    onStep: (step) => {
      if (step % 500 === 0) bar?.update(step);
      if (evalEvery > 0 && step % evalEvery === 0) {
        const check = evaluate(agent, checkEnv, { episodes: 10, seed: 5000 + step }).meanReturn;
        logger.log({ step, epoch: step, 'charts/evalMeanReturn': check });
        if (best === null || check > best.check) best = { step, check, weights: agent.qNet.getWeights() };
      }
    },
  });
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  const { meanReturn, stdReturn } = evaluate(agent, make('CartPole-v1'), { episodes: evalEpisodes, seed: 1000 + seed });
  let bestSummary: DqnCartpoleSummary['best'] = null;
  const kept = best as { step: number; check: number; weights: Float32Array[] } | null;
  if (kept !== null) {
    agent.qNet.setWeights(kept.weights);
    const result = evaluate(agent, make('CartPole-v1'), { episodes: evalEpisodes, seed: 1000 + seed });
    bestSummary = { step: kept.step, meanReturn: result.meanReturn, stdReturn: result.stdReturn };
    await agent.save(join(out, 'best'));
  }
  agent.dispose();
  return { example: 'rl/dqn-cartpole', steps, seed, meanReturn, stdReturn, best: bestSummary, evalEpisodes, trainSeconds };
}

interface DqnCartpoleFlags {
  steps: number;
  seed: number;
  out: string;
  evalEvery: number;
  double: boolean;
  lrSchedule: 'linear' | 'constant';
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/dqn-cartpole.ts',
      "DQN on CartPole-v1 with rl-zoo's hyperparameters plus the Double DQN target and a linearly annealed learning rate.",
    )
      .addOption(countOption('--steps <n>', 'environment steps to train', 50_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/dqn-cartpole'))
      .addOption(
        integerOption('--eval-every <n>', 'steps between the evaluations that keep the best network, 0 none', { min: 0, max: 1e9 }, 2500),
      )
      .option('--no-double', "rl-zoo's plain DQN target instead of Double DQN's")
      .addOption(
        choiceOption(
          '--lr-schedule <kind>',
          'learning rate: annealed linearly to 0, or constant (rl-zoo)',
          ['linear', 'constant'],
          'linear',
        ),
      ),
  async (flags: DqnCartpoleFlags, print) => {
    const { double, lrSchedule, ...rest } = flags;
    const s = await runDqnCartpole({ ...rest, doubleDqn: double, learningRateSchedule: lrSchedule });
    print(
      `DQN CartPole-v1 after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)} over ${s.evalEpisodes} episodes`,
    );
    if (s.best)
      print(
        `best periodic network (step ${s.best.step}): ${s.best.meanReturn.toFixed(1)} ± ${s.best.stdReturn.toFixed(1)} over ${s.evalEpisodes} episodes`,
      );
    print(JSON.stringify(s));
  },
);

if (require.main === module) runMain(main);
