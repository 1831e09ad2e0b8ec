/**
 * DQN on CartPole-v1 with rl-zoo's tuned hyperparameters: trains for 50,000 environment steps, then
 * evaluates the greedy policy over 100 episodes (solved at a mean return >= 475).
 *
 *   npx ts-node -T examples/rl/dqn-cartpole.ts [--steps 50000] [--seed 0] [--out runs/rl/dqn-cartpole]
 */
import * as tf from '@tensorflow/tfjs';
import { JsonlLogger, initBackend } from '@bigmodel/core';
import { DQN_PRESETS, Dqn, evaluate, make } from '@bigmodel/rl';
import { join } from 'node:path';

import { progressBar } from '../progress';

export interface DqnCartpoleSummary {
  example: 'rl/dqn-cartpole';
  steps: number;
  seed: number;
  meanReturn: number;
  stdReturn: number;
  evalEpisodes: number;
  trainSeconds: number;
}

export async function runDqnCartpole(options: { steps?: number; seed?: number; out?: string; evalEpisodes?: number; quiet?: boolean } = {}): Promise<DqnCartpoleSummary> {
  const { steps = 50_000, seed = 0, out = 'runs/rl/dqn-cartpole', evalEpisodes = 100, quiet = false } = options;
  await initBackend();
  const agent = new Dqn({ env: 'CartPole-v1', ...DQN_PRESETS['CartPole-v1'], seed });
  const bar = quiet ? undefined : progressBar('dqn CartPole-v1', steps);
  const started = performance.now();
  agent.learn(steps, { logger: new JsonlLogger(join(out, 'metrics.jsonl')), onStep: (step) => void (step % 500 === 0 && bar?.update(step)) });
  bar?.done();
  const trainSeconds = (performance.now() - started) / 1000;
  await agent.save(out);
  const { meanReturn, stdReturn } = evaluate(agent, make('CartPole-v1'), { episodes: evalEpisodes, seed: 1000 + seed });
  agent.dispose();
  return { example: 'rl/dqn-cartpole', steps, seed, meanReturn, stdReturn, evalEpisodes, trainSeconds };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  tf.env().set('PROD', true);
  runDqnCartpole({ steps: Number(flag('--steps') ?? 50_000), seed: Number(flag('--seed') ?? 0), out: flag('--out') ?? 'runs/rl/dqn-cartpole' })
    .then((s) => {
      console.log(`DQN CartPole-v1 after ${s.steps} steps (${s.trainSeconds.toFixed(0)} s): mean return ${s.meanReturn.toFixed(1)} ± ${s.stdReturn.toFixed(1)} over ${s.evalEpisodes} episodes`);
      console.log(JSON.stringify(s));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
