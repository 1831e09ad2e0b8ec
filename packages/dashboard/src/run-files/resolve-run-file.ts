import { FileFormatError, resolveContainedPath } from '@bigmodel/core';

/**
 * The real path of file `path` inside run directory `dir`, or undefined when it would leave the run
 * (lexically or through a symlink) or does not exist. Whether it is a regular file is checked when it
 * is opened (see `readRegularFile` in @bigmodel/core).
 *
 * @example
 * ```ts
 * const png = resolveRunFile(resolveRun('runs', 'gan')!, 'samples/epoch-3.png');
 * ```
 * @category Dashboard
 */
export function resolveRunFile(dir: string, path: string): string | undefined {
  if (typeof path !== 'string') return undefined;
  try {
    return resolveContainedPath(dir, path);
  } catch (error) {
    if (FileFormatError.isInstance(error)) return undefined;
    throw error;
  }
}
