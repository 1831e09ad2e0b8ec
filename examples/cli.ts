/**
 * The command line every example and benchmark shares, on core's CLI layer: a generated `--help`
 * (with each flag's default), unknown flags refused with the nearest one suggested, bad values
 * refused naming the flag, both with exit status 2 before anything runs; a failure while running
 * prints one line and exits 1 (the stack trace with `--debug`).
 *
 * @example
 * ```ts
 * export const main = exampleMain(
 *   () => exampleProgram('rl/custom-env.ts', 'PPO on a user-defined grid world.').addOption(seedOption()),
 *   async (flags: { seed: number }, print) => print(JSON.stringify(await runCustomEnv(flags))),
 * );
 * if (require.main === module) runMain(main);
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import {
  InvalidArgumentError,
  cliProgram,
  integerOption,
  nearestName,
  parseInteger,
  processIo,
  runCli,
  CliCommand,
  type CliIo,
  type IntegerRange,
} from '@bigmodel/core';

/** A flag of core's commander (the Option class of the commander that `@bigmodel/core` uses). */
export type Option = ReturnType<CliCommand['createOption']>;

/** A flag with no parser: a string value (`'--base <source>'`) or a switch (`'--sac'`). */
export function option(flags: string, description: string): Option {
  return new CliCommand().createOption(flags, description);
}

/** The seeds the package CLIs accept (`--seed`). */
export const SEED_RANGE = { min: 0, max: 2 ** 32 - 1 };

/** The root command of `examples/<file>` (run as `npx ts-node -T examples/<file>`). */
export function exampleProgram(file: string, description: string): CliCommand {
  return cliProgram(`npx ts-node -T examples/${file}`, description);
}

/** The root command of `bench/<file>`. */
export function benchProgram(file: string, description: string): CliCommand {
  return cliProgram(`npx ts-node -T bench/${file}`, description);
}

/** `--seed <s>`: an integer in [0, 2^32 - 1]. */
export function seedOption(defaultValue = 0, description = 'random seed'): Option {
  return integerOption('--seed <s>', description, SEED_RANGE, defaultValue);
}

/** An integer count flag (`'--steps <n>'`) in [1, `max`]. */
export function countOption(flags: string, description: string, defaultValue?: number, max = 1e9): Option {
  return integerOption(flags, description, { min: 1, max }, defaultValue);
}

/** `--out <dir>`: where the run is written. */
export function outOption(description = 'run directory', defaultValue?: string): Option {
  const out = option('--out <dir>', description);
  return defaultValue === undefined ? out : out.default(defaultValue);
}

/** Writes one line of results to the example's stdout. */
export type Print = (line: string) => void;

/** An example's `main(argv, io)`: what {@link runMain} runs, and what tests call. */
export interface ExampleMain<Flags> {
  (argv: readonly string[], io?: CliIo): Promise<number>;
  /** The flags `argv` parses to (defaults filled in), without running anything; a bad command line throws. */
  parse(argv: readonly string[]): Flags;
}

/**
 * An example's `main`: parses `argv` with the program `build` returns, then (with tfjs's PROD mode on)
 * runs `run` on the flags, `--debug` left out. `run` prints its results with `print`.
 */
export function exampleMain<Flags extends object>(
  build: () => CliCommand,
  run: (flags: Flags, print: Print, io: CliIo) => unknown,
): ExampleMain<Flags> {
  const flagsOf = (program: CliCommand): Flags => {
    const { debug: _debug, ...flags } = program.opts();
    return flags as Flags;
  };
  const main = (argv: readonly string[], io: CliIo = processIo()): Promise<number> => {
    const program = build();
    program.action(async () => {
      tf.env().set('PROD', true);
      await run(flagsOf(program), (line) => void io.stdout.write(`${line}\n`), io);
    });
    return runCli(program, argv, io);
  };
  const parse = (argv: readonly string[]): Flags => {
    const program = build();
    program.parse(argv, { from: 'user' });
    return flagsOf(program);
  };
  return Object.assign(main, { parse });
}

/** The comma-separated items of a list flag's value (empty items refused). */
function listItems(flag: string, text: string): string[] {
  const items = text.split(',');
  if (items.some((item) => item.trim() === '')) {
    throw new InvalidArgumentError({ parameter: flag, value: text, message: 'Must be a comma-separated list with no empty item.' });
  }
  return items.map((item) => item.trim());
}

/** A comma-separated list of integers in `range` (`'--sizes <a,b>'`). */
export function integerListOption(flags: string, description: string, range: IntegerRange): Option {
  const flag = longFlagOf(flags);
  return option(flags, `${description}; comma-separated integers in [${range.min}, ${range.max}]`).argParser((text: string) =>
    listItems(flag, text).map((item) => parseInteger(flag, item, range)),
  );
}

/** A comma-separated list of some of `choices` (`'--strategies <a,b>'`); another item is refused with the nearest choice suggested. */
export function choiceListOption(flags: string, description: string, choices: readonly string[]): Option {
  const flag = longFlagOf(flags);
  return option(flags, `${description}; comma-separated, of ${choices.join(', ')}`).argParser((text: string) =>
    listItems(flag, text).map((item) => {
      if (choices.includes(item)) return item;
      const near = nearestName(item, choices);
      const message = `Each must be one of ${choices.join(', ')}.${near ? ` Did you mean ${near}?` : ''}`;
      throw new InvalidArgumentError({ parameter: flag, value: item, message });
    }),
  );
}

/** A comma-separated list of names (`'--layers <a,b>'`). */
export function nameListOption(flags: string, description: string): Option {
  const flag = longFlagOf(flags);
  return option(flags, `${description}; comma-separated`).argParser((text: string) => listItems(flag, text));
}

/** The long flag of an option's flags: `'--sizes <a,b>'` -> `'--sizes'`. */
function longFlagOf(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}
