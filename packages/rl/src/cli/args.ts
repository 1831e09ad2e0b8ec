/** Command-line parsing and the training / evaluation commands of `bigmodel-rl`. */
import { InvalidArgumentError, JsonlLogger } from '@bigmodel/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { make } from '../core/registry';
import { A2c, A2C_PRESETS } from '../agents/a2c';
import { Dqn, DQN_PRESETS } from '../agents/dqn';
import { evaluate, type EvaluationResult } from '../agents/evaluate';
import { loadAgent, type Agent } from '../agents/load-agent';
import { Ppo, PPO_PRESETS } from '../agents/ppo';
import { Reinforce } from '../agents/reinforce';

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
}

/** Reads `--name value` flags after the positional arguments. */
export function parseFlags(argv: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
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

/** Parses `train <algorithm> --env ID --total-steps N --seed S --out DIR [--config file.json] [--eval-every N] [--eval-episodes N]`. */
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
  };
}

/** Builds the agent of a train command: library defaults, then rl-zoo's preset for the env, then the config file. */
export function createAgent(command: TrainCommand): Agent {
  const base = { env: command.env, seed: command.seed };
  switch (command.algorithm) {
    case 'dqn':
      return new Dqn({ ...DQN_PRESETS[command.env], ...command.config, ...base });
    case 'ppo':
      return new Ppo({ ...PPO_PRESETS[command.env], ...command.config, ...base });
    case 'a2c':
      return new A2c({ ...A2C_PRESETS[command.env], ...command.config, ...base });
    default:
      return new Reinforce({ ...command.config, ...base });
  }
}

/** Hooks a CLI gives {@link runTrain} to show progress. */
export interface TrainHooks {
  onProgress?(step: number, total: number, lastEval: EvaluationResult | null): void;
}

/**
 * Trains, evaluating every `evalEvery` steps on a separate environment (logged as
 * `charts/evalMeanReturn`), then saves the agent in `out` and returns the last evaluation.
 */
export async function runTrain(command: TrainCommand, hooks: TrainHooks = {}): Promise<{ agent: Agent; evaluation: EvaluationResult }> {
  const agent = createAgent(command);
  const logger = new JsonlLogger(join(command.out, 'metrics.jsonl'));
  const evalEnv = make<Float32Array, never>(command.env, agent.config.envKwargs);
  let lastEval: EvaluationResult | null = null;
  let nextEval = command.evalEvery;
  const onStep = (step: number) => {
    if (step >= nextEval) {
      nextEval += command.evalEvery;
      lastEval = evaluate(agent as never, evalEnv, { episodes: command.evalEpisodes, seed: command.seed + 10_000 });
      logger.log({ step, epoch: step, 'charts/evalMeanReturn': lastEval.meanReturn, 'charts/evalStdReturn': lastEval.stdReturn });
    }
    hooks.onProgress?.(Math.min(step, command.totalSteps), command.totalSteps, lastEval);
  };
  agent.learn(command.totalSteps, { logger, onStep });
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
