/**
 * A throwaway redis-server for tests: 127.0.0.1, a free port, a random password, no persistence.
 * Debian's `redis-server` package must be installed (.ci/run installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

import { checkRedis, parseRedisAddress } from '../distributed/redis-address';

/** A running test server. */
export interface TestRedis {
  port: number;
  password: string;
  /** The URL of database `db` (default 0). */
  url(db?: number): string;
  /** Kills the server (SIGKILL: its data is gone) and starts a new one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await checkRedis(parseRedisAddress(url), 1000);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * The server that `.ci/run` started (`BIGMODEL_TEST_REDIS_URL`, password included), when there is
 * one, else a server of this process's own. Either way a test uses databases of it, never its keys
 * outside them.
 */
export async function testRedis(): Promise<Pick<TestRedis, 'url' | 'port' | 'stop'>> {
  const given = process.env['BIGMODEL_TEST_REDIS_URL'];
  if (!given) return startTestRedis();
  const base = new URL(given);
  await waitReady(given);
  return {
    port: Number(base.port),
    url: (db = 0) => Object.assign(new URL(base.href), { pathname: `/${db}` }).href,
    stop: async () => undefined,
  };
}

/** Starts a server; see the file header. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const url = (db = 0) => `redis://:${password}@127.0.0.1:${port}/${db}`;
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    child.on('error', () => undefined);
    await waitReady(url());
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  await launch();
  return { port, password, url, restart: async () => (await kill(), launch()), stop: kill };
}
