import { Option } from 'commander';

import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { longFlag } from './long-flag';
import { nearestName } from './nearest-name';

/**
 * A flag that takes one of `choices` (listed in `--help`); another value is refused with the
 * nearest choice suggested.
 *
 * @example
 * ```ts
 * program.addOption(choiceOption('--backend <name>', 'backend to use', ['wasm', 'cpu']));
 * ```
 * @category CLI
 */
export function choiceOption(flags: string, description: string, choices: readonly string[], defaultValue?: string): Option {
  const option = new Option(flags, description).choices(choices).argParser((text: string) => {
    if (choices.includes(text)) return text;
    const near = nearestName(text, choices);
    const message = `Must be one of ${choices.join(', ')}.${near ? ` Did you mean ${near}?` : ''}`;
    throw new InvalidArgumentError({ parameter: longFlag(flags), value: text, message });
  });
  return defaultValue === undefined ? option : option.default(defaultValue);
}
