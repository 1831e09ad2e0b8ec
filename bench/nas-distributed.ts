/**
 * Trials per minute of a search whose trials run on Redis (BullMQ) with 1, 2 and 4 worker processes,
 * against the local runner in the same script. Two evaluators:
 * - `instant` (the built-in Branin formula): a trial costs nothing, so the time per trial is the
 *   queue's overhead (add, take, report, poll, remove) against the local runner's;
 * - `sleep` (a module evaluator that waits `--ms` per trial, 200 by default): work that parallelizes,
 *   so trials per minute should grow with the workers.
 * Times are at the steady pace (after the first trial), leaving out thread and backend start-up.
 * Starts its own redis-server (Debian's `redis-server`) on 127.0.0.1 with a random port and password.
 *
 *   npm run bench:nas-distributed [-- --trials 40 --ms 200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { integerOption, runMain } from '@bigmodel/core';
import { RedisTrialQueue, checkRedis, parseRedisAddress, runSearch, type EvaluatorSpec } from '@bigmodel/nas';

import { benchProgram, exampleMain } from '../examples/cli';

const space = { params: { x1: { type: 'float' as const, min: -5, max: 10 }, x2: { type: 'float' as const, min: 0, max: 15 } } };
/** The two evaluators, `sleep` (the module `sleepModule`) waiting `ms` per trial. */
const evaluators = (sleepModule: string, ms: number): Record<string, EvaluatorSpec> => ({
  instant: { kind: 'builtin', name: 'branin' },
  sleep: { kind: 'module', module: sleepModule, options: { ms } },
});

async function startRedis(): Promise<{ url: string; server: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const password = randomBytes(12).toString('hex');
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://:${password}@127.0.0.1:${port}/0`;
  for (let i = 0; ; i++) {
    try {
      await checkRedis(parseRedisAddress(url), 500);
      return { url, server };
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A worker process running the package's runWorker (from its build). */
function startWorker(url: string, sleepModule: string): Promise<ChildProcess> {
  const code = `require('@bigmodel/nas').runWorker({ url: process.argv[1], allowModules: [process.argv[2]] }).then(() => console.log('ready'))`;
  const child = spawn(process.execPath, ['-e', code, url, sleepModule], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BIGMODEL_WASM_THREADS: '1' },
  });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

/**
 * Seconds for `trials` trials at the steady pace: from the first finished trial to the last, scaled
 * to `trials`, so that starting threads and backends (once per search) is left out on both sides.
 */
async function timeSearch(
  scratch: string,
  trials: number,
  evaluator: EvaluatorSpec,
  workers: number,
  executor?: RedisTrialQueue,
): Promise<number> {
  const dir = mkdtempSync(join(scratch, 'search-'));
  const finished: number[] = [];
  await runSearch({
    dir,
    space,
    strategy: 'random',
    evaluator,
    trials,
    workers,
    keepModels: false,
    executor,
    onProgress: (p) => finished.push(p.elapsedSeconds),
  });
  return ((finished[finished.length - 1] - finished[0]) / (finished.length - 1)) * trials;
}

async function bench({ trials, ms }: { trials: number; ms: number }): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'bigmodel-bench-nas-redis-'));
  const sleepModule = join(scratch, 'sleep-evaluator.cjs');
  writeFileSync(
    sleepModule,
    'exports.createEvaluator = (o) => async (c) => (await new Promise((r) => setTimeout(r, o.ms)), { score: -c.x1 * c.x1 });\n',
  );
  const { url, server } = await startRedis();
  console.log(`${trials} trials per search; 'sleep' waits ${ms} ms per trial. Trials per minute (seconds per trial).\n`);
  console.log('| evaluator | runner | in flight | trials/min | s per trial |');
  console.log('|---|---|---|---|---|');
  const row = (name: string, runner: string, inFlight: number, seconds: number) =>
    console.log(`| ${name} | ${runner} | ${inFlight} | ${((60 * trials) / seconds).toFixed(0)} | ${(seconds / trials).toFixed(4)} |`);
  const overhead: Record<string, number> = {};
  for (const [name, evaluator] of Object.entries(evaluators(sleepModule, ms))) {
    const local = await timeSearch(scratch, trials, evaluator, 1);
    row(name, 'local', 1, local);
    if (name === 'instant') overhead['local'] = local / trials;
    const workers: ChildProcess[] = [];
    for (const count of [1, 2, 4]) {
      while (workers.length < count) workers.push(await startWorker(url, sleepModule));
      const seconds = await timeSearch(scratch, trials, evaluator, count, new RedisTrialQueue({ url, maxInFlight: count, pollMs: 20 }));
      row(name, `redis, ${count} worker process${count > 1 ? 'es' : ''}`, count, seconds);
      if (name === 'instant' && count === 1) overhead['redis'] = seconds / trials;
    }
    workers.forEach((w) => w.kill('SIGTERM'));
  }
  const extra = (overhead['redis'] - overhead['local']) * 1000;
  console.log(`\nQueue overhead per trial (instant evaluator, one worker): ${extra.toFixed(1)} ms more than the local runner`);
  console.log(
    `(local ${(overhead['local'] * 1000).toFixed(2)} ms, redis ${(overhead['redis'] * 1000).toFixed(1)} ms per trial; the coordinator polls every 20 ms).`,
  );
  server.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
}

export const main = exampleMain(
  () =>
    benchProgram('nas-distributed.ts', 'Trials per minute of a search on Redis with 1, 2 and 4 worker processes, against the local runner.')
      .addOption(integerOption('--trials <n>', 'trials per search', { min: 2, max: 100_000 }, 40))
      .addOption(integerOption('--ms <n>', "the sleep evaluator's milliseconds per trial", { min: 0, max: 600_000 }, 200)),
  bench,
);

if (require.main === module) runMain(main);
