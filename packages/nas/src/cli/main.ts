#!/usr/bin/env node
/**
 * bigmodel-nas: runs, resumes, re-scores and exports neural architecture searches.
 * `bigmodel-nas <command> --help` lists every flag with its range and default.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  choiceOption,
  cliAction,
  cliProgram,
  FileFormatError,
  formatBackendInfo,
  initBackend,
  integerOption,
  InvalidArgumentError,
  nearestName,
  numberOption,
  processIo,
  readInputFile,
  runCli,
  runMain,
  type CliInput,
  type CliIo,
} from '@bigmodel/core';

import { parseRedisAddress } from '../distributed/redis-address';
import { RedisTrialQueue, type TrialQueueEvent } from '../distributed/redis-trial-queue';
import { runWorker, type WorkerEvent } from '../distributed/run-worker';
import { BUILTIN_EVALUATORS, type EvaluatorSpec } from '../evaluators/evaluator-spec';
import { readJournal } from '../runner/journal';
import { exportBest } from '../runner/export-best';
import { finishedTrials, leaderboard, paretoFront, type TrialRecord } from '../runner/leaderboard';
import { readRescoreJournal, rescoreTop } from '../runner/rescore';
import { resumeSearch, runSearch, type SearchProgress, type SearchResult, type TrialStart } from '../runner/run-search';
import { STRATEGY_NAMES, type StrategyName } from '../runner/search-spec';
import { checkMnistSpace } from '../internal/mnist-model';
import { BUILTIN_SPACES, builtinSpace } from '../space/builtin-spaces';
import { SearchSpace } from '../space/search-space';

/** Whole seconds as `MmSSs` (rounded first, so 119.6 s is 2m00s, not 1m60s). */
const format = (seconds: number) => {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m${(s % 60).toString().padStart(2, '0')}s`;
};

/** A line when a trial starts, so that a long first trial shows at once. */
function started(io: CliIo, t: TrialStart): void {
  io.stderr.write(
    `[${t.done}/${t.total}] trial ${t.trial.id} budget ${t.trial.budget}: ` +
      `started (${t.running} running) | ${format(t.elapsedSeconds)} elapsed\n`,
  );
}

function progress(io: CliIo, p: SearchProgress): void {
  const last = p.last.status === 'ok' ? p.last.score.toPrecision(5) : `${p.last.status} (${p.last.error ?? ''})`;
  const best = p.best ? `${p.best.score.toPrecision(5)} (trial ${p.best.trial.id}, budget ${p.best.trial.budget})` : '-';
  io.stderr.write(
    `[${p.done}/${p.total}] trial ${p.last.trial.id} budget ${p.last.trial.budget}: ${last} | best ${best} | ` +
      `${format(p.elapsedSeconds)} elapsed, ETA ${format(p.etaSeconds)}\n`,
  );
}

function report(io: CliIo, result: SearchResult): void {
  for (const s of result.skippedLines) io.stderr.write(`journal line ${s.line} skipped: ${s.reason}\n`);
  io.stdout.write(
    `${JSON.stringify(
      {
        dir: result.dir,
        trials: result.trials.length,
        evaluatedNow: result.evaluatedNow,
        timedOut: result.timedOut,
        best: result.best
          ? { id: result.best.trial.id, score: result.best.score, budget: result.best.trial.budget, config: result.best.trial.config }
          : null,
      },
      null,
      2,
    )}\n`,
  );
}

/** Seeds are 32-bit. */
const SEED = { min: 0, max: 2 ** 32 - 1 };
const MAX_TRIALS = 1_000_000;
const MAX_WORKERS = 256;
/** Budgets are epochs (or a benchmark's fidelity): up to a million. */
const BUDGET = { min: 0, max: 1e6, minExclusive: true };
const MINUTES = { min: 0, max: 10_080, minExclusive: true };

const workersOption = () =>
  integerOption('--workers <w>', 'trials at a time, each in its own worker thread (default: the number of cores)', {
    min: 1,
    max: MAX_WORKERS,
  });
const minutesOption = (what: string) => numberOption('--minutes <m>', what, MINUTES);
const keepOption = () =>
  integerOption(
    '--keep-models <k>',
    'keep the trained models of the K best configurations ' +
      "(default 1; pass rescore's --top so that export can take any candidate's own model)",
    { min: 1, max: MAX_TRIALS },
  );

/** `--minutes` as seconds, and `--fit-time` only with it. */
function timeLimit(options: Record<string, unknown>) {
  const minutes = options['minutes'] as number | undefined;
  if (options['fitTime'] && minutes === undefined) {
    throw new InvalidArgumentError({
      parameter: '--fit-time',
      value: true,
      message: 'Applies only with --minutes (the time to fit the search into).',
    });
  }
  return { maxSeconds: minutes === undefined ? undefined : minutes * 60, fitToTime: options['fitTime'] === true };
}

/** Checks `--evaluator-module` before a search starts: the file must exist and export the factory. */
function moduleEvaluator(path: string, exportName = 'createEvaluator'): EvaluatorSpec {
  const absolute = resolve(path);
  if (!existsSync(absolute))
    throw new InvalidArgumentError({
      parameter: '--evaluator-module',
      value: path,
      message: 'No such file; give the path of a compiled JavaScript module.',
    });
  let exported: unknown;
  try {
    exported = (require(absolute) as Record<string, unknown>)[exportName];
  } catch (cause) {
    throw new FileFormatError({ path, problem: `cannot be loaded as a module (--evaluator-module): ${(cause as Error).message}`, cause });
  }
  if (typeof exported !== 'function') {
    throw new InvalidArgumentError({
      parameter: '--evaluator-export',
      value: exportName,
      message: `${path} exports no function of that name (the factory (options) => evaluator).`,
    });
  }
  return { kind: 'module', module: absolute, exportName };
}

/** A checked `search` command line: the space read, the evaluator found, the budgets consistent. */
function searchPlan({ options }: CliInput) {
  const spaceArg = options['space'] as string;
  const builtin = spaceArg.startsWith('builtin:') ? spaceArg.slice('builtin:'.length) : undefined;
  if (builtin !== undefined && !BUILTIN_SPACES.includes(builtin)) {
    const near = nearestName(builtin, BUILTIN_SPACES);
    throw new InvalidArgumentError({
      parameter: '--space',
      value: spaceArg,
      message: `Built-in spaces: ${BUILTIN_SPACES.join(', ')}.${near ? ` Did you mean builtin:${near}?` : ''}`,
    });
  }
  let space: SearchSpace;
  if (builtin !== undefined) space = builtinSpace(builtin);
  else {
    space = SearchSpace.fromJSON(readInputFile('--space', spaceArg).toString('utf8')); // a regular file: a FIFO would block
  }
  const evaluatorArg = options['evaluator'] as string | undefined;
  const modulePath = options['evaluatorModule'] as string | undefined;
  if (options['evaluatorExport'] !== undefined && modulePath === undefined) {
    throw new InvalidArgumentError({
      parameter: '--evaluator-export',
      value: options['evaluatorExport'],
      message: 'Applies only with --evaluator-module.',
    });
  }
  if (evaluatorArg !== undefined && modulePath !== undefined) {
    throw new InvalidArgumentError({
      parameter: '--evaluator',
      value: evaluatorArg,
      message: 'Give --evaluator or --evaluator-module, not both.',
    });
  }
  let evaluator: EvaluatorSpec;
  if (modulePath !== undefined) evaluator = moduleEvaluator(modulePath, options['evaluatorExport'] as string | undefined);
  else if (evaluatorArg !== undefined) {
    const name = evaluatorArg.replace(/^builtin:/, '');
    if (!evaluatorArg.startsWith('builtin:') || !(BUILTIN_EVALUATORS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError({
        parameter: '--evaluator',
        value: evaluatorArg,
        message: `Built-in evaluators: ${BUILTIN_EVALUATORS.map((e) => `builtin:${e}`).join(', ')}; or use --evaluator-module FILE.js.`,
      });
    }
    evaluator = { kind: 'builtin', name: name as never };
  } else if (builtin && (BUILTIN_EVALUATORS as readonly string[]).includes(builtin))
    evaluator = { kind: 'builtin', name: builtin as never };
  else
    throw new InvalidArgumentError({
      parameter: '--evaluator',
      value: undefined,
      message: 'Name an evaluator: --evaluator builtin:NAME or --evaluator-module FILE.js.',
    });
  // The network sizes the mnist evaluator would build from this space, before anything starts.
  if (evaluator.kind === 'builtin' && evaluator.name === 'mnist') checkMnistSpace(space);
  const multiFidelity = options['hyperband'] === true || options['successiveHalving'] === true;
  for (const [key, flag] of [
    ['minBudget', '--min-budget'],
    ['maxBudget', '--max-budget'],
    ['eta', '--eta'],
  ] as const) {
    if (!multiFidelity && options[key] !== undefined)
      throw new InvalidArgumentError({
        parameter: flag,
        value: options[key],
        message: 'Applies only with --hyperband or --successive-halving.',
      });
  }
  if (multiFidelity && options['budget'] !== undefined) {
    throw new InvalidArgumentError({
      parameter: '--budget',
      value: options['budget'],
      message: 'With --hyperband the budgets are --min-budget .. --max-budget.',
    });
  }
  const hyperband = multiFidelity
    ? {
        minBudget: (options['minBudget'] as number | undefined) ?? 1,
        maxBudget: (options['maxBudget'] as number | undefined) ?? 9,
        eta: (options['eta'] as number | undefined) ?? 3,
        mode: options['successiveHalving'] ? ('successive-halving' as const) : ('hyperband' as const),
      }
    : undefined;
  if (hyperband && hyperband.minBudget > hyperband.maxBudget) {
    throw new InvalidArgumentError({
      parameter: '--min-budget',
      value: hyperband.minBudget,
      message: `Must not exceed --max-budget (${hyperband.maxBudget}).`,
    });
  }
  const maxParams = options['maxParams'] as number | undefined;
  const maxLatencyMs = options['maxLatencyMs'] as number | undefined;
  return {
    dir: options['out'] as string,
    space,
    strategy: options['strategy'] as StrategyName,
    hyperband,
    evaluator,
    trials: options['trials'] as number,
    workers: options['workers'] as number | undefined,
    seed: options['seed'] as number,
    budget: (options['budget'] as number | undefined) ?? 1,
    constraints: maxParams !== undefined || maxLatencyMs !== undefined ? { maxParams, maxLatencyMs } : undefined,
    ...timeLimit(options),
    keepModels: options['keepModels'] as number | undefined,
  };
}

/** Reads a search's leaderboard (the `--pareto` metrics must be ones its trials recorded). */
function leaderboardRows({ args, options }: CliInput): TrialRecord[] {
  const trials = finishedTrials(readJournal(args[0]).records);
  const pareto = options['pareto'] as string | undefined;
  if (pareto === undefined) return leaderboard(trials).slice(0, options['top'] as number);
  const metrics = pareto.split(',').map((m) => m.trim());
  const known = [...new Set(trials.flatMap((t) => Object.keys(t.metrics).filter((k) => typeof t.metrics[k] === 'number')))];
  for (const metric of metrics) {
    if (!known.includes(metric)) {
      const near = nearestName(metric, known);
      throw new InvalidArgumentError({
        parameter: '--pareto',
        value: pareto,
        message:
          `No trial recorded the metric "${metric}"; the numeric metrics are ${known.join(', ') || '(none)'}.` +
          (near ? ` Did you mean ${near}?` : ''),
      });
    }
  }
  return paretoFront(trials, metrics);
}

/**
 * `<dir>` of resume, rescore and export, checked before anything starts: its journal must exist and
 * open with the search's specification (a missing or unreadable journal exits 2, nothing written).
 */
function searchDir(dir: string): string {
  readJournal(dir);
  return dir;
}

/**
 * `<dir>` of rescore, checked before anything starts: a search directory whose re-scoring, if one
 * was started, was started with the same `--top` and `--repeats` (defaults 3 and 1), as `rescoreTop` requires.
 */
function rescoreDir(dir: string, top = 3, repeats = 1): string {
  searchDir(dir);
  const { candidates } = readRescoreJournal(dir);
  if (candidates && (candidates.top !== top || candidates.repeats !== repeats)) {
    const [parameter, value] = candidates.top !== top ? ['--top', top] : ['--repeats', repeats];
    throw new InvalidArgumentError({
      parameter,
      value,
      message: `This search's re-scoring was started with --top ${candidates.top} --repeats ${candidates.repeats}; continue it with those.`,
    });
  }
  return dir;
}

/** `--redis URL` and `--trial-timeout S`, checked: the trials' executor on Redis, or none. */
function redisPlan(options: Record<string, unknown>): { redis?: string; trialTimeoutSeconds?: number } {
  const redis = options['redis'] as string | undefined;
  const trialTimeoutSeconds = options['trialTimeout'] as number | undefined;
  if (redis === undefined) {
    if (trialTimeoutSeconds !== undefined) {
      throw new InvalidArgumentError({ parameter: '--trial-timeout', value: trialTimeoutSeconds, message: 'Applies only with --redis.' });
    }
    return {};
  }
  parseRedisAddress(redis, '--redis');
  return { redis, trialTimeoutSeconds };
}

/** Runs a search (or a resume) with the plan's Redis executor; SIGTERM stops proposing and lets the trials out finish. */
async function coordinate<T>(
  io: CliIo,
  plan: { redis?: string; trialTimeoutSeconds?: number; workers?: number },
  run: (extra: object) => Promise<T>,
): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    io.stderr.write('stopping: no new trials; waiting for the trials out to finish (resume continues the search)\n');
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    if (plan.redis === undefined) return await run({ signal: stop.signal });
    const executor = new RedisTrialQueue({
      url: plan.redis,
      maxInFlight: plan.workers ?? 4,
      trialTimeoutSeconds: plan.trialTimeoutSeconds,
      onEvent: (e: TrialQueueEvent) => io.stderr.write(`${e.message}\n`),
    });
    await executor.connect();
    io.stderr.write(
      `trials go to Redis at ${parseRedisAddress(plan.redis).redacted}; start workers with: bigmodel-nas worker --redis URL\n`,
    );
    return await run({ signal: stop.signal, executor });
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
  }
}

const REDIS_HELP = 'run the trials on `bigmodel-nas worker` processes through this Redis (redis://[:password@]host:port/db)';
const trialTimeoutOption = () =>
  numberOption('--trial-timeout <seconds>', 'with --redis: a worker stops a trial that runs longer and it is recorded failed', {
    min: 0,
    max: 1e7,
    minExclusive: true,
  });

/** The `bigmodel-nas` program, writing to `io`. */
export function nasProgram(io: CliIo) {
  const program = cliProgram('bigmodel-nas', 'Runs, resumes, re-scores and exports neural architecture searches.');
  program.addHelpText(
    'after',
    `\nBuilt-in spaces: ${BUILTIN_SPACES.join(', ')}. Built-in evaluators: ${BUILTIN_EVALUATORS.join(', ')}.\n` +
      'Exit status: 0 done, 1 failed while running, 2 usage error (nothing run or written).\n',
  );

  const search = program
    .command('search')
    .description('runs a search into --out (a journal that resume continues)')
    .requiredOption('--space <space>', 'FILE.json or builtin:NAME (required)')
    .addOption(choiceOption('--strategy <name>', 'how configurations are proposed (required)', STRATEGY_NAMES).makeOptionMandatory())
    .addOption(integerOption('--trials <n>', 'trials to run (required)', { min: 1, max: MAX_TRIALS }).makeOptionMandatory())
    .requiredOption('--out <dir>', 'search directory (required)')
    .addOption(workersOption())
    .addOption(integerOption('--seed <s>', 'random seed', SEED, 0))
    .option('--evaluator <builtin:NAME>', "a built-in evaluator (default: the built-in space's own)")
    .option('--evaluator-module <file.js>', 'a module whose export --evaluator-export makes the evaluator')
    .option('--evaluator-export <name>', 'the factory exported by --evaluator-module (default createEvaluator)')
    .addOption(numberOption('--budget <b>', 'budget (epochs) of every trial without --hyperband (default 1)', BUDGET))
    .option('--hyperband', "Hyperband's cycle of brackets over --min-budget .. --max-budget")
    .option('--successive-halving', "one bracket (Hyperband's most aggressive) instead of the cycle")
    .addOption(numberOption('--min-budget <r>', 'smallest budget with --hyperband (default 1)', BUDGET))
    .addOption(numberOption('--max-budget <r>', 'largest budget with --hyperband (default 9)', BUDGET))
    .addOption(numberOption('--eta <e>', "Hyperband's reduction factor (default 3)", { min: 1, max: 100, minExclusive: true }))
    .addOption(minutesOption('stop proposing trials after M minutes (resume continues)'))
    .option('--fit-time', 'with --minutes: start only trials predicted to end within M minutes')
    .addOption(
      numberOption('--max-params <n>', 'constraint: trials with more parameters are recorded as infeasible', {
        min: 0,
        max: 1e12,
        minExclusive: true,
      }),
    )
    .addOption(
      numberOption('--max-latency-ms <x>', 'constraint: trials slower than X ms are recorded as infeasible', {
        min: 0,
        max: 1e7,
        minExclusive: true,
      }),
    )
    .addOption(keepOption())
    .option('--redis <url>', REDIS_HELP)
    .addOption(trialTimeoutOption())
    .examples([
      'bigmodel-nas search --space builtin:branin --strategy tpe --trials 30 --out runs/branin',
      'bigmodel-nas search --space builtin:mnist --strategy tpe --trials 200 --workers 8 --out runs/mnist ' +
        '--redis redis://:PASSWORD@10.0.0.5:6379/0',
      'bigmodel-nas search --space builtin:mnist --strategy evolution --hyperband --trials 40 --minutes 30 --fit-time --out runs/mnist',
      'bigmodel-nas search --space space.json --evaluator-module dist/my-evaluator.js --strategy random --trials 20 --out runs/mine',
    ]);
  cliAction(
    search,
    (input) => ({ ...searchPlan(input), ...redisPlan(input.options) }),
    async ({ redis, trialTimeoutSeconds, ...plan }) =>
      report(
        io,
        await coordinate(io, { redis, trialTimeoutSeconds, workers: plan.workers }, (extra) =>
          runSearch({ ...plan, ...extra, onProgress: (p) => progress(io, p), onTrialStart: (t) => started(io, t) }),
        ),
      ),
  );

  const resume = program
    .command('resume')
    .description("continues a search (to its --trials, or more); keeps the journal's --keep-models unless given another")
    .argument('<dir>', 'search directory')
    .addOption(workersOption())
    .addOption(integerOption('--trials <n>', "total trials to reach (default: the search's own)", { min: 1, max: MAX_TRIALS }))
    .addOption(minutesOption('stop proposing trials after M minutes'))
    .option('--fit-time', 'with --minutes: start only trials predicted to end within M minutes')
    .addOption(keepOption())
    .option(
      '--evaluator-module <file.js>',
      'the module evaluator the journal names, named again (a journal alone never chooses code to run)',
    )
    .option('--redis <url>', REDIS_HELP)
    .addOption(trialTimeoutOption())
    .examples(['bigmodel-nas resume runs/branin --trials 60', 'bigmodel-nas resume runs/mnist --redis redis://:PASSWORD@10.0.0.5:6379/0']);
  cliAction(
    resume,
    ({ args, options }) => ({
      dir: searchDir(args[0]),
      workers: options['workers'] as number | undefined,
      trials: options['trials'] as number | undefined,
      keepModels: options['keepModels'] as number | undefined,
      evaluatorModule: options['evaluatorModule'] as string | undefined,
      ...timeLimit(options),
      ...redisPlan(options),
    }),
    async ({ dir, redis, trialTimeoutSeconds, ...rest }) =>
      report(
        io,
        await coordinate(io, { redis, trialTimeoutSeconds, workers: rest.workers }, (extra) =>
          resumeSearch(dir, { ...rest, ...extra, onProgress: (p) => progress(io, p), onTrialStart: (t) => started(io, t) }),
        ),
      ),
  );

  const worker = program
    .command('worker')
    .description(
      'takes trials of searches run with --redis from Redis and evaluates them, until SIGTERM (which finishes the trials running)',
    )
    .requiredOption('--redis <url>', 'the Redis the coordinator uses: redis://[:password@]host:port/db, or rediss:// for TLS (required)')
    .addOption(integerOption('--concurrency <k>', 'trials evaluated at once (default 1)', { min: 1, max: 256 }))
    .option('--evaluator-module <file.js...>', 'module evaluators this worker may load (a trial naming another module fails)')
    .addOption(
      numberOption('--lock-seconds <s>', "seconds after which a silent worker's trial is taken over (default 30)", { min: 1, max: 3600 }),
    )
    .examples([
      'bigmodel-nas worker --redis redis://:PASSWORD@10.0.0.5:6379/0 --concurrency 2',
      'bigmodel-nas worker --redis redis://:PASSWORD@10.0.0.5:6379/0 --evaluator-module /srv/evaluators/my-evaluator.js',
    ]);
  cliAction(
    worker,
    ({ options }) => {
      const redis = options['redis'] as string;
      parseRedisAddress(redis, '--redis');
      const modules = (options['evaluatorModule'] as string[] | undefined) ?? [];
      for (const module of modules) {
        if (!existsSync(module))
          throw new FileFormatError({ path: module, problem: 'does not exist', hint: 'Give the path of a compiled evaluator module.' });
      }
      return {
        url: redis,
        concurrency: (options['concurrency'] as number | undefined) ?? 1,
        allowModules: modules.map((m) => resolve(m)),
        lockSeconds: (options['lockSeconds'] as number | undefined) ?? 30,
      };
    },
    async (plan) => {
      const handle = await runWorker({
        ...plan,
        onEvent: (e: WorkerEvent) =>
          io.stderr.write(
            `trial ${e.trialId} of search ${e.searchId}: ${e.kind}${e.seconds !== undefined ? ` after ${e.seconds.toFixed(1)} s` : ''}` +
              `${e.detail !== undefined ? ` (${e.kind === 'finished' ? 'score ' : ''}${e.detail})` : ''}\n`,
          ),
      });
      io.stderr.write(
        `worker ready (${plan.concurrency} at a time) on ${parseRedisAddress(plan.url).redacted}; ` +
          'SIGTERM finishes the trials running, then exits\n',
      );
      const stop = () => {
        io.stderr.write('stopping: finishing the trials running\n');
        void handle.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
  );

  const rescore = program
    .command('rescore')
    .description(
      'evaluates the K best configurations R more times each (fresh seeds, other validation splits) and ranks them by mean score',
    )
    .argument('<dir>', 'search directory')
    .addOption(integerOption('--top <k>', 'configurations to re-score (default 3)', { min: 1, max: 10_000 }))
    .addOption(integerOption('--repeats <r>', 'more evaluations of each (default 1)', { min: 1, max: 1000 }))
    .addOption(workersOption())
    .addOption(minutesOption('start only evaluations predicted to end within M minutes'))
    .option(
      '--evaluator-module <file.js>',
      'the module evaluator the journal names, named again (a journal alone never chooses code to run)',
    )
    .examples(['bigmodel-nas rescore runs/mnist --top 3 --repeats 2']);
  cliAction(
    rescore,
    ({ args, options }) => ({
      dir: rescoreDir(args[0], options['top'] as number | undefined, options['repeats'] as number | undefined),
      top: options['top'] as number | undefined,
      repeats: options['repeats'] as number | undefined,
      workers: options['workers'] as number | undefined,
      minutes: options['minutes'] as number | undefined,
      evaluatorModule: options['evaluatorModule'] as string | undefined,
    }),
    async ({ dir, minutes, ...rest }) => {
      const result = await rescoreTop(dir, {
        ...rest,
        maxSeconds: minutes === undefined ? undefined : minutes * 60,
        onProgress: (r, done, total) =>
          io.stderr.write(
            `[${done}/${total}] trial ${r.trialId} fold ${r.fold}: ` +
              `${r.status === 'ok' ? r.score!.toPrecision(5) : `failed (${r.error})`} (${r.seconds.toFixed(0)}s)\n`,
          ),
      });
      for (const c of result.candidates)
        io.stderr.write(
          `trial ${c.trial.trial.id}: mean ${c.meanScore.toPrecision(5)} ` +
            `over [${c.evaluations.map((e) => e.score.toPrecision(5)).join(', ')}]${c.complete ? '' : ' (incomplete, unranked)'}\n`,
        );
      const best = result.best;
      io.stdout.write(
        `${JSON.stringify(
          {
            dir,
            evaluatedNow: result.evaluatedNow,
            best: {
              id: best.trial.trial.id,
              meanScore: best.meanScore,
              scores: best.evaluations.map((e) => e.score),
              config: best.trial.trial.config,
            },
          },
          null,
          2,
        )}\n`,
      );
    },
  );

  const exportCommand = program
    .command('export')
    .description("writes the best trial's own trained model (or, with --retrain, the best configuration trained from scratch) to --out")
    .argument('<dir>', 'search directory')
    .requiredOption('--out <model-dir>', 'where to write the model (required)')
    .option('--retrain', 'train the best configuration from scratch instead')
    .addOption(integerOption('--budget <b>', "with --retrain: epochs (default: the search's largest budget)", { min: 1, max: 1e6 }))
    .addOption(integerOption('--seed <s>', "with --retrain: seed (default: the search's)", SEED))
    .option('--ignore-rescore', "export the search's own best even when DIR holds a re-scoring")
    .option(
      '--evaluator-module <file.js>',
      'the module evaluator the journal names, named again (a journal alone never chooses code to run)',
    )
    .examples([
      'bigmodel-nas export runs/mnist --out models/best',
      'bigmodel-nas export runs/mnist --out models/retrained --retrain --budget 12',
    ]);
  cliAction(
    exportCommand,
    ({ args, options }) => {
      const retrain = options['retrain'] === true;
      if (!retrain && (options['budget'] !== undefined || options['seed'] !== undefined)) {
        throw new InvalidArgumentError({
          parameter: options['budget'] !== undefined ? '--budget' : '--seed',
          value: options['budget'] ?? options['seed'],
          message: "--budget and --seed apply only with --retrain (without it the trial's own model is exported).",
        });
      }
      return {
        dir: searchDir(args[0]),
        out: options['out'] as string,
        retrain,
        budget: options['budget'] as number | undefined,
        seed: options['seed'] as number | undefined,
        rescored: options['ignoreRescore'] !== true,
        evaluatorModule: options['evaluatorModule'] as string | undefined,
      };
    },
    async ({ dir, ...rest }) => {
      io.stderr.write(`backend: ${formatBackendInfo(await initBackend())}\n`);
      const summary = await exportBest(dir, {
        ...rest,
        onEpoch: (epoch, logs) =>
          io.stderr.write(
            `export epoch ${epoch + 1}: ${Object.entries(logs)
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join(' ')}\n`,
          ),
      });
      const { valAccuracy, testAccuracy } = summary.metrics;
      if (valAccuracy !== undefined) {
        const source = summary.retrained
          ? `trial ${summary.trialId}'s configuration retrained for ${summary.budget} epochs`
          : `trial ${summary.trialId}'s model (${summary.trialModel})`;
        io.stderr.write(
          `exported ${source}: validation ${valAccuracy.toFixed(4)} ` +
            `(search score ${summary.searchScore.toFixed(4)}), test ${testAccuracy?.toFixed(4) ?? '-'}\n`,
        );
      }
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    },
  );

  const board = program
    .command('leaderboard')
    .description('prints the best trials (or the Pareto front of the score against cost metrics), one per line')
    .argument('<dir>', 'search directory')
    .addOption(integerOption('--top <k>', 'rows to print', { min: 1, max: MAX_TRIALS }, 10))
    .option('--pareto <metric,...>', 'print the Pareto front of the score against these metrics (to minimize) instead')
    .examples(['bigmodel-nas leaderboard runs/mnist --top 5', 'bigmodel-nas leaderboard runs/mnist --pareto params,latencyMs']);
  cliAction(board, leaderboardRows, (rows) => {
    for (const t of rows)
      io.stdout.write(
        `trial ${t.trial.id}\tbudget ${t.trial.budget}\t${t.status}\t${t.score}\t` +
          `${JSON.stringify(t.metrics)}\t${JSON.stringify(t.trial.config)}\n`,
      );
  });
  return program;
}

/** Runs one `bigmodel-nas` command line (the arguments after the program name); returns the exit status. */
export function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runCli(nasProgram(io), argv, io);
}

// A worker keeps running after its command returns, until SIGTERM.
if (require.main === module) runMain(main, { serve: process.argv[2] === 'worker' });
