/**
 * Stochastic gradient descent with momentum, Nesterov momentum, dampening and (coupled, L2-style)
 * weight decay, step for step as torch.optim.SGD (PyTorch 1.13), against which it is tested.
 */
import * as tf from '@tensorflow/tfjs';

import { z } from 'zod';

import { parseConfig, withDeprecatedAliases } from '../config';
import { BigModelOptimizer, OPTIMIZER_ALIASES, optimizerBaseFields } from './bigmodel-optimizer';

/**
 * The schema of {@link SgdConfig}: each field's rule, default and description (`.describe()`), read by
 * {@link parseConfig} and {@link configJsonSchema}.
 *
 * @category Optimizers
 */
export const sgdConfigSchema = withDeprecatedAliases(
  z
    .strictObject({
      ...optimizerBaseFields,
      momentum: z.number().min(0).max(1).default(0).describe('Momentum factor in [0, 1] (default 0: plain SGD).'),
      dampening: z.number().min(0).max(1).default(0).describe('Dampening of the momentum in [0, 1] (default 0).'),
      nesterov: z.boolean().default(false).describe('Nesterov momentum (default false; needs momentum > 0 and dampening 0).'),
      weightDecay: z.number().min(0).default(0).describe('L2 penalty added to the gradient, `g + weightDecay * w` (default 0).'),
    })
    .superRefine(({ nesterov, momentum, dampening }, context) => {
      if (nesterov && (momentum <= 0 || dampening !== 0))
        context.addIssue({
          code: 'custom',
          path: ['nesterov'],
          input: true,
          message: 'Nesterov momentum needs momentum > 0 and dampening 0.',
        });
    }),
  OPTIMIZER_ALIASES,
);

/**
 * Configuration of {@link Sgd}, inferred from its schema (the one place its fields are described):
 * `learningRate` (required; `lr` is its deprecated alias), `momentum` in [0, 1] (default 0),
 * `dampening` in [0, 1] (default 0), `nesterov` (default false; needs momentum > 0 and dampening
 * 0), `weightDecay` >= 0 (default 0), `clipNorm` and `clipValue` (default: no clipping). The JSON
 * Schema docs/schemas/core/SgdConfig.schema.json carries each field's description.
 *
 * @category Optimizers
 */
export type SgdConfig = z.input<typeof sgdConfigSchema>;

/**
 * Fills SGD's defaults and validates; throws InvalidArgumentError naming the option
 * (`SgdConfig.momentum`) and the value.
 *
 * @category Optimizers
 */
export function resolveSgdConfig(config: SgdConfig): z.output<typeof sgdConfigSchema> {
  return parseConfig(sgdConfigSchema, config, 'SgdConfig');
}

/**
 * SGD as in PyTorch: `d = g + wd*w; buf = momentum*buf + (1 - dampening)*d` (buf = d on the
 * first step); `d = nesterov ? d + momentum*buf : buf`; `w -= lr*d`.
 *
 * @example
 * ```ts
 * const optimizer = new Sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * ```
 * @category Optimizers
 */
export class Sgd extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelSGD';
  private readonly config: ReturnType<typeof resolveSgdConfig>;
  /** A momentum buffer per variable, only when there is momentum. */
  protected get slotNames(): readonly string[] {
    return this.config.momentum > 0 ? ['momentum'] : [];
  }

  constructor(config: SgdConfig) {
    const resolved = resolveSgdConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, [buf]: tf.Tensor[], lr: number, _step: number, fresh: boolean) {
    const { momentum, dampening, nesterov, weightDecay } = this.config;
    let d = weightDecay !== 0 ? tf.add(g, tf.mul(w, weightDecay)) : g;
    let nextBuf = buf;
    if (momentum > 0) {
      nextBuf = fresh ? d : tf.add(tf.mul(buf, momentum), tf.mul(d, 1 - dampening));
      d = nesterov ? tf.add(d, tf.mul(nextBuf, momentum)) : nextBuf;
    }
    return { variable: tf.sub(w, tf.mul(d, lr)), slots: momentum > 0 ? [nextBuf] : [] };
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { momentum, dampening, nesterov, weightDecay } = this.config;
    return { ...this.baseConfig(), momentum, dampening, nesterov, weightDecay } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Sgd);
