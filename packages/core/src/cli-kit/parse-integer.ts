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

/** A plain decimal integer: an optional sign and digits, nothing else. */
const DECIMAL_INTEGER = /^[+-]?[0-9]+$/;

/**
 * Parses `text` as a plain decimal integer (an optional `+`/`-` sign and digits, nothing else) in
 * `[min, max]` (both safe integers), throwing an `InvalidArgumentError` naming `parameter` and `text`
 * otherwise. Exponents (`5e4`), hexadecimal (`0x10`), fractions (`1.5`), surrounding spaces (` 3`),
 * digit separators (`1_000`, `1,000`), values beyond the safe-integer range (`99999999999999999999`)
 * and the empty string are refused, never rounded or clamped.
 *
 * @example
 * ```ts
 * parseInteger('--seed', '7', { min: 0, max: 2 ** 32 - 1 }); // 7
 * parseInteger('--steps', '5e4', { min: 1, max: 1e9 }); // throws: Must be an integer in [1, 1000000000]. Write it as decimal digits ...
 * ```
 * @category CLI
 */
export function parseInteger(parameter: string, text: string, { min, max }: IntegerRange): number {
  if (!DECIMAL_INTEGER.test(text)) {
    throw new InvalidArgumentError({
      parameter,
      value: text,
      message:
        `Must be an integer in [${min}, ${max}]. Write it as decimal digits with an optional sign ` +
        '(no exponent, hexadecimal, fraction, separators or spaces).',
    });
  }
  const value = Number(text) + 0; // + 0 turns -0 into 0
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError({ parameter, value: text, message: `Must be an integer in [${min}, ${max}].` });
  }
  return value;
}
