import { ConnectionError, InvalidArgumentError } from '@bigmodel/core';
import { Redis } from 'ioredis';

/**
 * A checked Redis URL: `redis://[:password@]host:port/db`, or `rediss://` for TLS.
 *
 * @category Distributed
 */
export interface RedisAddress {
  /** The URL as given (it may hold the password: never print it). */
  url: string;
  /** The URL with the password replaced by `***`, for messages and logs. */
  redacted: string;
}

/**
 * Checks a Redis URL and returns it with a printable form. A URL that is not `redis://` or
 * `rediss://` is an {@link InvalidArgumentError} naming `parameter`.
 *
 * @category Distributed
 */
export function parseRedisAddress(url: string, parameter = 'redis'): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError({ parameter, value: url, message: 'Expected redis://[:password@]host:port/db (or rediss:// for TLS).' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new InvalidArgumentError({ parameter, value: redactUrl(parsed), message: 'Expected a redis:// or rediss:// URL.' });
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new InvalidArgumentError({
      parameter,
      value: redactUrl(parsed),
      message: 'The database (after the last /) must be a number 0-15.',
    });
  }
  return { url, redacted: redactUrl(parsed) };
}

function redactUrl(parsed: URL): string {
  const copy = new URL(parsed.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}

/**
 * Options every bigmodel connection uses: BullMQ's blocking commands need `maxRetriesPerRequest:
 * null`; reconnects back off up to 2 s, so a restarted Redis is found again.
 * @category Distributed
 */
export function connectionOptions(): { maxRetriesPerRequest: null; retryStrategy: (attempt: number) => number } {
  return { maxRetriesPerRequest: null, retryStrategy: (attempt) => Math.min(100 * attempt, 2000) };
}

/**
 * Connects once to check that Redis is there and takes the credentials, and says why not as a
 * {@link ConnectionError}: refused password, no password given where one is required, nothing
 * listening. Resolves when the server answered PING.
 *
 * @category Distributed
 */
export async function checkRedis(address: RedisAddress, timeoutMs = 5000): Promise<void> {
  const client = new Redis(address.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // A refused AUTH arrives as an 'error' event, and the command then fails with "Connection is closed".
  const seen: string[] = [];
  client.on('error', (error: Error) => seen.push(String(error?.message ?? error)));
  try {
    await client.connect();
    await client.ping();
  } catch (cause) {
    const text = [...seen, String((cause as Error)?.message ?? cause)].join('; ');
    const problem = /WRONGPASS|invalid password|invalid username-password/i.test(text)
      ? 'refused the password'
      : /NOAUTH/i.test(text)
        ? 'requires a password and none was given'
        : /ECONNREFUSED/i.test(text)
          ? 'refused the connection (nothing listens there)'
          : `could not be used (${text})`;
    throw new ConnectionError({
      service: 'redis',
      address: address.redacted,
      problem,
      hint: 'Check the --redis URL (redis://:PASSWORD@HOST:PORT/DB) and that redis-server runs.',
      cause,
    });
  } finally {
    client.disconnect();
  }
}
