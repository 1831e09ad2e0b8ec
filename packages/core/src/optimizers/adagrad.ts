/**
 * Adagrad (Duchi et al. 2011) with learning-rate decay, initial accumulator and coupled weight
 * decay, step for step as torch.optim.Adagrad (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { z } from 'zod';

import { parseConfig, withDeprecatedAliases } from '../config';
import { BigModelOptimizer, OPTIMIZER_ALIASES, optimizerBaseFields } from './bigmodel-optimizer';

/**
 * The schema of {@link AdagradConfig}: each field's rule, default and description (`.describe()`), read by
 * {@link parseConfig} and {@link configJsonSchema}.
 *
 * @category Optimizers
 */
export const adagradConfigSchema = withDeprecatedAliases(
  z.strictObject({
    ...optimizerBaseFields,
    learningRateDecay: z
      .number()
      .min(0)
      .default(0)
      .describe(
        'The rate at step t is `learningRate / (1 + (t - 1) * learningRateDecay)`, >= 0 (default 0; `lrDecay` is its deprecated alias).',
      ),
    initialAccumulatorValue: z.number().min(0).default(0).describe('Starting value of the squared-gradient sum, >= 0 (default 0).'),
    epsilon: z.number().positive().default(1e-10).describe('Added to the denominator, > 0 (default 1e-10, as in PyTorch).'),
    weightDecay: z.number().min(0).default(0).describe('L2 penalty added to the gradient, >= 0 (default 0).'),
  }),
  { ...OPTIMIZER_ALIASES, lrDecay: 'learningRateDecay' },
);

/**
 * Configuration of {@link Adagrad}, inferred from its schema (the one place its fields are
 * described): `learningRate` (required; `lr` is its deprecated alias), `learningRateDecay` >= 0
 * (default 0; `lrDecay` is its deprecated alias), `initialAccumulatorValue` >= 0 (default 0),
 * `epsilon` > 0 (default 1e-10), `weightDecay` >= 0 (default 0), `clipNorm` and `clipValue`
 * (default: no clipping). The JSON Schema docs/schemas/core/AdagradConfig.schema.json carries each
 * field's description.
 *
 * @category Optimizers
 */
export type AdagradConfig = z.input<typeof adagradConfigSchema>;

/**
 * Fills Adagrad's defaults and validates; throws InvalidArgumentError naming the option
 * (`AdagradConfig.epsilon`) and the value.
 *
 * @category Optimizers
 */
export function resolveAdagradConfig(config: AdagradConfig): z.output<typeof adagradConfigSchema> {
  return parseConfig(adagradConfigSchema, config, 'AdagradConfig');
}

/**
 * Adagrad as in PyTorch: `s += g^2; w -= lr/(1 + (t-1)*learningRateDecay) * g / (sqrt(s) + eps)`.
 *
 * @example
 * ```ts
 * const optimizer = new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.1 });
 * ```
 * @category Optimizers
 */
export class Adagrad extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelAdagrad';
  protected readonly slotNames = ['sum'] as const;
  private readonly config: ReturnType<typeof resolveAdagradConfig>;

  constructor(config: AdagradConfig) {
    const resolved = resolveAdagradConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected override initialSlot(_name: string, variable: tf.Variable): tf.Tensor {
    return tf.fill(variable.shape, this.config.initialAccumulatorValue);
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [sum]: tf.Tensor[], lr: number, step: number) {
    const { learningRateDecay, epsilon, weightDecay } = this.config;
    const gradient = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    const rate = lr / (1 + (step - 1) * learningRateDecay);
    const nextSum = tf.add(sum, tf.mul(gradient, gradient));
    const denominator = tf.add(tf.sqrt(nextSum), epsilon);
    return { variable: tf.sub(w, tf.mul(tf.div(gradient, denominator), rate)), slots: [nextSum] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { learningRateDecay, initialAccumulatorValue, epsilon, weightDecay } = this.config;
    return { ...this.baseConfig(), learningRateDecay, initialAccumulatorValue, epsilon, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Adagrad);
