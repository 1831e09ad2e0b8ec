/**
 * A hyperparameter sweep of PPO on CartPole-v1 through nas's search runner: TPE proposes learning
 * rate, discount, GAE lambda, epochs per update and entropy bonus; each trial trains PPO for
 * `--steps` environment steps and scores the mean return of 10 greedy episodes. The packages stay
 * independent: this example joins them, and the evaluator is a plain function.
 *
 * On one machine (trials in this process):
 *   npx ts-node -T examples/nas/ppo-sweep.ts [--trials 16] [--steps 30000] [--seed 0] [--out runs/nas/ppo-sweep]
 * On several, through Redis (start as many workers as you like, anywhere; then the coordinator):
 *   npx ts-node -T examples/nas/ppo-sweep.ts --role worker --redis redis://:PASSWORD@HOST:6379/0
 *   npx ts-node -T examples/nas/ppo-sweep.ts --role coordinator --redis redis://:PASSWORD@HOST:6379/0 --in-flight 4
 * The workers run this file's evaluator function (runWorker's `evaluator`): the queue carries only
 * configurations and scores.
 */
import { UsageError, choiceOption, initBackend, markRefusedEarly, runMain } from '@bigmodel/core';
import { RedisTrialQueue, runSearch, runWorker, type Evaluator, type SearchProgress } from '@bigmodel/nas';
import { PPO_PRESETS, Ppo, evaluate, make } from '@bigmodel/rl';

import { countOption, exampleMain, exampleProgram, outOption, seedOption } from '../cli';

/** What the sweep searches over, around rl-zoo's CartPole-v1 preset. */
export const PPO_SPACE = {
  params: {
    learningRate: { type: 'float' as const, min: 1e-4, max: 3e-3, log: true },
    gamma: { type: 'categorical' as const, choices: [0.95, 0.98, 0.99] },
    gaeLambda: { type: 'categorical' as const, choices: [0.8, 0.9, 0.95] },
    nEpochs: { type: 'int' as const, min: 4, max: 20 },
    entCoef: { type: 'categorical' as const, choices: [0, 0.01] },
  },
};

/** Trains PPO with a configuration for `budget` steps; the score is the mean return of 10 greedy episodes. */
export const ppoEvaluator: Evaluator = (config, budget, context) => {
  const agent = new Ppo({ ...PPO_PRESETS['CartPole-v1'], env: 'CartPole-v1', ...config, seed: context.seed });
  try {
    agent.learn(budget);
    const { meanReturn } = evaluate(agent, make('CartPole-v1'), { episodes: 10, seed: 10_000 + context.trialId });
    return { score: meanReturn, steps: agent.numTimesteps };
  } finally {
    agent.dispose();
  }
};

export interface PpoSweepOptions {
  trials?: number;
  steps?: number;
  seed?: number;
  out?: string;
  /** Run the trials on Redis workers instead of in this process. */
  redis?: string;
  /** Trials out at once on Redis (default 4). */
  inFlight?: number;
  onTrial?: (done: number, total: number, best: number | undefined) => void;
}

/** The coordinator (or the whole sweep, without `redis`). */
export async function runPpoSweep(options: PpoSweepOptions = {}) {
  const { trials = 16, steps = 30_000, seed = 0, out = 'runs/nas/ppo-sweep', redis, inFlight = 4 } = options;
  await initBackend();
  const result = await runSearch({
    dir: out,
    space: PPO_SPACE,
    strategy: 'tpe',
    evaluator: ppoEvaluator,
    trials,
    seed,
    budget: steps,
    keepModels: false,
    ...(redis ? { executor: new RedisTrialQueue({ url: redis, maxInFlight: inFlight }) } : {}),
    onProgress: (p: SearchProgress) => options.onTrial?.(p.done, p.total, p.best?.score),
  });
  return {
    example: 'nas/ppo-sweep' as const,
    trials: result.trials.length,
    best: result.best?.score,
    config: result.best?.trial.config,
    dir: out,
  };
}

/** A worker of the sweep: evaluates trials from Redis with {@link ppoEvaluator} until closed. */
export async function startPpoSweepWorker(redis: string) {
  await initBackend();
  return runWorker({ url: redis, evaluator: ppoEvaluator });
}

interface PpoSweepFlags {
  role?: 'local' | 'coordinator' | 'worker';
  redis?: string;
  trials: number;
  steps: number;
  seed: number;
  out: string;
  inFlight: number;
}

export const main = exampleMain(
  () =>
    exampleProgram('nas/ppo-sweep.ts', 'A TPE sweep of PPO hyperparameters on CartPole-v1, in this process or on Redis workers.')
      .addOption(
        choiceOption(
          '--role <role>',
          'local (trials in this process), coordinator or worker (default: coordinator with --redis, else local)',
          ['local', 'coordinator', 'worker'],
        ),
      )
      .option('--redis <url>', 'the Redis of the trial queue (redis://:PASSWORD@HOST:6379/0)')
      .addOption(countOption('--trials <n>', 'trials of the sweep', 16, 100_000))
      .addOption(countOption('--steps <n>', 'environment steps of each trial', 30_000))
      .addOption(seedOption())
      .addOption(outOption('the search directory', 'runs/nas/ppo-sweep'))
      .addOption(countOption('--in-flight <n>', 'trials out at once on Redis', 4, 1000)),
  async (flags: PpoSweepFlags, print, io) => {
    const { redis, role = redis ? 'coordinator' : 'local', ...sweep } = flags;
    if (role !== 'local' && !redis) {
      throw markRefusedEarly(new UsageError({ parameter: '--redis', message: `--role ${role} needs --redis URL` }));
    }
    if (role === 'worker') {
      const worker = await startPpoSweepWorker(redis!);
      io.stderr.write('worker ready; SIGTERM finishes the current trial and exits\n');
      process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
      return;
    }
    const started = performance.now();
    const summary = await runPpoSweep({
      ...sweep,
      redis: role === 'local' ? undefined : redis,
      onTrial: (done, total, best) =>
        void io.stderr.write(
          `trial ${done}/${total} done, best mean return ${best?.toFixed(1) ?? '-'}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
        ),
    });
    print(JSON.stringify(summary));
  },
);

// The worker role keeps serving after main returns.
if (require.main === module) runMain(main, { serve: true });
