import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ConnectionError } from '@bigmodel/core';
import { Queue } from 'bullmq';

import { readJournal } from '../runner/journal';
import { resumeSearch, runSearch, type RunSearchConfig } from '../runner/run-search';
import { TEST_SPACE } from '../testing/distributed-child';
import { startTestRedis, testRedis, type TestRedis } from '../testing/redis-server';
import { RedisTrialQueue, searchIdOf, type TrialQueueEvent } from './redis-trial-queue';
import { runWorker as startWorker, type RunWorkerOptions, type WorkerHandle } from './run-worker';
import { TRIAL_QUEUE, trialJobId } from './trial-job';

const MODULE = join(__dirname, '../testing/sleepy-evaluator.cjs');
const CHILD = join(__dirname, '../testing/distributed-child.ts');
const tempDir = () => mkdtempSync(join(tmpdir(), 'bigmodel-nas-redis-'));

let redis: Pick<TestRedis, 'url' | 'port' | 'stop'>;
let nextDb = 1;
/** A fresh database for each test, so that no test sees another's jobs. */
const freshUrl = () => redis.url(nextDb++);
const children: ChildProcess[] = [];
/** Every in-process worker started, closed after the tests whatever happened (open connections keep Jest alive). */
const handles: WorkerHandle[] = [];
async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  const handle = await startWorker(options);
  handles.push(handle);
  return handle;
}

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
  await redis.stop();
});

/** A child process (worker or coordinator) whose JSON lines are collected. */
function child(args: string[]) {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, ...args], {
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '../../tsconfig.spec.json'), BIGMODEL_WASM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  const lines: Record<string, unknown>[] = [];
  const waiters: { test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text);
    } catch {
      return;
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w.test(line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const waitFor = (test: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const seen = lines.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, waitFor, exited };
}

const workerChild = (url: string, lockSeconds = 30) => child(['worker', url, String(lockSeconds), MODULE]);

function searchConfig(dir: string, ms: number, trials: number): RunSearchConfig {
  return {
    dir,
    space: TEST_SPACE,
    strategy: 'random',
    evaluator: { kind: 'module', module: MODULE, options: { ms } },
    trials,
    seed: 3,
    keepModels: false,
  };
}

/** The journal's result lines: trial id -> score, failing on any trial recorded twice. */
function journalResults(dir: string): Map<number, { status: string; score: number | null; error?: string }> {
  const results = new Map<number, { status: string; score: number | null; error?: string }>();
  for (const line of readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))) {
    if (line.type !== 'result') continue;
    if (results.has(line.trialId)) throw new Error(`trial ${line.trialId} recorded twice`);
    results.set(line.trialId, { status: line.status, score: line.score, error: line.error });
  }
  return results;
}

/** The local run of the same search: the reference every distributed run must equal. */
let reference: Map<number, { status: string; score: number | null }>;
beforeAll(async () => {
  const dir = tempDir();
  await runSearch({ ...searchConfig(dir, 0, 12), workers: 2 });
  reference = journalResults(dir);
}, 60_000);

describe('a search on Redis', () => {
  it('with three worker processes ends with the trials and scores of the local run', async () => {
    const url = freshUrl();
    const workers = [workerChild(url), workerChild(url), workerChild(url)];
    await Promise.all(workers.map((w) => w.waitFor((l) => l['kind'] === 'ready')));
    const dir = tempDir();
    const result = await runSearch({ ...searchConfig(dir, 150, 12), executor: new RedisTrialQueue({ url, maxInFlight: 3, pollMs: 50 }) });
    expect(result.trials).toHaveLength(12);
    expect(journalResults(dir)).toEqual(reference);
    // The work really was spread: every worker process finished trials.
    const perWorker = workers.map((w) => w.lines.filter((l) => l['kind'] === 'finished').length);
    expect(perWorker.every((n) => n > 0)).toBe(true);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(12);
    workers.forEach((w) => w.proc.kill('SIGTERM'));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0]);
  }, 90_000);

  it('retries the trial of a worker SIGKILLed mid-trial on another worker: nothing lost, nothing twice', async () => {
    const url = freshUrl();
    const doomed = workerChild(url, 2);
    const survivor = workerChild(url, 2);
    await Promise.all([doomed, survivor].map((w) => w.waitFor((l) => l['kind'] === 'ready')));
    const dir = tempDir();
    const search = runSearch({ ...searchConfig(dir, 800, 6), executor: new RedisTrialQueue({ url, maxInFlight: 2, pollMs: 50 }) });
    const started = await doomed.waitFor((l) => l['kind'] === 'started');
    doomed.proc.kill('SIGKILL');
    const result = await search;
    const results = journalResults(dir);
    expect([...results.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...results.values()].every((r) => r.status === 'ok')).toBe(true);
    for (const [id, r] of results) expect(r.score).toBe(reference.get(id)!.score);
    // The killed worker's trial was finished by the survivor.
    expect(survivor.lines.some((l) => l['kind'] === 'finished' && l['trialId'] === started['trialId'])).toBe(true);
    expect(result.trials).toHaveLength(6);
    survivor.proc.kill('SIGTERM');
    await survivor.exited;
  }, 90_000);

  it('resumes after the coordinator is SIGKILLed and restarted: nothing lost, nothing twice', async () => {
    const url = freshUrl();
    const worker = workerChild(url);
    const dir = tempDir();
    const first = child(['coordinator', url, dir, MODULE, '300', '8']);
    await first.waitFor((l) => l['done'] === 3);
    first.proc.kill('SIGKILL');
    await first.exited;
    const second = child(['coordinator', url, dir, MODULE, '300', '8']);
    await second.waitFor((l) => l['kind'] === 'done');
    expect(await second.exited).toBe(0);
    const results = journalResults(dir);
    expect([...results.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [id, r] of results) expect(r.score).toBe(reference.get(id)!.score);
    worker.proc.kill('SIGTERM');
    await worker.exited;
  }, 90_000);

  it('survives a Redis restart that loses every queued trial', async () => {
    const own = await startTestRedis();
    try {
      const url = own.url(0);
      const worker = await runWorker({ url, lockSeconds: 2, allowModules: [MODULE] });
      const events: string[] = [];
      const dir = tempDir();
      const queue = new RedisTrialQueue({ url, maxInFlight: 2, pollMs: 50, onEvent: (e) => events.push(e.kind) });
      const search = runSearch({ ...searchConfig(dir, 400, 6), executor: queue, onProgress: (p) => void (p.done === 2 && own.restart()) });
      await search;
      await worker.close();
      const results = journalResults(dir);
      expect(results.size).toBe(6);
      for (const [id, r] of results) expect(r).toEqual(expect.objectContaining({ status: 'ok', score: reference.get(id)!.score }));
      expect(events).toContain('requeued');
    } finally {
      await own.stop();
    }
  }, 90_000);

  it('fails, without stopping the worker, a trial past its time limit and one naming a module the worker does not allow', async () => {
    const url = freshUrl();
    const handles: WorkerHandle[] = [await runWorker({ url, allowModules: [MODULE] })];
    try {
      const slow = tempDir();
      await runSearch({ ...searchConfig(slow, 5000, 1), executor: new RedisTrialQueue({ url, trialTimeoutSeconds: 1, pollMs: 50 }) });
      expect(journalResults(slow).get(0)).toEqual(
        expect.objectContaining({ status: 'failed', error: expect.stringMatching(/past its limit of 1 s/) }),
      );
      const other = join(tempDir(), 'other.cjs');
      const refused = tempDir();
      await runSearch({
        ...searchConfig(refused, 0, 1),
        evaluator: { kind: 'module', module: other },
        executor: new RedisTrialQueue({ url, pollMs: 50 }),
      });
      expect(journalResults(refused).get(0)).toEqual(
        expect.objectContaining({ status: 'failed', error: expect.stringMatching(/does not load .*other\.cjs.*--evaluator-module/) }),
      );
      // The same worker still evaluates.
      const fine = tempDir();
      await runSearch({ ...searchConfig(fine, 0, 2), executor: new RedisTrialQueue({ url, pollMs: 50 }) });
      expect([...journalResults(fine).values()].map((r) => r.status)).toEqual(['ok', 'ok']);
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  }, 90_000);

  it('removes and reports a queued copy of a trial whose result the journal already holds', async () => {
    const url = freshUrl();
    const worker = await runWorker({ url, allowModules: [MODULE] });
    const dir = tempDir();
    try {
      await runSearch({ ...searchConfig(dir, 0, 2), executor: new RedisTrialQueue({ url, pollMs: 50 }) });
      await worker.close();
      // As if the coordinator had died between journaling trial 0 and removing its job: the job is back in Redis.
      const { search } = readJournal(dir);
      const queue = new Queue(TRIAL_QUEUE, { connection: { url } });
      const stale = trialJobId(searchIdOf(search.spec, search.createdAt), 0);
      await queue.add('trial', { stale: true }, { jobId: stale });
      const events: TrialQueueEvent[] = [];
      const again = await runWorker({ url, allowModules: [MODULE] });
      await resumeSearch(dir, {
        trials: 3,
        evaluatorModule: MODULE,
        executor: new RedisTrialQueue({ url, pollMs: 50, onEvent: (e) => events.push(e) }),
      });
      await again.close();
      expect(events).toEqual([expect.objectContaining({ kind: 'stale-removed', trialId: 0 })]);
      expect(await queue.getJob(stale)).toBeUndefined();
      // Each trial once (journalResults refuses a second record), in the order the worker finished them.
      expect([...journalResults(dir).keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
      await queue.close();
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('refuses a malformed job from Redis with a clear reason', async () => {
    const url = freshUrl();
    const worker = await runWorker({ url });
    const queue = new Queue(TRIAL_QUEUE, { connection: { url } });
    try {
      const job = await queue.add('trial', { searchId: 'zz', trialId: -1, config: 'rm -rf /' }, { jobId: 'bad' });
      for (let i = 0; i < 100 && (await job.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await job.getState()).toBe('failed');
      expect((await queue.getJob('bad'))?.failedReason).toMatch(/Refused a malformed trial job bad: searchId/);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 30_000);
});

describe('connecting to Redis', () => {
  it('says a wrong password, a missing password and no server apart, as ConnectionErrors without the password', async () => {
    const wrong = `redis://:not-the-password@127.0.0.1:${redis.port}/0`;
    await expect(runWorker({ url: wrong })).rejects.toThrow(ConnectionError);
    await expect(runWorker({ url: wrong })).rejects.toThrow(/refused the password/);
    await expect(runWorker({ url: wrong })).rejects.not.toThrow(/not-the-password/);
    await expect(runWorker({ url: `redis://127.0.0.1:${redis.port}/0` })).rejects.toThrow(/requires a password/);
    const queue = new RedisTrialQueue({ url: 'redis://127.0.0.1:1/0' });
    await expect(runSearch({ ...searchConfig(tempDir(), 0, 1), executor: queue })).rejects.toThrow(/refused the connection/);
  });

  it('refuses a URL that is not redis:// and bad options, naming the parameter', () => {
    expect(() => new RedisTrialQueue({ url: 'http://127.0.0.1:6379' })).toThrow(/url.*redis:\/\//);
    expect(() => new RedisTrialQueue({ url: 'redis://h:1/0', maxInFlight: 0 })).toThrow(/maxInFlight/);
    expect(() => new RedisTrialQueue({ url: 'redis://h:1/0', trialTimeoutSeconds: -1 })).toThrow(/trialTimeoutSeconds/);
    return expect(runWorker({ url: 'redis://h:1/0', concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});
