import { InvalidArgumentError } from '../errors/invalid-argument-error';

/**
 * The closed range an integer flag accepts.
 *
 * @category CLI
 */
export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * Parses `text` as an integer in `[min, max]` (both safe integers), throwing an
 * `InvalidArgumentError` naming `parameter` otherwise. `5e4` is read as 50000; `1.5`, `1e300`,
 * `99999999999999999999` and the empty string are refused.
 *
 * @example
 * ```ts
 * parseInteger('--seed', '7', { min: 0, max: 2 ** 32 - 1 }); // 7
 * ```
 * @category CLI
 */
export function parseInteger(parameter: string, text: string, { min, max }: IntegerRange): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError({ parameter, value: text, message: `Must be an integer in [${min}, ${max}].` });
  }
  return value;
}
