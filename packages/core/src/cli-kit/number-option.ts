import { Option } from 'commander';

import { longFlag } from './long-flag';
import { formatRange, parseNumber, type NumberRange } from './parse-number';

/**
 * A number flag (`'--lr <x>'`) that refuses values outside its range (shown in `--help`).
 *
 * @example
 * ```ts
 * program.addOption(numberOption('--minutes <m>', 'stop after M minutes', { min: 0, max: 10080, minExclusive: true }));
 * ```
 * @category CLI
 */
export function numberOption(flags: string, description: string, range: NumberRange, defaultValue?: number): Option {
  const option = new Option(flags, `${description}; a number in ${formatRange(range)}`);
  option.argParser((text) => parseNumber(longFlag(flags), text, range));
  return defaultValue === undefined ? option : option.default(defaultValue);
}
