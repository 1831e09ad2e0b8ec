import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

import type { Dashboard } from '../start-dashboard';
import { main } from './main';

let tmp: string;
/** A port another server listens on (127.0.0.1). */
let busyPort: number;
let busy: Server;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dashboard-bad-'));
  writeFileSync(join(tmp, 'file.txt'), 'not a directory');
  busy = createServer();
  await new Promise<void>((listening) => busy.listen(0, '127.0.0.1', () => listening()));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((closed) => busy.close(() => closed()));
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs `bigmodel-dashboard` in-process; returns its exit status, what it printed, and the dashboard if it started. */
async function dashboard(argv: string[]) {
  let out = '';
  let err = '';
  let started: Dashboard | undefined;
  const code = await main(
    argv,
    { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    (d) => (started = d),
  );
  return { code, out, err, started };
}

describe('bigmodel-dashboard bad input', () => {
  // [flag, command line, exit status, fragment of the one-line error]
  const cases: [string, string[], number, string][] = [
    ['unknown flag', ['<tmp>', '--prot', '8080'], 2, 'UsageError: unknown flag --prot; did you mean --port?'],
    ['[runs-dir]', ['<tmp>/nowhere'], 2, 'FileFormatError: <tmp>/nowhere is not a directory.'],
    ['[runs-dir]', ['<tmp>/file.txt'], 2, 'FileFormatError: <tmp>/file.txt is not a directory.'],
    ['[runs-dir]', ['<tmp>', '<tmp>'], 2, 'UsageError: too many arguments'],
    ['--port', ['<tmp>', '--port', '99999'], 2, 'Invalid argument for --port: "99999". Must be an integer in [0, 65535].'],
    ['--port', ['<tmp>', '--port', '-1'], 2, 'Invalid argument for --port: "-1"'],
    ['--port', ['<tmp>', '--port', 'http'], 2, 'Invalid argument for --port: "http"'],
    ['--port', ['<tmp>', '--port'], 2, 'UsageError: flag --port needs a value'],
    ['--host', ['<tmp>', '--host'], 2, 'UsageError: flag --host needs a value'],
    [
      '--host',
      ['<tmp>', '--host', 'nosuch.invalid'],
      2,
      'Invalid argument for host: "nosuch.invalid". It is not an address of this machine',
    ],
    [
      '--host',
      ['<tmp>', '--host', '192.0.2.1'],
      2,
      'Invalid argument for host: "192.0.2.1". It is not an address of this machine (EADDRNOTAVAIL)',
    ],
    ['--port', ['<tmp>', '--port', '<busy>'], 2, 'Invalid argument for port: <busy>. It is in use on 127.0.0.1'],
  ];

  it.each(cases)('%s: %j exits %d with one line containing %j, and serves nothing', async (_flag, argv, status, fragment) => {
    const fill = (s: string) => s.split('<tmp>').join(tmp).split('<busy>').join(String(busyPort));
    const result = await dashboard(argv.map(fill));
    expect(result.code).toBe(status);
    expect(result.err).toContain(fill(fragment));
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
    expect(result.started).toBeUndefined();
  });

  it('serves a runs directory, and describes its flags with defaults and examples in --help', async () => {
    const served = await dashboard([tmp, '--port', '0']);
    expect(served.code).toBe(0);
    expect(served.out).toMatch(/^bigmodel dashboard on http:\/\/127\.0\.0\.1:\d+\/? \(Ctrl-C to stop\)\n$/);
    await served.started!.close();
    const help = await dashboard(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--port <n>\s+port to listen on \(0: any free port\); an integer in \[0,\s+65535\] \(default: 0\)/);
    expect(help.out).toContain('default: "127.0.0.1"');
    expect(help.out).toContain('$ bigmodel-dashboard runs/');
  });
});
