/**
 * RMSprop (Hinton 2012) with centering, momentum and coupled weight decay, step for step as
 * torch.optim.RMSprop (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { z } from 'zod';

import { parseConfig, withDeprecatedAliases } from '../config';
import { BigModelOptimizer, OPTIMIZER_ALIASES, optimizerBaseFields } from './bigmodel-optimizer';

/**
 * The schema of {@link RmspropConfig}: each field's rule, default and description (`.describe()`), read by
 * {@link parseConfig} and {@link configJsonSchema}.
 *
 * @category Optimizers
 */
export const rmspropConfigSchema = withDeprecatedAliases(
  z.strictObject({
    ...optimizerBaseFields,
    rho: z
      .number()
      .min(0)
      .lt(1)
      .default(0.99)
      .describe("Decay of the squared-gradient average (PyTorch's alpha), in [0, 1) (default 0.99)."),
    epsilon: z.number().positive().default(1e-8).describe('Added to the denominator, > 0 (default 1e-8).'),
    momentum: z.number().min(0).max(1).default(0).describe('Momentum factor in [0, 1] (default 0).'),
    centered: z.boolean().default(false).describe('Divide by the estimated variance instead of the second moment (default false).'),
    weightDecay: z.number().min(0).default(0).describe('L2 penalty added to the gradient, >= 0 (default 0).'),
  }),
  OPTIMIZER_ALIASES,
);

/**
 * Configuration of {@link Rmsprop}, inferred from its schema (the one place its fields are
 * described): `learningRate` (required; `lr` is its deprecated alias), `rho` in [0, 1) (default
 * 0.99), `epsilon` > 0 (default 1e-8), `momentum` in [0, 1] (default 0), `centered` (default
 * false), `weightDecay` >= 0 (default 0), `clipNorm` and `clipValue` (default: no clipping). The JSON
 * Schema docs/schemas/core/RmspropConfig.schema.json carries each field's description.
 *
 * @category Optimizers
 */
export type RmspropConfig = z.input<typeof rmspropConfigSchema>;

/**
 * Fills RMSprop's defaults and validates; throws InvalidArgumentError naming the option
 * (`RmspropConfig.rho`) and the value.
 *
 * @category Optimizers
 */
export function resolveRmspropConfig(config: RmspropConfig): z.output<typeof rmspropConfigSchema> {
  return parseConfig(rmspropConfigSchema, config, 'RmspropConfig');
}

/**
 * RMSprop as in PyTorch: `s = rho*s + (1-rho)*g^2`, centered: `a = rho*a + (1-rho)*g` and
 * `d = sqrt(s - a^2) + eps` (else `sqrt(s) + eps`); with momentum `b = mu*b + g/d; w -= lr*b`,
 * else `w -= lr*g/d`.
 *
 * @example
 * ```ts
 * const optimizer = new Rmsprop({ learningRate: 1e-3, centered: true, momentum: 0.9 });
 * ```
 * @category Optimizers
 */
export class Rmsprop extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelRMSprop';
  protected readonly slotNames = ['squareAverage', 'gradientAverage', 'momentum'] as const;
  private readonly config: ReturnType<typeof resolveRmspropConfig>;

  constructor(config: RmspropConfig) {
    const resolved = resolveRmspropConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [square, average, buf]: tf.Tensor[], lr: number) {
    const { rho, epsilon, momentum, centered, weightDecay } = this.config;
    const gradient = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    const nextSquare = tf.add(tf.mul(square, rho), tf.mul(tf.mul(gradient, gradient), 1 - rho));
    const nextAverage = centered ? tf.add(tf.mul(average, rho), tf.mul(gradient, 1 - rho)) : average;
    const variance = centered ? tf.sub(nextSquare, tf.mul(nextAverage, nextAverage)) : nextSquare;
    const denominator = tf.add(tf.sqrt(variance), epsilon);
    if (momentum > 0) {
      const nextBuf = tf.add(tf.mul(buf, momentum), tf.div(gradient, denominator));
      return { variable: tf.sub(w, tf.mul(nextBuf, lr)), slots: [nextSquare, nextAverage, nextBuf] };
    }
    return { variable: tf.sub(w, tf.mul(tf.div(gradient, denominator), lr)), slots: [nextSquare, nextAverage, buf] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { rho, epsilon, momentum, centered, weightDecay } = this.config;
    return { ...this.baseConfig(), rho, epsilon, momentum, centered, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Rmsprop);
