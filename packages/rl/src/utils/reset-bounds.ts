import { InvalidArgumentError } from '@bigmodel/core';

/**
 * Reads `{ low, high }` from reset options with defaults, as Gymnasium's `maybe_parse_reset_bounds`.
 *
 * @category Random
 */
export function parseResetBounds(options: Record<string, unknown> | undefined, defaultLow: number, defaultHigh: number): [number, number] {
  const low = readNumber(options, 'low', defaultLow);
  const high = readNumber(options, 'high', defaultHigh);
  if (low > high)
    throw new InvalidArgumentError({
      parameter: 'options.low',
      value: low,
      message: `The lower bound must not exceed the upper bound (${high}).`,
    });
  return [low, high];
}

/**
 * `options[key]` as a finite number, or `fallback` when absent; throws naming `options.<key>` otherwise.
 *
 * @category Random
 */
export function readNumber(options: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const value = options?.[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new InvalidArgumentError({ parameter: `options.${key}`, value, message: 'Must be a finite number.' });
  return value;
}
