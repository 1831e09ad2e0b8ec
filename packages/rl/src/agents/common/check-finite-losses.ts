import { NumericalError } from '@bigmodel/core';

/**
 * Throws a {@link NumericalError} naming the loss and the step (environment steps so far) when a
 * loss of an update is NaN or infinite: the networks it came from are broken, so learning stops
 * before the loss is logged or the agent saved.
 * @category Agents
 */
export function checkFiniteLosses(losses: Record<string, number>, step: number): void {
  for (const [quantity, value] of Object.entries(losses)) {
    if (!Number.isFinite(value)) throw new NumericalError({ quantity, value, step });
  }
}
