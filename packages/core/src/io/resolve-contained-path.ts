import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

import { FileFormatError, InvalidArgumentError } from '../errors';

/**
 * Options for {@link resolveContainedPath}.
 *
 * @category IO
 */
export interface ContainedPathOptions {
  /** The file that named the path (a journal, a manifest, a checkpoint), for error messages. */
  source?: string;
}

/** True when `child` is `parent` itself or lies below it (both absolute and normalized). */
function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves `name`, a path read from an untrusted file (a journal, a checkpoint, a manifest), against
 * the directory `dir` it must stay in, and returns its real path. Refused with a
 * {@link FileFormatError}: an absolute `name`, a `name` that leaves `dir` lexically (`../x`), and a
 * path that leaves `dir` once symlinks are resolved (a link inside pointing outside). The target must
 * exist; `dir` itself may be reached through a symlink.
 *
 * @example
 * ```ts
 * const weights = resolveContainedPath('runs/gan', manifest.weightsFile, { source: 'runs/gan/checkpoint.json' });
 * ```
 * @category IO
 */
export function resolveContainedPath(dir: string, name: string, options: ContainedPathOptions = {}): string {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'Expected the directory the path must stay in.' });
  }
  const source = options.source ?? dir;
  if (typeof name !== 'string' || name.length === 0 || name.includes('\0')) {
    throw new FileFormatError({
      path: source,
      problem: `names the path ${JSON.stringify(name)}, which is not a file name`,
      hint: 'Refusing it.',
    });
  }
  const outside = (why: string) =>
    new FileFormatError({ path: source, problem: `names ${JSON.stringify(name)}, which ${why} ${dir}`, hint: 'Refusing to touch it.' });
  if (isAbsolute(name)) throw outside('is absolute, not inside');
  const base = resolve(dir);
  const lexical = resolve(base, name);
  if (lexical === base || !isWithin(base, lexical)) throw outside('is outside');
  let realBase: string;
  let real: string;
  try {
    realBase = realpathSync(base);
  } catch (cause) {
    throw new FileFormatError({ path: dir, problem: 'does not exist', cause });
  }
  try {
    real = realpathSync(lexical);
  } catch (cause) {
    throw new FileFormatError({ path: lexical, problem: 'does not exist', hint: `${source} names it.`, cause });
  }
  if (real === realBase || !isWithin(realBase, real)) throw outside('resolves (through a symlink) to a path outside');
  return real;
}
