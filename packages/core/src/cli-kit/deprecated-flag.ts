import type { CliInput } from './cli-action';
import { UsageError } from './usage-error';

/** The flag's name on the command line (`lrG` -> `--lr-g`). */
const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The value of the option `key` (as commander names it: `learningRate` for `--learning-rate`), or
 * of its deprecated spelling `alias` (`lr` for `--lr`); both given is a {@link UsageError}.
 *
 * @example
 * ```ts
 * const learningRate = deprecatedFlag(input.options, 'learningRate', 'lr');
 * ```
 * @category CLI
 */
export function deprecatedFlag(options: CliInput['options'], key: string, alias: string): number | undefined {
  if (options[key] !== undefined && options[alias] !== undefined) {
    throw new UsageError({
      parameter: flagOf(alias),
      message: `${flagOf(alias)} is the deprecated spelling of ${flagOf(key)}; give only ${flagOf(key)}.`,
    });
  }
  return (options[key] ?? options[alias]) as number | undefined;
}
