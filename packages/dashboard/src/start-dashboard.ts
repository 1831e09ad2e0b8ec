/**
 * The dashboard server: a local page (tfjs-vis, served from node_modules, nothing fetched from the
 * network) over the runs directory, bound to 127.0.0.1 by default.
 *
 * Every file under the runs directory is untrusted: a run, a metrics file, a journal or an image is
 * served only when it is a regular file inside the runs directory after symlinks are resolved (core's
 * `resolveContainedPath` / `readContainedFile`), opened without blocking. No request can stop the
 * server: the whole handler is guarded, and a failure answers that request alone.
 */
import { realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

import { FileFormatError, InvalidArgumentError, readContainedFile, readRegularFile } from '@bigmodel/core';

import { PAGE } from './page';
import { listRuns, readMetrics, readSearch, resolveRun } from './run-files';

/**
 * Options of {@link startDashboard}.
 *
 * @category Dashboard
 */
export interface DashboardOptions {
  /** The runs directory (default `runs`); it must exist. */
  runsDir?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`, this machine only). */
  host?: string;
}

/**
 * A running dashboard.
 *
 * @category Dashboard
 */
export interface Dashboard {
  /** The page's address. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** The largest image served: 32 MiB. */
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

const VENDOR = new Map<string, string>([
  ['tf.min.js', join(dirname(require.resolve('@tensorflow/tfjs/package.json')), 'dist', 'tf.min.js')],
  ['tfjs-vis.umd.min.js', join(dirname(require.resolve('@tensorflow/tfjs-vis/package.json')), 'dist', 'tfjs-vis.umd.min.js')],
]);
const vendorCache = new Map<string, Buffer>();

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(body);
}

/** The runs directory's real path, or an InvalidArgumentError when it does not exist or is not a directory. */
function checkRunsDir(runsDir: unknown): string {
  if (typeof runsDir !== 'string' || runsDir === '') {
    throw new InvalidArgumentError({ parameter: 'runsDir', value: runsDir, message: 'Expected the path of a directory of runs.' });
  }
  let real: string;
  try {
    real = realpathSync(runsDir);
  } catch (cause) {
    const message = 'It does not exist. Give the directory your runs write to (e.g. runs/).';
    throw new InvalidArgumentError({ parameter: 'runsDir', value: runsDir, message, cause });
  }
  if (!statSync(real).isDirectory()) {
    const message = 'It is not a directory. Give the directory your runs write to (e.g. runs/).';
    throw new InvalidArgumentError({ parameter: 'runsDir', value: runsDir, message });
  }
  return real;
}

/** Answers one request; anything it throws is answered by the caller. */
function handle(root: string, request: IncomingMessage, response: ServerResponse): void {
  const target = request.url ?? '';
  // Only origin-form targets ("/path?query"): an absolute form (http://host:port/) or "*" is refused.
  if (!target.startsWith('/') || target.startsWith('//')) return send(response, 400, 'text/plain', 'bad request target');
  const url = new URL(target, 'http://localhost');
  if (request.method !== 'GET') return send(response, 405, 'text/plain', 'GET only');
  const query = (name: string) => url.searchParams.get(name) ?? '';
  switch (url.pathname) {
    case '/':
      return send(response, 200, 'text/html; charset=utf-8', PAGE);
    case '/api/runs':
      return send(response, 200, 'application/json', JSON.stringify(listRuns(root)));
    case '/api/metrics': {
      const dir = resolveRun(root, query('run'));
      if (!dir) return send(response, 403, 'text/plain', 'not a run in the runs directory');
      const from = Number(query('from'));
      return send(response, 200, 'application/json', JSON.stringify(readMetrics(dir, Number.isSafeInteger(from) && from > 0 ? from : 0)));
    }
    case '/api/search': {
      const dir = resolveRun(root, query('run'));
      if (!dir) return send(response, 403, 'text/plain', 'not a run in the runs directory');
      return send(response, 200, 'application/json', JSON.stringify(readSearch(dir)));
    }
    case '/api/image': {
      const dir = resolveRun(root, query('run'));
      const path = query('path');
      if (!dir || !path.toLowerCase().endsWith('.png')) return send(response, 403, 'text/plain', 'not a PNG of this run');
      return send(response, 200, 'image/png', readContainedFile(dir, path, { maxBytes: MAX_IMAGE_BYTES }));
    }
    default: {
      const file = url.pathname.startsWith('/vendor/') ? VENDOR.get(url.pathname.slice('/vendor/'.length)) : undefined;
      if (!file) return send(response, 404, 'text/plain', 'not found');
      const bytes = vendorCache.get(file) ?? readRegularFile(file);
      vendorCache.set(file, bytes);
      return send(response, 200, 'text/javascript', bytes);
    }
  }
}

/** A failure to listen as the `InvalidArgumentError` of the option at fault (a port in use, a host not of this machine). */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new InvalidArgumentError({
        parameter: 'port',
        value: port,
        message: `It is in use on ${host}; choose another, or 0 for any free port.`,
        cause: error,
      });
    case 'EACCES':
      return new InvalidArgumentError({
        parameter: 'port',
        value: port,
        message: 'Listening on it needs privileges; choose one above 1023, or 0.',
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return new InvalidArgumentError({
        parameter: 'host',
        value: host,
        message: `It is not an address of this machine (${error.code}); give one of its interfaces, e.g. 127.0.0.1 or 0.0.0.0.`,
        cause: error,
      });
    default:
      return error;
  }
}

/**
 * Serves the dashboard over `runsDir` and resolves once it listens. Rejects with an
 * `InvalidArgumentError` (parameter `runsDir`) when the runs directory does not exist or is not a
 * directory, and (parameter `port` or `host`) when the port is in use or the host is not an address
 * of this machine.
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
  const root = checkRunsDir(options.runsDir ?? 'runs');
  const host = options.host ?? '127.0.0.1';
  let allowedHosts = new Set<string>();
  const server: Server = createServer((request, response) => {
    try {
      // Against DNS rebinding: a page from elsewhere that resolves its own name to this address gets
      // nothing, because its requests carry its name as Host.
      if (!allowedHosts.has(String(request.headers.host ?? '').toLowerCase())) {
        return send(response, 421, 'text/plain', 'unknown Host: open the address the dashboard printed');
      }
      handle(root, request, response);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
      } else if (FileFormatError.isInstance(error)) {
        // A file the run names that is a symlink out, a FIFO, too large, or gone: refused, not followed.
        send(response, 403, 'text/plain', 'refused: not a regular file inside the runs directory, or too large');
      } else {
        send(response, 500, 'text/plain', 'internal error');
      }
    }
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error) => reject(listenError(error, host, options.port ?? 0)));
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set(
    [host, '127.0.0.1', 'localhost', '[::1]'].map((name) =>
      `${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`.toLowerCase(),
    ),
  );
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
