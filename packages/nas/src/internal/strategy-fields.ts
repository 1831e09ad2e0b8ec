/**
 * The fields every strategy's config schema shares (not part of the public API): the seed and the
 * budget of every trial.
 */
import { z } from '@bigmodel/core';

/** The seed of a strategy's draws: an integer (default 0). */
export const seedField = z.number({ error: 'Must be an integer.' }).int({ error: 'Must be an integer.' }).default(0);

/** The budget of every trial: a finite number > 0 (default 1). */
export const budgetField = z
  .number({ error: 'Must be a finite number > 0.' })
  .positive({ error: 'Must be a finite number > 0.' })
  .default(1);

/**
 * A config schema typed as what it reads and returns (`z.ZodType<Output, Input>`, as core's are),
 * so that the published schema documents the config and not zod's internals.
 */
export function configSchema<T extends z.ZodType>(schema: T): z.ZodType<z.output<T>, z.input<T>> {
  return schema as unknown as z.ZodType<z.output<T>, z.input<T>>;
}
