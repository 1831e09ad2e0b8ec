/** Errors thrown before a command started doing anything (exit status 2). */
const early = new WeakSet<object>();

/**
 * Marks `error` as found while checking the command line, before anything ran; returns it.
 *
 * @category CLI
 */
export function markRefusedEarly<T>(error: T): T {
  if (typeof error === 'object' && error !== null) early.add(error);
  return error;
}

/**
 * True when `error` was marked by {@link markRefusedEarly}.
 *
 * @category CLI
 */
export function wasRefusedEarly(error: unknown): boolean {
  return typeof error === 'object' && error !== null && early.has(error);
}
