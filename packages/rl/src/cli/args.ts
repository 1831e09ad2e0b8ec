/** Command-line parsing and the training / evaluation commands of `bigmodel-rl`. */
import {
  choiceOption,
  CliCommand,
  FileFormatError,
  integerOption,
  InvalidArgumentError,
  JsonlLogger,
  parseCliInput,
  type CliInput,
} from '@bigmodel/core';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

import { make, registry } from '../core/registry';
import { A2c } from '../agents/a2c';
import { readCheckpoint } from '../agents/checkpoint';
import { Dqn } from '../agents/dqn';
import { evaluate, type EvaluationResult } from '../agents/evaluate';
import { learnWithCheckpoints } from '../agents/learn-with-checkpoints';
import { loadAgent, type Agent } from '../agents/load-agent';
import { Ppo } from '../agents/ppo';
import { Reinforce } from '../agents/reinforce';
import { prepareBoxEnv } from '../agents/common/box-actions';
import { Sac } from '../agents/sac';
import { DDPG_OVERRIDES, Td3 } from '../agents/td3';
import { trainingPreset } from '../agents/training-preset';

/** The algorithms `bigmodel-rl train` knows. */
export const ALGORITHMS = ['dqn', 'reinforce', 'a2c', 'ppo', 'sac', 'td3', 'ddpg'] as const;

/** The algorithms for Box action spaces only, with the names their errors use. */
const BOX_ONLY: Partial<Record<(typeof ALGORITHMS)[number], string>> = { sac: 'SAC', td3: 'TD3', ddpg: 'DDPG' };

/** A parsed `bigmodel-rl train` command. */
export interface TrainCommand {
  algorithm: (typeof ALGORITHMS)[number];
  env: string;
  totalSteps: number;
  seed: number;
  out: string;
  config: Record<string, unknown>;
  evalEvery: number;
  evalEpisodes: number;
  /** Environment steps between checkpoints in `out/checkpoint` (0: none). */
  checkpointEvery: number;
  /** Continue the run checkpointed in `out` instead of starting one. */
  resume: boolean;
}

/** The largest `--total-steps` / `--eval-every` (a billion steps: days of training at this package's speed). */
export const MAX_STEPS = 1_000_000_000;
/** The largest `--eval-episodes` / `--episodes`. */
export const MAX_EPISODES = 1_000_000;
/** Seeds are 32-bit (the generators keep 32 bits of state). */
export const SEED_RANGE = { min: 0, max: 2 ** 32 - 1 };

/**
 * The `train` subcommand's arguments and flags (add new flags here; {@link trainPlan} reads them).
 */
export function trainCommand(command = new CliCommand('train')): CliCommand {
  return command
    .description('trains an agent, evaluating it periodically, and saves it (agent.json) with its metrics (metrics.jsonl) in --out')
    .argument('<algorithm>', `one of ${ALGORITHMS.join(', ')}`)
    .addOption(choiceOption('--env <id>', 'registered environment', [...registry.keys()], 'CartPole-v1'))
    .addOption(
      integerOption('--total-steps <n>', 'environment steps to train for (required)', { min: 1, max: MAX_STEPS }).makeOptionMandatory(),
    )
    .addOption(integerOption('--seed <s>', 'random seed', SEED_RANGE, 0))
    .requiredOption('--out <dir>', 'run directory: agent.json, metrics.jsonl (required)')
    .option('--config <file.json>', "hyperparameters overriding the algorithm's defaults and rl-zoo preset (a JSON object)")
    .addOption(integerOption('--eval-every <n>', 'evaluate every N steps (default: total-steps / 10)', { min: 1, max: MAX_STEPS }))
    .addOption(integerOption('--eval-episodes <n>', 'episodes per evaluation', { min: 1, max: MAX_EPISODES }, 10))
    .addOption(
      integerOption('--checkpoint-every <n>', 'checkpoint every N steps in --out/checkpoint (default: total-steps / 10; 0: none)', {
        min: 0,
        max: MAX_STEPS,
      }),
    )
    .option('--resume', 'continue the run checkpointed in --out (same algorithm, --env and --seed)')
    .examples([
      'bigmodel-rl train dqn --env CartPole-v1 --total-steps 50000 --seed 1 --out runs/dqn',
      'bigmodel-rl train dqn --env CartPole-v1 --total-steps 50000 --seed 1 --out runs/dqn --resume',
      'bigmodel-rl train ppo --env Pendulum-v1 --total-steps 200000 --out runs/ppo --config hp.json',
      'bigmodel-rl train sac --env Pendulum-v1 --total-steps 20000 --seed 1 --out runs/sac',
    ]);
}

/** Reads `--config`: a JSON object, or a FileFormatError naming the file. */
function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'cannot be read (--config)', hint: String((cause as Error).message), cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const problem = text.trim() === '' ? 'is empty (--config wants a JSON object)' : 'is not valid JSON (--config)';
    throw new FileFormatError({ path, problem, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FileFormatError({ path, problem: 'is not a JSON object of hyperparameters (--config)' });
  }
  return value as Record<string, unknown>;
}

/** Checks a parsed `train` command line and reads its `--config`; throws naming the bad argument. */
export function trainPlan({ args, options }: CliInput): TrainCommand {
  const algorithm = args[0] as TrainCommand['algorithm'];
  if (!ALGORITHMS.includes(algorithm)) {
    throw new InvalidArgumentError({ parameter: 'algorithm', value: algorithm, message: `Expected one of ${ALGORITHMS.join(', ')}.` });
  }
  const totalSteps = options['totalSteps'] as number;
  const boxOnly = BOX_ONLY[algorithm];
  if (boxOnly !== undefined) {
    // Refused before anything is written: SAC, TD3 and DDPG act in bounded Box spaces only.
    const env = make<unknown, Float32Array>(options['env'] as string);
    try {
      prepareBoxEnv(boxOnly, env);
    } finally {
      env.close();
    }
  }
  return {
    algorithm,
    env: options['env'] as string,
    totalSteps,
    seed: options['seed'] as number,
    out: options['out'] as string,
    config: options['config'] === undefined ? {} : readConfig(options['config'] as string),
    evalEvery: (options['evalEvery'] as number | undefined) ?? Math.max(1, Math.floor(totalSteps / 10)),
    evalEpisodes: options['evalEpisodes'] as number,
    checkpointEvery: (options['checkpointEvery'] as number | undefined) ?? Math.max(1, Math.floor(totalSteps / 10)),
    resume: options['resume'] === true,
  };
}

/** Parses `train <algorithm> --total-steps N --out DIR [...]` (the arguments after `train`). */
export function parseTrain(argv: string[]): TrainCommand {
  return trainPlan(parseCliInput(trainCommand(), argv));
}

/** Builds the agent of a train command: library defaults, then {@link trainingPreset} for the env, then the config file. */
export function createAgent(command: TrainCommand): Agent {
  const base = { env: command.env, seed: command.seed };
  switch (command.algorithm) {
    case 'dqn':
      return new Dqn({ ...trainingPreset('dqn', command.env), ...command.config, ...base });
    case 'ppo':
      return new Ppo({ ...trainingPreset('ppo', command.env), ...command.config, ...base });
    case 'a2c':
      return new A2c({ ...trainingPreset('a2c', command.env), ...command.config, ...base });
    case 'sac':
      return new Sac({ ...trainingPreset('sac', command.env), ...command.config, ...base });
    case 'td3':
      return new Td3({ ...trainingPreset('td3', command.env), ...command.config, ...base });
    case 'ddpg':
      return new Td3({ ...trainingPreset('ddpg', command.env), ...command.config, ...DDPG_OVERRIDES, ...base });
    default:
      return new Reinforce({ ...trainingPreset('reinforce', command.env), ...command.config, ...base });
  }
}

/** Hooks a CLI gives {@link runTrain} to show progress. */
export interface TrainHooks {
  onProgress?(step: number, total: number, lastEval: EvaluationResult | null): void;
  /** Called after each periodic checkpoint. */
  onCheckpoint?(step: number): void | Promise<void>;
}

/**
 * The agent a train command starts from: a new one, or with `--resume` the one checkpointed in
 * `out/checkpoint`, after checking that the command is the one that started the run and cutting
 * `metrics.jsonl` back to its length at that checkpoint (so that the resumed run's log reads as
 * one run). Without `--resume`, an `out` that holds files is refused (nothing is appended to it).
 */
async function startOrResume(command: TrainCommand, metricsPath: string): Promise<Agent> {
  const checkpointDir = join(command.out, 'checkpoint');
  if (!command.resume) {
    if (existsSync(command.out) && (!statSync(command.out).isDirectory() || readdirSync(command.out).length > 0)) {
      const message = 'This directory holds a run already: pass --resume to continue it, or choose an empty directory.';
      throw new InvalidArgumentError({ parameter: '--out', value: command.out, message });
    }
    return createAgent(command);
  }
  const checkpoint = join(checkpointDir, 'agent.json');
  if (!existsSync(checkpoint)) {
    const hint = 'Start the run without --resume (with --checkpoint-every N).';
    throw new FileFormatError({ path: checkpoint, problem: 'does not exist: there is no checkpoint to resume', hint });
  }
  const { extra } = readCheckpoint<{ extra?: { metricsBytes?: unknown } }>(checkpointDir);
  const metricsBytes = extra?.metricsBytes;
  if (!Number.isInteger(metricsBytes) || (metricsBytes as number) < 0) {
    const problem = `has no valid extra.metricsBytes (${JSON.stringify(metricsBytes)})`;
    throw new FileFormatError({ path: checkpoint, problem, hint: 'Resume a checkpoint written by bigmodel-rl train.' });
  }
  const agent = await loadAgent(checkpointDir);
  const expected = { algorithm: command.algorithm, env: command.env, seed: command.seed };
  const found = { algorithm: agent.algorithm, env: agent.config.env, seed: agent.config.seed };
  for (const key of ['algorithm', 'env', 'seed'] as const) {
    if (expected[key] !== found[key]) {
      agent.dispose();
      const message = `The run in ${command.out} was started with ${key} ${found[key]}; resume it with the same command.`;
      throw new InvalidArgumentError({ parameter: key === 'algorithm' ? key : `--${key}`, value: expected[key], message });
    }
  }
  const size = existsSync(metricsPath) ? statSync(metricsPath).size : 0;
  if (size < (metricsBytes as number)) {
    agent.dispose();
    const problem = `is shorter (${size} bytes) than at the checkpoint (${metricsBytes})`;
    throw new FileFormatError({ path: metricsPath, problem, hint: 'The log was changed since; start a new run.' });
  }
  if (existsSync(metricsPath) && !lstatSync(metricsPath).isFile()) {
    agent.dispose();
    throw new FileFormatError({ path: metricsPath, problem: 'is not a regular file (a symlink?)', hint: 'Refusing to cut it.' });
  }
  truncateSync(metricsPath, metricsBytes as number);
  return agent;
}

/**
 * Trains (or with `--resume` continues the run checkpointed in `out`), evaluating every `evalEvery`
 * steps on a separate environment (logged as `charts/evalMeanReturn`) and checkpointing every
 * `checkpointEvery` steps in `out/checkpoint`, then saves the agent in `out` and returns the last
 * evaluation. A killed run resumed with `--resume` ends bitwise as if it had never stopped.
 */
export async function runTrain(command: TrainCommand, hooks: TrainHooks = {}): Promise<{ agent: Agent; evaluation: EvaluationResult }> {
  const metricsPath = join(command.out, 'metrics.jsonl');
  const agent = await startOrResume(command, metricsPath);
  const logger = new JsonlLogger(metricsPath);
  const evalEnv = make<Float32Array, never>(command.env, agent.config.envKwargs);
  let lastEval: EvaluationResult | null = null;
  // Stateless, so that a resumed run evaluates where the uninterrupted one would: at the first step at or past each multiple.
  let nextEval = (Math.floor(agent.numTimesteps / command.evalEvery) + 1) * command.evalEvery;
  const onStep = (step: number) => {
    if (step >= nextEval) {
      nextEval = (Math.floor(step / command.evalEvery) + 1) * command.evalEvery;
      lastEval = evaluate(agent as never, evalEnv, { episodes: command.evalEpisodes, seed: command.seed + 10_000 });
      logger.log({ step, epoch: step, 'charts/evalMeanReturn': lastEval.meanReturn, 'charts/evalStdReturn': lastEval.stdReturn });
    }
    hooks.onProgress?.(Math.min(step, command.totalSteps), command.totalSteps, lastEval);
  };
  if (command.checkpointEvery > 0) {
    await learnWithCheckpoints(agent, command.totalSteps, {
      dir: join(command.out, 'checkpoint'),
      every: command.checkpointEvery,
      logger,
      onStep,
      extra: () => ({ metricsBytes: existsSync(metricsPath) ? statSync(metricsPath).size : 0 }),
      onCheckpoint: hooks.onCheckpoint,
    });
  } else if (agent.numTimesteps < command.totalSteps) {
    agent.learn(command.totalSteps - agent.numTimesteps, { logger, onStep });
  }
  await agent.save(command.out);
  const evaluation = evaluate(agent as never, evalEnv, { episodes: command.evalEpisodes, seed: command.seed + 10_000 });
  logger.log({
    step: agent.numTimesteps,
    epoch: agent.numTimesteps,
    'charts/evalMeanReturn': evaluation.meanReturn,
    'charts/evalStdReturn': evaluation.stdReturn,
  });
  return { agent, evaluation };
}

/** Evaluates the agent saved in `dir` on a fresh environment of the id it was trained on. */
export async function runEval(
  dir: string,
  episodes: number,
  seed: number,
  onEpisode?: (done: number) => void,
): Promise<{ env: string; episodes: number; meanReturn: number; stdReturn: number }> {
  const agent = await loadAgent(dir);
  const env = make<Float32Array, never>(agent.config.env, agent.config.envKwargs);
  const returns: number[] = [];
  // Episode by episode, as evaluate() does, so that the CLI can show progress; the first reset is seeded.
  for (let i = 0; i < episodes; i++) {
    let { observation } = env.reset(i === 0 ? { seed } : {});
    let total = 0;
    for (;;) {
      const step = env.step(agent.predict(observation, true) as never);
      total += step.reward;
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
    returns.push(total);
    onEpisode?.(i + 1);
  }
  agent.dispose();
  const meanReturn = returns.reduce((a, b) => a + b, 0) / episodes;
  const stdReturn = Math.sqrt(returns.reduce((a, r) => a + (r - meanReturn) ** 2, 0) / episodes);
  return { env: agent.config.env, episodes, meanReturn, stdReturn };
}
