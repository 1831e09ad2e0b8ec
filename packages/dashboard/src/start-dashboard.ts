/**
 * The dashboard server: a local page (tfjs-vis, served from node_modules, nothing fetched from the
 * network) over the runs directory, bound to 127.0.0.1 by default.
 */
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';

import { PAGE } from './page';
import { listRuns, readMetrics, resolveRun, resolveRunFile } from './runs';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** The runs directory (default `runs`). */
  runsDir?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`, this machine only). */
  host?: string;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's address. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

const VENDOR: Record<string, string> = {
  'tf.min.js': join(dirname(require.resolve('@tensorflow/tfjs/package.json')), 'dist', 'tf.min.js'),
  'tfjs-vis.umd.min.js': join(dirname(require.resolve('@tensorflow/tfjs-vis/package.json')), 'dist', 'tfjs-vis.umd.min.js'),
};

function send(response: import('node:http').ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

/**
 * Serves the dashboard over `runsDir` and resolves once it listens.
 *
 * @example
 * ```ts
 * const dashboard = await startDashboard({ runsDir: 'runs' }); // dashboard.url: http://127.0.0.1:<port>/
 * // ... later
 * await dashboard.close();
 * ```
 * @category Dashboard
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const root = resolve(options.runsDir ?? 'runs');
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (request.method !== 'GET') return send(response, 405, 'text/plain', 'GET only');
      if (url.pathname === '/') return send(response, 200, 'text/html; charset=utf-8', PAGE);
      if (url.pathname.startsWith('/vendor/')) {
        const file = VENDOR[url.pathname.slice('/vendor/'.length)];
        if (!file) return send(response, 404, 'text/plain', 'not found');
        response.writeHead(200, { 'content-type': 'text/javascript' });
        createReadStream(file).pipe(response);
        return undefined;
      }
      if (url.pathname === '/api/runs') return send(response, 200, 'application/json', JSON.stringify(listRuns(root)));
      if (url.pathname === '/api/metrics') {
        const dir = resolveRun(root, url.searchParams.get('run') ?? '');
        if (!dir) return send(response, 403, 'text/plain', 'not a run in the runs directory');
        const from = Math.max(0, Number(url.searchParams.get('from') ?? 0) || 0);
        return send(response, 200, 'application/json', JSON.stringify(readMetrics(dir, from)));
      }
      if (url.pathname === '/api/image') {
        const dir = resolveRun(root, url.searchParams.get('run') ?? '');
        const file = dir && resolveRunFile(dir, url.searchParams.get('path') ?? '');
        if (!file || !file.toLowerCase().endsWith('.png')) return send(response, 403, 'text/plain', 'not a PNG of this run');
        response.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
        createReadStream(file).pipe(response);
        return undefined;
      }
      return send(response, 404, 'text/plain', 'not found');
    } catch (error) {
      return send(response, 500, 'text/plain', String(error));
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
