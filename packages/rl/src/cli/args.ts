/** Command-line parsing and the training / evaluation commands of `bigmodel-rl`. */
import {
  choiceOption,
  CliCommand,
  FileFormatError,
  integerOption,
  InvalidArgumentError,
  JsonlLogger,
  parseCliInput,
  parseConfig,
  z,
  type CliInput,
  readJsonObjectFile,
} from '@bigmodel/core';
import { existsSync, lstatSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

import { make, registry } from '../env/registry';
import { A2c, resolveA2cConfig, a2cConfigSchema } from '../agents/a2c';
import { checkpointPath, copyCheckpoint, hasAgentCheckpoint, readCheckpoint } from '../agents/checkpoint';
import { Dqn, resolveDqnConfig, dqnConfigSchema } from '../agents/dqn';
import { evaluateAsync, type EvaluationResult } from '../agents/evaluate';
import { loadAgent, type Agent } from '../agents/load-agent';
import { Ppo, ppoConfigSchema, resolvePpoConfig } from '../agents/ppo';
import { prepareEnv, type ActionSpaceKind } from '../agents/common/prepare-env';
import { Reinforce, reinforceConfigSchema, resolveReinforceConfig } from '../agents/reinforce';
import { prepareBoxEnv } from '../agents/common/box-actions';
import { Sac, resolveSacConfig, sacConfigSchema } from '../agents/sac';
import { DDPG_OVERRIDES, Td3, resolveTd3Config, td3ConfigSchema } from '../agents/td3';
import { trainingPreset } from '../agents/common/training-preset';
import { configObjectOf } from '../agents/common/config-fields';

/** The algorithms `bigmodel-rl train` knows. */
export const ALGORITHMS = ['dqn', 'reinforce', 'a2c', 'ppo', 'sac', 'td3', 'ddpg'] as const;

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
  /**
   * Which network the checkpoint in `out` holds at the end: `best`, the one with the highest periodic
   * evaluation (the final one included; the last network then goes to `out/last`), or `last`.
   */
  keep: 'best' | 'last';
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
    .description(
      'trains an agent, evaluating it periodically, and saves it (a checkpoint: manifest.json and its binaries) ' +
        'with its metrics (metrics.jsonl) in --out',
    )
    .argument('<algorithm>', `one of ${ALGORITHMS.join(', ')}`)
    .addOption(choiceOption('--env <id>', 'registered environment', [...registry.keys()], 'CartPole-v1'))
    .addOption(
      integerOption('--total-steps <n>', 'environment steps to train for (required)', { min: 1, max: MAX_STEPS }).makeOptionMandatory(),
    )
    .addOption(integerOption('--seed <s>', 'random seed', SEED_RANGE, 0))
    .requiredOption('--out <dir>', 'run directory: the agent (manifest.json and its binaries), metrics.jsonl (required)')
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
    .addOption(
      choiceOption(
        '--keep <which>',
        'the network saved in --out: best (highest periodic evaluation; the last one goes to --out/last) or last',
        ['best', 'last'],
        'best',
      ),
    )
    .examples([
      'bigmodel-rl train dqn --env CartPole-v1 --total-steps 50000 --seed 1 --out runs/dqn',
      'bigmodel-rl train dqn --env CartPole-v1 --total-steps 50000 --seed 1 --out runs/dqn --resume',
      'bigmodel-rl train ppo --env Pendulum-v1 --total-steps 200000 --out runs/ppo --config hp.json',
      'bigmodel-rl train sac --env Pendulum-v1 --total-steps 20000 --seed 1 --out runs/sac',
    ]);
}

/** Reads `--config`: a JSON object, or a FileFormatError naming the file. */
function readConfig(path: string): Record<string, unknown> {
  return readJsonObjectFile('--config', path, 'hyperparameters'); // a bounded regular file (a FIFO would block)
}

/**
 * What {@link checkTrainCommand} checks per algorithm, without building networks: the schema of
 * its config (which a `--config` file is checked against), its config resolver and the action
 * spaces its constructor accepts (as the agent checks them when built).
 */
const AGENT_CHECKS: Record<
  TrainCommand['algorithm'],
  { name: string; schema: z.ZodType; resolve: (c: object) => unknown; actions: ActionSpaceKind[] }
> = {
  dqn: { name: 'DQN', schema: dqnConfigSchema, resolve: resolveDqnConfig, actions: ['Discrete'] },
  ppo: { name: 'PPO', schema: ppoConfigSchema, resolve: resolvePpoConfig, actions: ['Discrete', 'Box'] },
  a2c: { name: 'A2C', schema: a2cConfigSchema, resolve: resolveA2cConfig, actions: ['Discrete', 'Box'] },
  reinforce: { name: 'REINFORCE', schema: reinforceConfigSchema, resolve: resolveReinforceConfig, actions: ['Discrete', 'Box'] },
  sac: { name: 'SAC', schema: sacConfigSchema, resolve: resolveSacConfig, actions: ['Box'] },
  td3: { name: 'TD3', schema: td3ConfigSchema, resolve: resolveTd3Config, actions: ['Box'] },
  ddpg: { name: 'DDPG', schema: td3ConfigSchema, resolve: (c) => resolveTd3Config({ ...c, ...DDPG_OVERRIDES }), actions: ['Box'] },
};

/**
 * Checks a `--config` file's own keys and values against the algorithm's config schema (the one
 * docs/schemas/rl/<Name>Config.schema.json describes), each error naming `config.<key>`: an
 * unknown key with the nearest known one. Checks between fields (PPO's batchSize against nSteps *
 * nEnvs) wait for the preset to be merged in.
 */
function checkConfigFile(schema: z.ZodType, config: Record<string, unknown>): void {
  parseConfig(configObjectOf(schema), config, 'config');
}

/** `td3` and `ddpg` name one agent class; a checkpoint records `ddpg` when its settings are DDPG's. */
const algorithmFamily = (algorithm: string) => (algorithm === 'ddpg' ? 'td3' : algorithm);

/** Refuses a resume whose algorithm, `--env` or `--seed` differ from those the checkpointed run was started with. */
function checkSameRun(command: TrainCommand, found: { algorithm: string; config?: { env?: unknown; seed?: unknown } }): void {
  const expected = { algorithm: algorithmFamily(command.algorithm), env: command.env, seed: command.seed };
  const saved = { algorithm: algorithmFamily(found.algorithm), env: found.config?.env, seed: found.config?.seed };
  for (const key of ['algorithm', 'env', 'seed'] as const) {
    if (expected[key] !== saved[key]) {
      const started = key === 'algorithm' ? found.algorithm : String(saved[key]);
      const message = `The run in ${command.out} was started with ${key} ${started}; resume it with the same command.`;
      throw new InvalidArgumentError({ parameter: key === 'algorithm' ? key : `--${key}`, value: expected[key], message });
    }
  }
}

/**
 * DDPG is TD3 with {@link DDPG_OVERRIDES}: a `--config` for `train ddpg` may not set those keys to other values.
 */
function checkDdpgConfig(config: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(DDPG_OVERRIDES)) {
    if (key in config && config[key] !== value) {
      const message = `DDPG fixes ${key} to ${value}; train td3 to set it.`;
      throw new InvalidArgumentError({ parameter: `config.${key}`, value: config[key], message });
    }
  }
}

/**
 * Refuses `--out` when it is a file, or (without `--resume`) a directory holding files: nothing is
 * ever appended to another run; with `--resume`, when it holds no checkpoint.
 */
function checkOut(command: TrainCommand): void {
  const checkpointDir = join(command.out, 'checkpoint');
  const checkpoint = checkpointPath(checkpointDir);
  if (command.resume && !hasAgentCheckpoint(checkpointDir)) {
    const hint = 'Start the run without --resume (with --checkpoint-every N).';
    throw new FileFormatError({ path: checkpoint, problem: 'does not exist: there is no checkpoint to resume', hint });
  }
  if (command.resume)
    checkSameRun(command, readCheckpoint<{ config?: { env?: unknown; seed?: unknown } }>(checkpointDir, undefined, { jsonOnly: true }));
  if (!command.resume && existsSync(command.out) && (!statSync(command.out).isDirectory() || readdirSync(command.out).length > 0)) {
    const message = 'This directory holds a run already: pass --resume to continue it, or choose an empty directory.';
    throw new InvalidArgumentError({ parameter: '--out', value: command.out, message });
  }
}

/**
 * Checks a train command as the run would find it, before anything starts (no backend, no
 * networks): the hyperparameters (preset and `--config`) through the algorithm's config resolver,
 * the environment's spaces against the algorithm, and `--out`. Throws the error the run would.
 */
export function checkTrainCommand(command: TrainCommand): void {
  const { name, schema, resolve, actions } = AGENT_CHECKS[command.algorithm];
  checkConfigFile(schema, command.config);
  if (command.algorithm === 'ddpg') checkDdpgConfig(command.config);
  const config = resolve({ ...trainingPreset(command.algorithm, command.env), ...command.config, env: command.env, seed: command.seed });
  const env = make<unknown, unknown>(command.env, (config as { envKwargs?: Record<string, unknown> }).envKwargs);
  try {
    // SAC, TD3 and DDPG act in Box spaces with finite bounds (they rescale their tanh outputs to them).
    if (actions.length === 1 && actions[0] === 'Box') prepareBoxEnv(name, env as never);
    else prepareEnv(name, env, actions);
  } finally {
    env.close();
  }
  checkOut(command);
}

/** Checks a parsed `train` command line and reads its `--config`; throws naming the bad argument. */
export function trainPlan(input: CliInput): TrainCommand {
  const command = parseTrainInput(input);
  checkTrainCommand(command);
  return command;
}

/** The train command of a parsed command line, with its `--config` read. */
function parseTrainInput({ args, options }: CliInput): TrainCommand {
  const algorithm = args[0] as TrainCommand['algorithm'];
  if (!ALGORITHMS.includes(algorithm)) {
    throw new InvalidArgumentError({ parameter: 'algorithm', value: algorithm, message: `Expected one of ${ALGORITHMS.join(', ')}.` });
  }
  const totalSteps = options['totalSteps'] as number;
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
    keep: (options['keep'] as TrainCommand['keep'] | undefined) ?? 'best',
  };
}

/** Parses `train <algorithm> --total-steps N --out DIR [...]` (the arguments after `train`). */
export function parseTrain(argv: string[]): TrainCommand {
  return parseTrainInput(parseCliInput(trainCommand(), argv));
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
async function startOrResume(command: TrainCommand, metricsPath: string): Promise<{ agent: Agent; best: BestEvaluation | null }> {
  const checkpointDir = join(command.out, 'checkpoint');
  checkOut(command);
  if (!command.resume) return { agent: createAgent(command), best: null };
  const { extra } = readCheckpoint<{ extra?: { metricsBytes?: unknown; best?: unknown } }>(checkpointDir, undefined, { jsonOnly: true });
  const metricsBytes = extra?.metricsBytes;
  if (!Number.isInteger(metricsBytes) || (metricsBytes as number) < 0) {
    const problem = `has no valid extra.metricsBytes (${JSON.stringify(metricsBytes)})`;
    throw new FileFormatError({
      path: checkpointPath(checkpointDir),
      problem,
      hint: 'Resume a checkpoint written by bigmodel-rl train.',
    });
  }
  const agent = await loadAgent(checkpointDir);
  try {
    checkSameRun(command, { algorithm: agent.algorithm, config: agent.config });
  } catch (error) {
    agent.dispose();
    throw error;
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
  const best = extra?.best as Partial<BestEvaluation> | null | undefined;
  const valid = best != null && Number.isSafeInteger(best.step) && Number.isFinite(best.meanReturn);
  return { agent, best: valid ? (best as BestEvaluation) : null };
}

/** The best periodic evaluation of a run so far; its network is in `out/best`. */
export interface BestEvaluation {
  step: number;
  meanReturn: number;
  stdReturn: number;
}

/** Whether a step count crossed a multiple of `every` going from `before` to `after`. */
const crossed = (before: number, after: number, every: number) => Math.floor(after / every) > Math.floor(before / every);

/**
 * Trains (or with `--resume` continues the run checkpointed in `out`), evaluating every `evalEvery`
 * steps on a separate environment (logged as `charts/evalMeanReturn`; a network that beats every
 * earlier evaluation is saved in `out/best`) and checkpointing every `checkpointEvery` steps in
 * `out/checkpoint`. At the end the final network is evaluated; the checkpoint in `out` is the best
 * evaluated network with `keep: 'best'` (the final one then goes to `out/last` when an earlier one
 * scored higher) or the final one with `keep: 'last'`. Returns the final network and its evaluation,
 * and the evaluation of the network kept in `out`. A killed run resumed with `--resume` ends
 * bitwise as if it had never stopped.
 */
export async function runTrain(
  command: TrainCommand,
  hooks: TrainHooks = {},
): Promise<{ agent: Agent; evaluation: EvaluationResult; kept: BestEvaluation & { dir: string } }> {
  const metricsPath = join(command.out, 'metrics.jsonl');
  const checkpointDir = join(command.out, 'checkpoint');
  const bestDir = join(command.out, 'best');
  const started = await startOrResume(command, metricsPath);
  const agent = started.agent;
  let best = started.best;
  const total = command.totalSteps;
  if ('totalTimesteps' in agent) {
    // DQN's and PPO's schedules span the whole run, as given to the first `learn`.
    if (agent.totalTimesteps === 0) agent.totalTimesteps = total;
    else if (agent.totalTimesteps !== total) {
      agent.dispose();
      const message = `The run in ${command.out} was started with --total-steps ${agent.totalTimesteps}; resume it with the same command.`;
      throw new InvalidArgumentError({ parameter: '--total-steps', value: total, message });
    }
  }
  const logger = new JsonlLogger(metricsPath);
  const evalEnv = make<Float32Array, never>(command.env, agent.config.envKwargs);
  const evaluateNow = () => evaluateAsync(agent as never, evalEnv, { episodes: command.evalEpisodes, seed: command.seed + 10_000 });
  let lastEval: EvaluationResult | null = null;
  const onStep = (step: number) => hooks.onProgress?.(Math.min(step, total), total, lastEval);
  const next = (step: number, every: number) => (Math.floor(step / every) + 1) * every;
  // Learn in stretches that end at each evaluation and checkpoint (PPO and A2C step whole rollouts, so a stretch may run past).
  while (agent.numTimesteps < total) {
    const before = agent.numTimesteps;
    const end = Math.min(
      total,
      next(before, command.evalEvery),
      command.checkpointEvery > 0 ? next(before, command.checkpointEvery) : total,
    );
    await agent.learnAsync(end - before, { logger, onStep });
    const step = agent.numTimesteps;
    if (crossed(before, step, command.evalEvery) && step < total) {
      lastEval = await evaluateNow();
      logger.log({ step, epoch: step, 'charts/evalMeanReturn': lastEval.meanReturn, 'charts/evalStdReturn': lastEval.stdReturn });
      if (best === null || lastEval.meanReturn > best.meanReturn) {
        best = { step, meanReturn: lastEval.meanReturn, stdReturn: lastEval.stdReturn };
        await agent.save(bestDir, { evaluation: best });
      }
      onStep(step);
    }
    if (command.checkpointEvery > 0 && (crossed(before, step, command.checkpointEvery) || step >= total)) {
      await agent.save(checkpointDir, { metricsBytes: existsSync(metricsPath) ? statSync(metricsPath).size : 0, best });
      await hooks.onCheckpoint?.(step);
    }
  }
  const evaluation = await evaluateNow();
  const step = agent.numTimesteps;
  logger.log({ step, epoch: step, 'charts/evalMeanReturn': evaluation.meanReturn, 'charts/evalStdReturn': evaluation.stdReturn });
  const last = { step, meanReturn: evaluation.meanReturn, stdReturn: evaluation.stdReturn };
  if (command.keep === 'best' && best !== null && best.meanReturn > evaluation.meanReturn) {
    await agent.save(join(command.out, 'last'));
    copyCheckpoint(bestDir, command.out);
    return { agent, evaluation, kept: { ...best, dir: bestDir } };
  }
  await agent.save(command.out);
  return { agent, evaluation, kept: { ...last, dir: command.out } };
}

/** Evaluates the agent saved in `dir` (or loaded from it) on a fresh environment of the id it was trained on; disposes the agent. */
export async function runEval(
  dir: string | Agent,
  episodes: number,
  seed: number,
  onEpisode?: (done: number) => void,
): Promise<{ env: string; episodes: number; meanReturn: number; stdReturn: number }> {
  const agent = typeof dir === 'string' ? await loadAgent(dir) : dir;
  const env = make<Float32Array, never>(agent.config.env, agent.config.envKwargs);
  try {
    const { meanReturn, stdReturn } = await evaluateAsync(agent as never, env, { episodes, seed, onEpisode });
    return { env: agent.config.env, episodes, meanReturn, stdReturn };
  } finally {
    agent.dispose();
  }
}
