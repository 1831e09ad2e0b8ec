/** The checks every `resolveXxxConfig` uses; each throws core's InvalidArgumentError naming the parameter. */
import { InvalidArgumentError } from '@bigmodel/core';

/**
 * `value` must be an integer >= `min`.
 *
 * @category Agents
 */
export function checkInteger(parameter: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new InvalidArgumentError({ parameter, value, message: `Must be an integer >= ${min}.` });
}

/**
 * `value` must be a finite number in [min, max] (open at min when `openMin`).
 *
 * @category Agents
 */
export function checkRange(parameter: string, value: number, min: number, max: number, openMin = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (openMin ? value > min : value >= min) && value <= max;
  if (!ok) throw new InvalidArgumentError({ parameter, value, message: `Must be a number in ${openMin ? '(' : '['}${min}, ${max}].` });
}

/**
 * `value` must be a list of positive integers (hidden-layer sizes).
 *
 * @category Agents
 */
export function checkLayers(parameter: string, value: number[]): void {
  if (!Array.isArray(value) || value.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError({
      parameter,
      value,
      message: 'Must be a list of positive integers (hidden-layer sizes), e.g. [64, 64].',
    });
  }
}

/**
 * `value` must be one of `choices`.
 *
 * @category Agents
 */
export function checkChoice<T extends string>(parameter: string, value: T, choices: readonly T[]): void {
  if (!choices.includes(value)) throw new InvalidArgumentError({ parameter, value, message: `Must be one of ${choices.join(', ')}.` });
}

/**
 * Rejects keys of `config` that `defaults` does not have (a misspelt option fails loudly).
 *
 * @category Agents
 */
export function checkKnownKeys(config: object, defaults: object, algorithm: string): void {
  for (const key of Object.keys(config)) {
    if (!(key in defaults))
      throw new InvalidArgumentError({
        parameter: key,
        value: (config as Record<string, unknown>)[key],
        message: `${algorithm} has no such option; known: ${Object.keys(defaults).join(', ')}.`,
      });
  }
}
