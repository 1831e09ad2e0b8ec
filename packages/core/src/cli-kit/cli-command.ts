import { Command } from 'commander';

import { markRefusedEarly } from './refused-early';
import { usageErrorFromCommander } from './usage-error-from-commander';

/**
 * A commander `Command` that reports a bad command line as a thrown {@link UsageError} (unknown
 * flags with the nearest known flag suggested) instead of printing and exiting, and whose
 * subcommands are `CliCommand`s too. Run it with {@link runCli}.
 *
 * @example
 * ```ts
 * const program = cliProgram('bigmodel-x', 'Does x.');
 * program.command('train').argument('<kind>').requiredOption('--out <dir>', 'run directory').examples(['bigmodel-x train a --out runs/a']);
 * ```
 * @category CLI
 */
export class CliCommand extends Command {
  constructor(name?: string) {
    super(name);
    this.exitOverride();
    this.showSuggestionAfterError(false);
    this.configureOutput({ outputError: () => undefined });
  }

  override createCommand(name?: string): CliCommand {
    return new CliCommand(name);
  }

  /** Adds an "Examples:" section to `--help`, one command line per entry. */
  examples(lines: readonly string[]): this {
    return this.addHelpText('after', `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`);
  }

  override error(message: string, options?: { code?: string; exitCode?: number }): never {
    if (options?.code === 'commander.missingMandatoryOptionValue') {
      // Commander checks required flags before unknown ones; a misspelt required flag is better reported as misspelt.
      const known = new Set<string | undefined>();
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks up from this command to the root
      for (let c: Command | null = this; c; c = c.parent) for (const o of c.options) known.add(o.long).add(o.short);
      const unknown = this.args.find((a) => /^--?[A-Za-z]/.test(a) && !known.has(a.split('=')[0]));
      if (unknown !== undefined) {
        throw markRefusedEarly(usageErrorFromCommander(this, `error: unknown option '${unknown}'`, 'commander.unknownOption'));
      }
    }
    throw markRefusedEarly(usageErrorFromCommander(this, message, options?.code));
  }
}

/**
 * The root command of a bin: a {@link CliCommand} with a description and the global `--debug`
 * flag (print the stack trace of an error).
 *
 * @category CLI
 */
export function cliProgram(name: string, description: string): CliCommand {
  return new CliCommand(name).description(description).option('--debug', 'print the stack trace of an error');
}
