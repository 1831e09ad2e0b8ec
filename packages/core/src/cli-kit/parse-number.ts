import { InvalidArgumentError } from '../errors/invalid-argument-error';

/**
 * The range a number flag accepts; `minExclusive` / `maxExclusive` make a bound open (`> min`, `< max`).
 *
 * @category CLI
 */
export interface NumberRange {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/**
 * The range as an interval: `(0, 1]`, `[0, 0.5]`.
 *
 * @category CLI
 */
export function formatRange({ min, max, minExclusive, maxExclusive }: NumberRange): string {
  return `${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
}

/**
 * Parses `text` as a finite number in the range, throwing an `InvalidArgumentError` naming
 * `parameter` otherwise.
 *
 * @example
 * ```ts
 * parseNumber('--lr', '3e-4', { min: 0, max: 10, minExclusive: true }); // 0.0003
 * ```
 * @category CLI
 */
export function parseNumber(parameter: string, text: string, range: NumberRange): number {
  const value = text.trim() === '' ? NaN : Number(text);
  const { min, max, minExclusive, maxExclusive } = range;
  if (!Number.isFinite(value) || value < min || (minExclusive && value === min) || value > max || (maxExclusive && value === max)) {
    throw new InvalidArgumentError({ parameter, value: text, message: `Must be a number in ${formatRange(range)}.` });
  }
  return value;
}
