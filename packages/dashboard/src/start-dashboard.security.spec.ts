/**
 * The server against hostile requests and hostile runs directories: nothing a request or a file
 * under the runs directory does may stop the server, block it, or read outside the runs directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InvalidArgumentError } from '@bigmodel/core';

import { startDashboard, type Dashboard } from './start-dashboard';

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const SECRET = 'secret-outside-the-runs-directory';

/** Sends `text` on a raw TCP connection and returns what came back before the server closed it (or 3 s passed). */
function raw(port: number, text: string | Buffer): Promise<string> {
  return new Promise((resolveReply) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    const done = () => resolveReply(Buffer.concat(chunks).toString('latin1'));
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

/** GET with a deadline: a request the server cannot answer within `ms` fails the test instead of hanging it. */
async function get(url: string, ms = 2000): Promise<{ status: number; body: string; ms: number }> {
  const start = Date.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: response.status, body: await response.text(), ms: Date.now() - start };
}

describe('startDashboard against hostile requests', () => {
  let dashboard: Dashboard;
  let port: number;

  beforeAll(async () => {
    const runs = temp('bigmodel-dashboard-req-');
    mkdirSync(join(runs, 'mlp'));
    writeFileSync(join(runs, 'mlp', 'metrics.jsonl'), '{"step":1,"losses/train":0.5}\n');
    dashboard = await startDashboard({ runsDir: runs });
    port = Number(new URL(dashboard.url).port);
  });
  afterAll(() => dashboard?.close());

  const TARGETS = [
    'http://a:99999/',
    'http://[::1/',
    'http://a:99999/api/runs',
    '*',
    '//a:99999/',
    '//evil.example/api/runs',
    'a:99999',
    '/%ff%fe%00',
    '/api/metrics?run=%zz%00&from=1e400',
    '/api/metrics?run=mlp&from=-5',
    '/api/metrics?run=mlp&from=99999999999999999999',
    '/api/metrics?run=mlp&from=NaN',
    '/api/image?run=..%2f..&path=%2e%2e%2fetc%2fpasswd',
    '/api/image?run=mlp&path=metrics.jsonl',
    '/api/image?run=mlp&path=nothing.png',
    '/api/search?run=mlp',
    '/api/search?run=',
    '/vendor/constructor',
    '/vendor/__proto__',
    '/vendor/toString',
    '/vendor/',
    '/api/runs?' + 'a'.repeat(20000),
    '/' + '../'.repeat(50) + 'etc/passwd',
  ];
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'BREW', 'CONNECT', 'PATCH'];

  it('answers every hostile request target and method with an error status and keeps serving', async () => {
    const statuses: Record<string, string> = {};
    for (const method of METHODS) {
      for (const target of TARGETS) {
        const reply = await raw(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\n\r\n`);
        statuses[`${method} ${target.slice(0, 60)}`] = reply.slice(0, 12);
      }
    }
    for (const junk of ['\x00\x01\x02\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET / HTTP/1.1\r\nHost: [\r\nX: \x7f\r\n\r\n']) {
      statuses[JSON.stringify(junk)] = (await raw(port, junk)).slice(0, 12);
    }
    // No request got a 500 (each was understood and refused), and none was served a file.
    expect(Object.entries(statuses).filter(([, status]) => status.includes(' 500') || status.includes(' 200'))).toEqual([
      ...METHODS.filter((m) => m === 'GET').flatMap((m) => [
        [`${m} /api/metrics?run=mlp&from=-5`, 'HTTP/1.1 200'],
        [`${m} /api/metrics?run=mlp&from=99999999999999999999`, 'HTTP/1.1 200'],
        [`${m} /api/metrics?run=mlp&from=NaN`, 'HTTP/1.1 200'],
      ]),
    ]);
    expect((await raw(port, `GET http://a:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).slice(0, 12)).toBe('HTTP/1.1 400');
    // A page elsewhere whose name resolves here (DNS rebinding) sends its own name as Host: refused.
    for (const host of ['attacker.example', `attacker.example:${port}`, 'a:99999', '']) {
      expect((await raw(port, `GET /api/runs HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).slice(0, 12)).toBe('HTTP/1.1 421');
    }
    expect((await raw(port, `GET /api/runs HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`)).slice(0, 12)).toBe('HTTP/1.1 200');
    // And the server still answers.
    const runs = await get(`${dashboard.url}api/runs`);
    expect(runs.status).toBe(200);
    expect(JSON.parse(runs.body).map((r: { name: string }) => r.name)).toEqual(['mlp']);
  });
});

describe('startDashboard over a hostile runs directory', () => {
  let dashboard: Dashboard;
  let runs: string;
  const writers: ChildProcess[] = [];

  beforeAll(async () => {
    runs = temp('bigmodel-dashboard-files-');
    const outside = temp('bigmodel-dashboard-outside-');
    writeFileSync(join(outside, 'secret.png'), SECRET);
    writeFileSync(join(outside, 'metrics.jsonl'), `{"step":1,"losses/${SECRET}":1}\n`);
    mkdirSync(join(runs, 'x'));
    writeFileSync(join(runs, 'x', 'metrics.jsonl'), '{"step":1,"losses/train":0.5}\n');
    writeFileSync(join(runs, 'x', 'grid.png'), 'png bytes');
    symlinkSync(join(outside, 'secret.png'), join(runs, 'x', 'leak.png'));
    symlinkSync('/etc/passwd', join(runs, 'x', 'passwd.png'));
    mkdirSync(join(runs, 'linked-metrics'));
    symlinkSync(join(outside, 'metrics.jsonl'), join(runs, 'linked-metrics', 'metrics.jsonl'));
    symlinkSync(outside, join(runs, 'linked-run'));
    symlinkSync(join(runs, 'x'), join(runs, 'latest')); // a link that stays inside may be opened
    mkdirSync(join(runs, 'fifo'));
    expect(spawnSync('mkfifo', [join(runs, 'fifo', 'metrics.jsonl')]).status).toBe(0);
    mkdirSync(join(runs, 'fifo-image'));
    writeFileSync(join(runs, 'fifo-image', 'metrics.jsonl'), '{"step":1,"losses/train":0.5}\n');
    expect(spawnSync('mkfifo', [join(runs, 'fifo-image', 'grid.png')]).status).toBe(0);
    // Writers that would release a reader blocked on the FIFOs after 5 s (so that a blocking server fails the test, not hangs it).
    for (const fifo of [join(runs, 'fifo', 'metrics.jsonl'), join(runs, 'fifo-image', 'grid.png')]) {
      writers.push(spawn('sh', ['-c', `sleep 5; printf '{"step":1,"losses/fifo":1}\\n' > "$0"`, fifo], { stdio: 'ignore' }));
    }
    dashboard = await startDashboard({ runsDir: runs });
  });
  afterAll(async () => {
    for (const writer of writers) writer.kill();
    await dashboard?.close();
  });

  it('lists only real run directories with regular metrics files (no symlinks out, no FIFOs)', async () => {
    const { status, body, ms } = await get(`${dashboard.url}api/runs`);
    expect({ status, fast: ms < 1500 }).toEqual({ status: 200, fast: true });
    expect(
      JSON.parse(body)
        .map((r: { name: string }) => r.name)
        .sort(),
    ).toEqual(['fifo-image', 'x']);
  });

  it('refuses a symlinked metrics.jsonl, a symlinked run directory and a FIFO without blocking', async () => {
    for (const run of ['linked-metrics', 'linked-run', 'fifo']) {
      const { status, body, ms } = await get(`${dashboard.url}api/metrics?run=${run}`);
      expect({ run, status, fast: ms < 1500, leaked: body.includes(SECRET) }).toEqual({ run, status: 403, fast: true, leaked: false });
    }
    expect((await get(`${dashboard.url}api/metrics?run=latest`)).status).toBe(200);
  });

  it('serves a run’s own PNG but refuses PNG symlinks leading outside and FIFOs, without blocking', async () => {
    expect(await get(`${dashboard.url}api/image?run=x&path=grid.png`)).toMatchObject({ status: 200, body: 'png bytes' });
    for (const [run, path] of [
      ['x', 'leak.png'],
      ['x', 'passwd.png'],
      ['fifo-image', 'grid.png'],
    ]) {
      const { status, body, ms } = await get(`${dashboard.url}api/image?run=${run}&path=${path}`);
      const leaked = body.includes(SECRET) || body.includes('root:');
      expect({ path, status, fast: ms < 1500, leaked }).toEqual({ path, status: 403, fast: true, leaked: false });
    }
    expect((await get(`${dashboard.url}api/runs`)).status).toBe(200);
  });

  it('hands out run names that round-trip through URL encoding', async () => {
    const names = ['amp&lt;run', 'sp ace', 'hash#q?x=1&y', 'pct%41', 'uni-ü', 'a+b', 'quote"\'<b>'];
    for (const name of names) {
      mkdirSync(join(runs, name));
      writeFileSync(join(runs, name, 'metrics.jsonl'), `{"step":1,"losses/train":${names.indexOf(name)}}\n`);
    }
    const listed: string[] = JSON.parse((await get(`${dashboard.url}api/runs`)).body).map((r: { name: string }) => r.name);
    for (const name of names) {
      expect(listed).toContain(name);
      const { status, body } = await get(`${dashboard.url}api/metrics?run=${encodeURIComponent(name)}`);
      expect({ name, status, records: status === 200 ? JSON.parse(body).records : body }).toEqual({
        name,
        status: 200,
        records: [{ step: 1, 'losses/train': names.indexOf(name) }],
      });
    }
  });
});

describe('startDashboard refuses a runs directory that is not one', () => {
  it('rejects a missing directory and a file with an InvalidArgumentError naming runsDir', async () => {
    const dir = temp('bigmodel-dashboard-missing-');
    writeFileSync(join(dir, 'file'), 'not a directory');
    for (const runsDir of [join(dir, 'nope'), join(dir, 'file')]) {
      const error = await startDashboard({ runsDir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ parameter: 'runsDir', value: runsDir });
    }
  });

  it('bigmodel-dashboard refuses a missing directory before serving: exit 2, one line', () => {
    const missing = join(temp('bigmodel-dashboard-cli-'), 'nope');
    const main = join(__dirname, 'cli', 'main.ts');
    const cli = spawnSync(process.execPath, ['--conditions=@bigmodel/source', '-r', 'ts-node/register/transpile-only', main, missing], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.spec.json') },
      timeout: 60000,
    });
    const lines = cli.stderr.trim().split('\n').length;
    expect({ status: cli.status, stdout: cli.stdout, lines }).toEqual({ status: 2, stdout: '', lines: 1 });
    expect(cli.stderr).toContain(`FileFormatError: ${missing} is not a directory`);
  });
});
