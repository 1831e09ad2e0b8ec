#!/usr/bin/env node
/**
 * `bigmodel-rl`: train an agent on a registered environment, or evaluate a saved one.
 *
 *   bigmodel-rl train <dqn|reinforce|a2c|ppo> --env CartPole-v1 --total-steps 50000 --seed 0 --out runs/dqn [--config hp.json]
 *       [--eval-every 5000] [--eval-episodes 10] [--checkpoint-every 5000] [--resume]
 *   bigmodel-rl eval runs/dqn --episodes 100 --seed 0
 */
import * as tf from '@tensorflow/tfjs';
import { BigModelError, InvalidArgumentError, formatBackendInfo, initBackend } from '@bigmodel/core';

import { integerFlag, parseFlags, parseTrain, runEval, runTrain } from './args';

const USAGE = `Usage: bigmodel-rl train <dqn|reinforce|a2c|ppo> --env ID --total-steps N --seed S --out DIR [--config file.json] [--eval-every N] [--eval-episodes N]
         [--checkpoint-every N (default total/10; 0: none)] [--resume (continue the run checkpointed in --out)]
       bigmodel-rl eval DIR --episodes N --seed S`;

/** A one-line progress bar on stderr (redrawn in place on a terminal, every 10% otherwise). */
function progressBar(label: string) {
  const started = performance.now();
  let lastDecile = -1;
  return (done: number, total: number, suffix = '') => {
    const decile = Math.floor((done / total) * 10);
    if (!process.stderr.isTTY && decile === lastDecile && done !== total) return;
    lastDecile = decile;
    const width = 28;
    const filled = Math.round((done / total) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)}s ${suffix}`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    if (done === total && process.stderr.isTTY) process.stderr.write('\n');
  };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  tf.env().set('PROD', true);
  if (command === 'train') {
    const train = parseTrain(rest);
    console.log(formatBackendInfo(await initBackend()));
    const bar = progressBar(`${train.algorithm} ${train.env}`);
    const { agent, evaluation } = await runTrain(train, {
      onProgress: (step, total, lastEval) => bar(step, total, lastEval ? `eval ${lastEval.meanReturn.toFixed(1)}` : ''),
    });
    console.log(`saved to ${train.out}; ${agent.numTimesteps} steps; evaluation over ${train.evalEpisodes} episodes: ${evaluation.meanReturn.toFixed(2)} ± ${evaluation.stdReturn.toFixed(2)}`);
    agent.dispose();
  } else if (command === 'eval') {
    const { positional, flags } = parseFlags(rest);
    const dir = positional[0];
    if (!dir) throw new InvalidArgumentError({ parameter: 'DIR', value: dir, message: `eval needs the run directory.\n${USAGE}` });
    const episodes = Math.max(1, integerFlag(flags, 'episodes', 100));
    const seed = integerFlag(flags, 'seed', 0);
    await initBackend();
    const bar = progressBar(`eval ${dir}`);
    const result = await runEval(dir, episodes, seed, (done) => bar(done, episodes));
    console.log(JSON.stringify(result));
  } else {
    console.log(USAGE);
    process.exitCode = command === undefined || command === '--help' ? 0 : 1;
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(BigModelError.isInstance(error) ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
