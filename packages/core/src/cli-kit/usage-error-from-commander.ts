import type { Command } from 'commander';

import { longFlag } from './long-flag';
import { nearestName } from './nearest-name';
import { UsageError } from './usage-error';

/**
 * `bigmodel-rl train`: the command's name after its parents'.
 *
 * @category CLI
 */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every long flag `command` and its parents accept. */
function knownFlags(command: Command): string[] {
  const flags = ['--help'];
  for (let c: Command | null = command; c; c = c.parent) flags.push(...c.options.map((o) => o.long).filter((l): l is string => !!l));
  return flags;
}

/**
 * Commander's report of a bad command line (its message and code), as a {@link UsageError} in bigmodel's words.
 *
 * @category CLI
 */
export function usageErrorFromCommander(command: Command, message: string, code: string | undefined): UsageError {
  const help = `see ${commandPath(command)} --help`;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const didYouMean = (near: string | undefined) => (near ? `; did you mean ${near}?` : '');
  switch (code) {
    case 'commander.unknownOption':
      return new UsageError({
        parameter: quoted,
        message: `unknown flag ${quoted}${didYouMean(nearestName(quoted, knownFlags(command)))} (${help})`,
      });
    case 'commander.unknownCommand': {
      const names = command.commands.map((c) => c.name());
      const message = `unknown command ${quoted}${didYouMean(nearestName(quoted, names))} (commands: ${names.join(', ')})`;
      return new UsageError({ parameter: quoted, message });
    }
    case 'commander.missingArgument':
      return new UsageError({ parameter: quoted, message: `missing argument <${quoted}> (${help})` });
    case 'commander.optionMissingArgument':
      return new UsageError({ parameter: longFlag(quoted), message: `flag ${longFlag(quoted)} needs a value (${help})` });
    case 'commander.missingMandatoryOptionValue':
      return new UsageError({ parameter: longFlag(quoted), message: `flag ${longFlag(quoted)} is required (${help})` });
    default:
      return new UsageError({ parameter: commandPath(command), message: `${message.replace(/^error: /, '')} (${help})` });
  }
}
