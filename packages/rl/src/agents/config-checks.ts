/** The checks every `resolveXxxConfig` uses; each throws core's InvalidArgumentError naming the parameter. */
import { InvalidArgumentError } from '@bigmodel/core';

/**
 * `value` must be an integer >= `min` (and <= `max` when given).
 *
 * @category Agents
 */
export function checkInteger(parameter: string, value: number, min: number, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const message = max === Infinity ? `Must be an integer >= ${min}.` : `Must be an integer in [${min}, ${max}].`;
    throw new InvalidArgumentError({ parameter, value, message });
  }
}

/**
 * Upper bounds of the agent configs' sizes, checked before anything is allocated (the rl-zoo
 * presets use at most a 1,000,000-transition buffer, batches of 512, 16 environments, 2048-step
 * rollouts and 2 critics).
 *
 * @category Agents
 */
export const CONFIG_SIZE_LIMITS = {
  /** Replay-buffer transitions (`bufferSize` of DQN, SAC, TD3). */
  bufferSize: 10_000_000,
  /** Transitions per gradient step (`batchSize`). */
  batchSize: 65_536,
  /** Parallel environments (`nEnvs` of PPO, A2C). */
  nEnvs: 1024,
  /** Steps per environment per rollout (`nSteps` of PPO, A2C). */
  nSteps: 65_536,
  /** Critic networks (`nCritics` of TD3). */
  nCritics: 10,
} as const;

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
 * Largest hidden layer an agent config accepts (units).
 *
 * @category Agents
 */
export const MAX_LAYER_UNITS = 16_384;

/**
 * Most hidden layers an agent config accepts in one list.
 *
 * @category Agents
 */
export const MAX_HIDDEN_LAYERS = 16;

/**
 * Most weights an agent config accepts between its hidden layers, all consecutive pairs together
 * (2^26 = 67,108,864, i.e. 256 MiB of float32 per network).
 *
 * @category Agents
 */
export const MAX_HIDDEN_WEIGHTS = 2 ** 26;

/**
 * `value` must be a list of at most {@link MAX_HIDDEN_LAYERS} positive integers (hidden-layer
 * sizes), each at most {@link MAX_LAYER_UNITS}, with at most {@link MAX_HIDDEN_WEIGHTS} weights
 * between consecutive layers: checked before any network is built, so a typo such as
 * `[100000, 100000]` fails at once instead of exhausting memory.
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
  if (value.length > MAX_HIDDEN_LAYERS) {
    throw new InvalidArgumentError({ parameter, value, message: `Must have at most ${MAX_HIDDEN_LAYERS} hidden layers.` });
  }
  const widest = Math.max(0, ...value);
  if (widest > MAX_LAYER_UNITS) {
    throw new InvalidArgumentError({
      parameter,
      value,
      message: `Each hidden layer must have at most ${MAX_LAYER_UNITS} units; got ${widest}.`,
    });
  }
  const weights = value.slice(1).reduce((sum, n, i) => sum + n * value[i], 0);
  if (weights > MAX_HIDDEN_WEIGHTS) {
    throw new InvalidArgumentError({
      parameter,
      value,
      message: `The hidden layers may hold at most ${MAX_HIDDEN_WEIGHTS} (2^26) weights between them; these need ${weights}.`,
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
