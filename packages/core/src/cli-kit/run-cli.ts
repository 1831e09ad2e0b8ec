import { CommanderError, type Command } from 'commander';

import { BigModelError } from '../errors/bigmodel-error';
import type { CliIo } from './cli-io';
import { wasRefusedEarly } from './refused-early';

/**
 * Exit status of a command that did its work (or showed its help).
 *
 * @category CLI
 */
export const EXIT_OK = 0;
/**
 * Exit status of a runtime failure: the command started and failed.
 *
 * @category CLI
 */
export const EXIT_FAILURE = 1;
/**
 * Exit status of a usage error: the command line (or a file it names) was refused before anything ran or was written.
 *
 * @category CLI
 */
export const EXIT_USAGE = 2;

function configureOutput(command: Command, io: CliIo): void {
  command.configureOutput({
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    outputError: () => undefined,
  });
  for (const sub of command.commands) configureOutput(sub, io);
}

/**
 * Runs `program` (a {@link cliProgram}) on `argv` (the arguments after the program name), writing to
 * `io`, and returns the exit status: 0 done (or help shown), 1 a runtime failure, 2 a usage error.
 * An error prints as one line, `Name: message`; its stack only with `--debug`. With subcommands
 * and no arguments, prints the help.
 *
 * @example
 * ```ts
 * export const main = (argv: string[], io: CliIo = processIo()) => runCli(buildProgram(io), argv, io);
 * ```
 * @category CLI
 */
export async function runCli(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  configureOutput(program, io);
  if (program.commands.length > 0 && argv.filter((a) => a !== '--debug').length === 0) {
    io.stdout.write(program.helpInformation());
    return EXIT_OK;
  }
  let started = false; // errors before an action starts (parsing the flags) are usage errors
  program.hook('preAction', () => void (started = true));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    const debug = argv.includes('--debug');
    const unexpected = ' (unexpected: rerun with --debug for the stack trace, and please report it)';
    const hint = BigModelError.isInstance(error) || debug ? '' : unexpected;
    io.stderr.write(`${err.name}: ${err.message}${hint}\n`);
    if (debug && err.stack) io.stderr.write(`${err.stack}\n`);
    return !started || wasRefusedEarly(error) ? EXIT_USAGE : EXIT_FAILURE;
  }
}
