import { Option } from 'commander';

import { longFlag } from './long-flag';
import { parseInteger, type IntegerRange } from './parse-integer';

/**
 * An integer flag (`'--seed <n>'`) that refuses values outside `[min, max]`; the range is shown in
 * `--help`, after the description, with the default if given.
 *
 * @example
 * ```ts
 * program.addOption(integerOption('--episodes <n>', 'episodes to run', { min: 1, max: 1e6 }, 100));
 * ```
 * @category CLI
 */
export function integerOption(flags: string, description: string, range: IntegerRange, defaultValue?: number): Option {
  const option = new Option(flags, `${description}; an integer in [${range.min}, ${range.max}]`);
  option.argParser((text) => parseInteger(longFlag(flags), text, range));
  return defaultValue === undefined ? option : option.default(defaultValue);
}
