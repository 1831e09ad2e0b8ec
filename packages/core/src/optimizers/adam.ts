/**
 * Adam (Kingma & Ba 2015) with AMSGrad and coupled (L2-style) weight decay, step for step as
 * torch.optim.Adam (PyTorch 1.13), against which it is tested. For decoupled weight decay use
 * {@link AdamW}.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

import { ADAM_UPDATE, type AdamUpdateAttrs } from '../kernels/adam-update';
import { webGpuAdamFits } from '../kernels/adam-update-webgpu';
import { parseConfig, withDeprecatedAliases } from '../config';
import { BigModelOptimizer, OPTIMIZER_ALIASES, optimizerBaseFields } from './bigmodel-optimizer';

/**
 * The schema of {@link AdamConfig}: each field's rule, default and description (`.describe()`), read by
 * {@link parseConfig} and {@link configJsonSchema}.
 *
 * @category Optimizers
 */
export const adamConfigSchema = withDeprecatedAliases(
  z.strictObject({
    ...optimizerBaseFields,
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay of the first-moment average, in [0, 1) (default 0.9).'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay of the second-moment average, in [0, 1) (default 0.999).'),
    epsilon: z.number().positive().default(1e-8).describe('Added to the denominator, > 0 (default 1e-8).'),
    weightDecay: z
      .number()
      .min(0)
      .default(0)
      .describe('Weight decay >= 0 (default 0; Adam adds `weightDecay * w` to the gradient, AdamW shrinks `w` directly, by default 0.01).'),
    amsgrad: z
      .boolean()
      .default(false)
      .describe('Use the running maximum of the second moment (AMSGrad, Reddi et al. 2018; default false).'),
  }),
  OPTIMIZER_ALIASES,
);

/**
 * Configuration of {@link Adam} and {@link AdamW}, inferred from its schema (the one place its
 * fields are described): `learningRate` (required; `lr` is its deprecated alias), `beta1` in
 * [0, 1) (default 0.9), `beta2` in [0, 1) (default 0.999), `epsilon` > 0 (default 1e-8),
 * `weightDecay` >= 0 (default 0, AdamW's 0.01), `amsgrad` (default false), `clipNorm` and
 * `clipValue` (default: no clipping). The JSON Schema docs/schemas/core/AdamConfig.schema.json
 * carries each field's description.
 *
 * @category Optimizers
 */
export type AdamConfig = z.input<typeof adamConfigSchema>;

/**
 * Fills Adam's defaults and validates; throws InvalidArgumentError naming the option
 * (`AdamConfig.beta1`) and the value.
 *
 * @category Optimizers
 */
export function resolveAdamConfig(config: AdamConfig): z.output<typeof adamConfigSchema> {
  return parseConfig(adamConfigSchema, config, 'AdamConfig');
}

/**
 * Whether a fused Adam kernel (wasm, webgpu) can make this update: the backend has it, it fits the
 * device (webgpu with AMSGrad), and all operands are float32 of one shape.
 */
function fusedAdamApplies(w: tf.Tensor, operands: tf.Tensor[]): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(ADAM_UPDATE, backend) === undefined) return false;
  if (backend === 'webgpu' && !webGpuAdamFits(operands.length === 4)) return false;
  return operands.every((t) => t.dtype === 'float32' && tf.util.arraysEqual(t.shape, w.shape)) && w.dtype === 'float32';
}

/**
 * The Adam step shared by Adam and AdamW (after any decay of w). PyTorch's order of operations.
 * On wasm and webgpu one fused kernel computes it with the same float32 operations.
 * @category Optimizers
 */
export function adamStep(
  w: tf.Tensor,
  g: tf.Tensor,
  [m, v, vMax]: tf.Tensor[],
  lr: number,
  step: number,
  { beta1, beta2, epsilon, amsgrad }: { beta1: number; beta2: number; epsilon: number; amsgrad: boolean },
) {
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  if (fusedAdamApplies(w, amsgrad ? [g, m, v, vMax] : [g, m, v])) {
    // One kernel on wasm (kernels/adam-update.ts) and webgpu (kernels/adam-update-webgpu.ts): the same float32
    // operations as below, in one pass.
    const attrs: AdamUpdateAttrs = { beta1, beta2, epsilon, biasCorrection2Sqrt, stepSize: lr / biasCorrection1 };
    const inputs: tf.NamedTensorMap = amsgrad ? { w, g, m, v, vMax } : { w, g, m, v };
    const [variable, nextM, nextV, nextVMax] = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as tf.Tensor[];
    return { variable, slots: [nextM, nextV, amsgrad ? nextVMax : vMax] };
  }
  const nextM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
  const nextV = tf.add(tf.mul(v, beta2), tf.mul(tf.mul(g, g), 1 - beta2));
  const nextVMax = amsgrad ? tf.maximum(vMax, nextV) : vMax;
  const denominator = tf.add(tf.div(tf.sqrt(amsgrad ? nextVMax : nextV), biasCorrection2Sqrt), epsilon);
  const variable = tf.sub(w, tf.mul(tf.div(nextM, denominator), lr / biasCorrection1));
  return { variable, slots: [nextM, nextV, nextVMax] };
}

/**
 * Adam as in PyTorch: `g += wd*w; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)`.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
 * ```
 * @category Optimizers
 */
export class Adam extends BigModelOptimizer {
  /** @internal */
  static className = 'BigModelAdam';
  protected readonly slotNames = ['m', 'v', 'vMax'] as const;
  protected readonly config: ReturnType<typeof resolveAdamConfig>;

  constructor(config: AdamConfig) {
    const resolved = resolveAdamConfig(config);
    super(resolved);
    this.config = resolved;
  }

  protected update(w: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], lr: number, step: number) {
    const gradient = this.config.weightDecay !== 0 ? tf.add(g, tf.mul(w, this.config.weightDecay)) : g;
    return adamStep(w, gradient, slots, lr, step, this.config);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { beta1, beta2, epsilon, weightDecay, amsgrad } = this.config;
    return { ...this.baseConfig(), beta1, beta2, epsilon, weightDecay, amsgrad } as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Adam);
