import type { Command } from 'commander';

import { markRefusedEarly } from './refused-early';

/**
 * A command's parsed arguments (in order) and flags (camelCased: `--total-steps` is `totalSteps`).
 *
 * @category CLI
 */
export interface CliInput {
  args: string[];
  options: Record<string, unknown>;
}

/**
 * Sets `command`'s action in two phases: `validate` checks everything and returns a plan, then
 * `run` carries it out. Whatever `validate` throws is a refusal (exit status 2) and nothing has
 * been written; what `run` throws is a failure (exit status 1). So validate every flag, and read
 * every small input file, before creating an output directory.
 *
 * @example
 * ```ts
 * cliAction(program.command('eval').argument('<dir>'), ({ args }) => ({ dir: args[0] }), async ({ dir }) => evaluate(dir));
 * ```
 * @category CLI
 */
export function cliAction<Plan>(
  command: Command,
  validate: (input: CliInput) => Plan | Promise<Plan>,
  run: (plan: Plan) => unknown,
): Command {
  return command.action(async () => {
    let plan: Plan;
    try {
      plan = await validate({ args: command.processedArgs as string[], options: command.opts() });
    } catch (error) {
      throw markRefusedEarly(error);
    }
    await run(plan);
  });
}

/**
 * Parses `argv` with `command` (no action run) and returns its arguments and flags; a bad command
 * line throws a {@link UsageError} or the `InvalidArgumentError` of a flag's parser.
 *
 * @category CLI
 */
export function parseCliInput(command: Command, argv: readonly string[]): CliInput {
  command.parse(argv, { from: 'user' });
  return { args: command.processedArgs as string[], options: command.opts() };
}
