/** Command-line parsing and the training / evaluation commands of `bigmodel-rl`. */
import { FileFormatError, InvalidArgumentError, JsonlLogger } from '@bigmodel/core';
import { existsSync, readFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

import { make } from '../core/registry';
import { A2c } from '../agents/a2c';
import { Dqn } from '../agents/dqn';
import { evaluate, type EvaluationResult } from '../agents/evaluate';
import { readCheckpoint } from '../agents/checkpoint';
import { learnWithCheckpoints } from '../agents/learn-with-checkpoints';
import { loadAgent, type Agent } from '../agents/load-agent';
import { Ppo } from '../agents/ppo';
import { Reinforce } from '../agents/reinforce';
import { trainingPreset } from '../agents/training-preset';

/** The algorithms `bigmodel-rl train` knows. */
export const ALGORITHMS = ['dqn', 'reinforce', 'a2c', 'ppo'] as const;

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

/** Flags that take no value. */
const SWITCHES = new Set(['resume']);

/** Reads `--name value` flags after the positional arguments. */
export function parseFlags(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (SWITCHES.has(argv[i].slice(2))) flags.set(argv[i].slice(2), 'true');
    else if (argv[i].startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new InvalidArgumentError({ parameter: argv[i], value, message: 'Every flag takes a value.' });
      flags.set(argv[i].slice(2), value);
      i++;
    } else positional.push(argv[i]);
  }
  return { positional, flags };
}

/** A non-negative integer flag, or `fallback` when absent; throws naming the flag otherwise. */
export function integerFlag(flags: Map<string, string>, name: string, fallback?: number): number {
  const raw = flags.get(name);
  if (raw === undefined) {
    if (fallback === undefined) throw new InvalidArgumentError({ parameter: `--${name}`, value: raw, message: 'This flag is required.' });
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError({ parameter: `--${name}`, value: raw, message: 'Must be a non-negative integer.' });
  return value;
}

/**
 * Parses `train <algorithm> --env ID --total-steps N --seed S --out DIR [--config file.json] [--eval-every N] [--eval-episodes N]
 * [--checkpoint-every N] [--resume]`.
 */
export function parseTrain(argv: string[]): TrainCommand {
  const { positional, flags } = parseFlags(argv);
  const algorithm = positional[0] as TrainCommand['algorithm'];
  if (!ALGORITHMS.includes(algorithm)) throw new InvalidArgumentError({ parameter: 'algorithm', value: algorithm, message: `Expected one of ${ALGORITHMS.join(', ')}.` });
  const out = flags.get('out');
  if (!out) throw new InvalidArgumentError({ parameter: '--out', value: out, message: 'Give the run directory.' });
  const configPath = flags.get('config');
  const config = configPath ? (JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>) : {};
  const totalSteps = integerFlag(flags, 'total-steps');
  return {
    algorithm,
    env: flags.get('env') ?? 'CartPole-v1',
    totalSteps,
    seed: integerFlag(flags, 'seed', 0),
    out,
    config,
    evalEvery: integerFlag(flags, 'eval-every', Math.max(1, Math.floor(totalSteps / 10))),
    evalEpisodes: integerFlag(flags, 'eval-episodes', 10),
    checkpointEvery: integerFlag(flags, 'checkpoint-every', Math.max(1, Math.floor(totalSteps / 10))),
    resume: flags.has('resume'),
  };
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
  logger.log({ step: agent.numTimesteps, epoch: agent.numTimesteps, 'charts/evalMeanReturn': evaluation.meanReturn, 'charts/evalStdReturn': evaluation.stdReturn });
  return { agent, evaluation };
}

/** Evaluates the agent saved in `dir` on a fresh environment of the id it was trained on. */
export async function runEval(dir: string, episodes: number, seed: number, onEpisode?: (done: number) => void): Promise<{ env: string; episodes: number; meanReturn: number; stdReturn: number }> {
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
