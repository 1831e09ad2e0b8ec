#!/usr/bin/env node
/**
 * `bigmodel-rl`: train an agent on a registered environment, or evaluate a saved one.
 *
 *   bigmodel-rl train <dqn|reinforce|a2c|ppo|sac|td3|ddpg> --total-steps 50000 --out runs/dqn
 *       [--env CartPole-v1] [--seed 0] [--config hp.json]
 *       [--eval-every 5000] [--eval-episodes 10]
 *   bigmodel-rl eval runs/dqn [--episodes 100] [--seed 0]
 *
 * `bigmodel-rl --help` (or `train --help`) lists every flag with its range and default.
 */
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  cliAction,
  cliProgram,
  formatBackendInfo,
  initBackend,
  integerOption,
  processIo,
  runCli,
  runMain,
  type CliIo,
  type CliStream,
} from '@bigmodel/core';

import { loadAgent } from '../agents/load-agent';
import { registry } from '../env/registry';
import { MAX_EPISODES, runEval, runTrain, SEED_RANGE, trainCommand, trainPlan } from './args';

/** A one-line progress bar on `stream` (redrawn in place on a terminal, every 10% otherwise). */
function progressBar(label: string, stream: CliStream) {
  const started = performance.now();
  let lastDecile = -1;
  return (done: number, total: number, suffix = '') => {
    const decile = Math.floor((done / total) * 10);
    if (!stream.isTTY && decile === lastDecile && done !== total) return;
    lastDecile = decile;
    const width = 28;
    const filled = Math.round((done / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const line = `${label} ${bar} ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)}s ${suffix}`;
    stream.write(stream.isTTY ? `\r${line}` : `${line}\n`);
    if (done === total && stream.isTTY) stream.write('\n');
  };
}

/** The `bigmodel-rl` program, writing to `io`. */
export function rlProgram(io: CliIo) {
  const say = (line: string) => void io.stdout.write(`${line}\n`);
  const program = cliProgram('bigmodel-rl', 'Trains reinforcement-learning agents on registered environments and evaluates saved ones.');
  const environments = `Environments: ${[...registry.keys()].join(', ')}`;
  program.addHelpText('after', `\n${environments}\nExit status: 0 done, 1 failed while running, 2 usage error (nothing run).\n`);

  cliAction(program.addCommand(trainCommand()).commands.at(-1)!, trainPlan, async (train) => {
    tf.env().set('PROD', true);
    say(formatBackendInfo(await initBackend()));
    const bar = progressBar(`${train.algorithm} ${train.env}`, io.stderr);
    const { agent, evaluation, kept } = await runTrain(train, {
      onProgress: (step, total, lastEval) => bar(step, total, lastEval ? `eval ${lastEval.meanReturn.toFixed(1)}` : ''),
    });
    const score = (e: { meanReturn: number; stdReturn: number }) => `${e.meanReturn.toFixed(2)} ± ${e.stdReturn.toFixed(2)}`;
    const episodes = `${train.evalEpisodes} episodes`;
    if (kept.step === agent.numTimesteps) {
      say(`saved to ${train.out}; ${agent.numTimesteps} steps; evaluation over ${episodes}: ${score(evaluation)}`);
    } else {
      say(
        `saved to ${train.out} the best evaluated network (step ${kept.step}, evaluation over ${episodes}: ${score(kept)}); ` +
          `the last one (step ${agent.numTimesteps}, ${score(evaluation)}) to ${join(train.out, 'last')} (--keep last keeps it instead)`,
      );
    }
    agent.dispose();
  });

  const evalCommand = program
    .command('eval')
    .description('evaluates the agent saved in DIR on a fresh environment of the id it was trained on; prints JSON')
    .argument('<dir>', 'run directory of a trained agent')
    .addOption(integerOption('--episodes <n>', 'episodes to run', { min: 1, max: MAX_EPISODES }, 100))
    .addOption(integerOption('--seed <s>', 'seed of the first reset', SEED_RANGE, 0))
    .examples(['bigmodel-rl eval runs/dqn --episodes 100 --seed 0']);
  // The agent is loaded (and checked) while validating, so that a missing or damaged one exits 2 like a bad flag.
  evalCommand.hook('preAction', async () => {
    tf.env().set('PROD', true);
    await initBackend();
  });
  cliAction(
    evalCommand,
    async ({ args, options }) => ({
      dir: args[0],
      agent: await loadAgent(args[0]),
      episodes: options['episodes'] as number,
      seed: options['seed'] as number,
    }),
    async ({ dir, agent, episodes, seed }) => {
      const bar = progressBar(`eval ${dir}`, io.stderr);
      say(JSON.stringify(await runEval(agent, episodes, seed, (done) => bar(done, episodes))));
    },
  );
  return program;
}

/** Runs one `bigmodel-rl` command line; returns the exit status (0 done, 1 failure, 2 usage error). */
export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(rlProgram(io), argv, io);
}

if (require.main === module) runMain(main);
