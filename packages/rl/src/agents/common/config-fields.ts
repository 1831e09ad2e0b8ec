/**
 * The pieces the agents' config schemas are built from (zod, through core's `parseConfig`): bounded
 * integers and numbers whose errors say the range, the hidden-layer lists bounded before any
 * network is built, and the size limits.
 */
import { z } from '@bigmodel/core';

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

/** An integer in [min, max], every failure answered with the range. */
export function integerIn(min: number, max = Infinity) {
  const error = max === Infinity ? `Must be an integer >= ${min}.` : `Must be an integer in [${min}, ${max}].`;
  const schema = z.number({ error }).int({ error }).min(min, { error });
  return max === Infinity ? schema : schema.max(max, { error });
}

/** A finite number in [min, max] (open at min when `openMin`), every failure answered with the range. */
export function numberIn(min: number, max: number, openMin = false) {
  const error = `Must be a number in ${openMin ? '(' : '['}${min}, ${max}].`;
  let schema = z.number({ error });
  if (min !== -Infinity) schema = openMin ? schema.gt(min, { error }) : schema.min(min, { error });
  if (max !== Infinity) schema = schema.max(max, { error });
  return schema;
}

/** An integer >= 1, or -1 with the `meaning` the error states (a union, so that the JSON Schema excludes 0 too). */
export function minusOneOrCount(meaning: string) {
  const error = `Must be -1 (${meaning}) or an integer >= 1.`;
  return z.union([z.literal(-1, { error }), z.number({ error }).int({ error }).min(1, { error })], { error });
}

/** Gradient steps per training phase: an integer >= 1, or -1 for as many as environment steps collected. */
export function gradientSteps() {
  return minusOneOrCount('as many as environment steps collected');
}

/** `'auto'` or a value of `schema`, any other answered with `error`. */
export function autoOr<T extends z.ZodType>(schema: T, error: string) {
  return z.union([z.literal('auto'), schema], { error });
}

/** One of `choices`. */
export function choiceOf<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.enum(choices, { error: `Must be one of ${choices.join(', ')}.` });
}

/** Why `layers` is refused as a list of hidden-layer sizes, or undefined when it is fine. */
function layersProblem(layers: number[]): string | undefined {
  if (layers.length > MAX_HIDDEN_LAYERS) return `Must have at most ${MAX_HIDDEN_LAYERS} hidden layers.`;
  const widest = Math.max(0, ...layers);
  if (widest > MAX_LAYER_UNITS) return `Each hidden layer must have at most ${MAX_LAYER_UNITS} units; got ${widest}.`;
  const weights = layers.slice(1).reduce((sum, n, i) => sum + n * layers[i], 0);
  if (weights > MAX_HIDDEN_WEIGHTS) {
    return `The hidden layers may hold at most ${MAX_HIDDEN_WEIGHTS} (2^26) weights between them; these need ${weights}.`;
  }
  return undefined;
}

/**
 * Hidden-layer sizes: a list of at most {@link MAX_HIDDEN_LAYERS} positive integers, each at most
 * {@link MAX_LAYER_UNITS}, with at most {@link MAX_HIDDEN_WEIGHTS} weights between consecutive
 * layers, checked before any network is built, so a typo such as `[100000, 100000]` fails at once
 * instead of exhausting memory. The error names the list, as a whole, and its value.
 */
export function hiddenLayers() {
  const error = 'Must be a list of positive integers (hidden-layer sizes), e.g. [64, 64].';
  const unit = 'Must be a positive integer (a hidden-layer size).';
  // The bounds are checked on the whole list (so that the error names it); `meta` only writes the
  // per-item and length bounds into the JSON Schema for editors.
  return z
    .array(z.number({ error: unit }).int({ error: unit }).min(1, { error: unit }).meta({ maximum: MAX_LAYER_UNITS }), { error })
    .superRefine((layers, context) => {
      const message = layersProblem(layers);
      if (message !== undefined) context.addIssue({ code: 'custom', input: layers, message });
    })
    .meta({ maxItems: MAX_HIDDEN_LAYERS });
}

/**
 * A second check on the whole config: when `bufferSize` (or `batchSize`) is below `batchSize`,
 * an issue on that field naming the bound.
 */
export function bufferHoldsBatch(config: { bufferSize: number; batchSize: number }, context: z.RefinementCtx): void {
  if (config.bufferSize < config.batchSize) {
    context.addIssue({
      code: 'custom',
      path: ['bufferSize'],
      input: config.bufferSize,
      message: `Must be an integer >= batchSize (${config.batchSize}).`,
    });
  }
}

/** The fields every agent's config starts with, with that agent's default environment. */
export function envFields(defaultEnv: string, note = '') {
  return {
    env: z.string().min(1).default(defaultEnv).describe(`The registered environment id${note} (default \`${defaultEnv}\`).`),
    envKwargs: z.record(z.string(), z.unknown()).default({}).describe('Keyword arguments for `make(env, envKwargs)` (default none).'),
  };
}

/** The object schema of each agent's config schema, for checking part of a config (a `--config` file). */
const OBJECTS = new WeakMap<object, z.ZodObject>();

/**
 * An agent's config schema, typed as what it reads and returns (`z.ZodType<Output, Input>`, as
 * core's schemas are) so that the published type documents the config and not zod's internals;
 * {@link configObjectOf} gives back the object schema.
 */
export function agentConfigSchema<T extends z.ZodObject>(object: T): z.ZodType<z.output<T>, z.input<T>> {
  OBJECTS.set(object, object);
  return object as unknown as z.ZodType<z.output<T>, z.input<T>>;
}

/**
 * The fields of an agent's config schema as a strict object whose fields are all optional, with no
 * check between fields: what a `--config` file alone is checked against.
 */
export function configObjectOf(schema: z.ZodType): z.ZodType {
  const object = OBJECTS.get(schema);
  if (object === undefined) throw new TypeError('Not an agent config schema (made by agentConfigSchema).');
  return z.strictObject(object.shape).partial();
}

/** `constant` or `linear` decay of the learning rate. */
export const LEARNING_RATE_SCHEDULES = ['constant', 'linear'] as const;
