import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkRedis, parseRedisAddress } from '@bigmodel/nas';

import { runPpoSweep, startPpoSweepWorker } from './ppo-sweep';

/** The Redis that .ci/run started, or one of this test's own (Debian's redis-server). */
async function redisUrl(): Promise<{ url: string; stop: () => void }> {
  const given = process.env['BIGMODEL_TEST_REDIS_URL'];
  if (given) return { url: given.replace(/\/\d*$/, '/14'), stop: () => undefined };
  const port = 20000 + Math.floor(Math.random() * 20000);
  const password = randomBytes(8).toString('hex');
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://:${password}@127.0.0.1:${port}/0`;
  for (let i = 0; ; i++) {
    try {
      await checkRedis(parseRedisAddress(url), 500);
      return { url, stop: () => server.kill('SIGKILL') };
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const resultsOf = (dir: string) =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'result');

describe('nas/ppo-sweep', () => {
  it('sweeps PPO on CartPole-v1 the same in this process and through a Redis worker', async () => {
    const local = await runPpoSweep({ trials: 2, steps: 512, out: mkdtempSync(join(tmpdir(), 'ppo-sweep-')) });
    expect(local.trials).toBe(2);
    const { url, stop } = await redisUrl();
    const worker = await startPpoSweepWorker(url);
    try {
      const queued = await runPpoSweep({
        trials: 2,
        steps: 512,
        out: mkdtempSync(join(tmpdir(), 'ppo-sweep-redis-')),
        redis: url,
        inFlight: 1,
      });
      // Same seed, same trials, same scores: PPO is deterministic for a seed, wherever it runs.
      expect(resultsOf(queued.dir).map((r) => [r.trialId, r.status, r.score])).toEqual(
        resultsOf(local.dir).map((r) => [r.trialId, r.status, r.score]),
      );
      // Real episodes of CartPole: returns of at least 8 steps (a pole falls in no fewer), at most 500.
      for (const r of resultsOf(local.dir)) expect(r.score).toBeGreaterThanOrEqual(8);
    } finally {
      await worker.close();
      stop();
    }
  }, 120_000);
});
