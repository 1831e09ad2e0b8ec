/**
 * PPO on CartPole-v1 with rl-zoo's tuned hyperparameters (8 environments, linear schedules): trains
 * for 100,000 environment steps, then evaluates the greedy policy over 100 episodes.
 *
 *   npx ts-node -T examples/rl/ppo-cartpole.ts [--steps 100000] [--seed 0] [--out runs/rl/ppo-cartpole]
 */
import { JsonlLogger, initBackend, runMain, writePng } from '@bigmodel/core';
import { PPO_PRESETS, Ppo, evaluate, make } from '@bigmodel/rl';
import { join } from 'node:path';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';
import { progressBar } from '../progress';

export interface PpoCartpoleSummary {
  example: 'rl/ppo-cartpole';
  steps: number;
  seed: number;
  meanReturn: number;
  stdReturn: number;
  evalEpisodes: number;
  trainSeconds: number;
}

export async function runPpoCartpole(
  options: { steps?: number; seed?: number; out?: string; evalEpisodes?: number; quiet?: boolean } = {},
): Promise<PpoCartpoleSummary> {
  const { steps = 100_000, seed = 0, out = 'runs/rl/ppo-cartpole', evalEpisodes = 100, quiet = false } = options;
  await initBackend();
  const agent = new Ppo({ env: 'CartPole-v1', ...PPO_PRESETS['CartPole-v1'], seed });
  const bar = quiet ? undefined : progressBar('ppo CartPole-v1', steps);
  const started = performance.now();
  const logger = new JsonlLogger(join(out, 'metrics.jsonl'));
  agent.learn(steps, { logger, onStep: (step) => bar?.update(Math.min(step, steps)) });
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  // A frame of the trained policy, 100 steps into an episode, for the dashboard's images panel.
  const show = make<Float32Array, number>('CartPole-v1');
  let { observation } = show.reset({ seed });
  for (let t = 0; t < 100; t++) {
    const step = show.step(agent.predict(observation) as number);
    observation = step.observation;
    if (step.terminated || step.truncated) break;
  }
  writePng(join(out, 'images', 'cartpole.png'), show.render());
  logger.log({ step: agent.numTimesteps, 'images/cartpole': 'images/cartpole.png' });
  if (!quiet) process.stderr.write(`ppo CartPole-v1: evaluating the greedy policy over ${evalEpisodes} episodes\n`);
  const { meanReturn, stdReturn } = evaluate(agent, make('CartPole-v1'), { episodes: evalEpisodes, seed: 1000 + seed });
  agent.dispose();
  return { example: 'rl/ppo-cartpole', steps: agent.numTimesteps, seed, meanReturn, stdReturn, evalEpisodes, trainSeconds };
}

export const main = exampleMain(
  () =>
    exampleProgram(
      'rl/ppo-cartpole.ts',
      "PPO on CartPole-v1 with rl-zoo's tuned hyperparameters, then the greedy policy's mean over 100 episodes.",
    )
      .addOption(countOption('--steps <n>', 'environment steps to train', 100_000))
      .addOption(seedOption())
      .addOption(outOption('run directory', 'runs/rl/ppo-cartpole')),
  async (flags: { steps: number; seed: number; out: string }, print) => {
    const s = await runPpoCartpole(flags);
    print(
      `PPO CartPole-v1 after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)} over ${s.evalEpisodes} episodes`,
    );
    print(JSON.stringify(s));
  },
);

if (require.main === module) runMain(main);
