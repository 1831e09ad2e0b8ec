/**
 * The DCGAN generator and discriminator (Radford et al. 2015; the PyTorch examples' dcgan/main.py),
 * for any square image size that 2^depth divides:
 *
 * - generator: a projection of z (dense, no bias) to `start x start x ngf*2^(depth-1)`, then
 *   `depth - 1` fractionally-strided 4x4 convolutions (stride 2) halving the channels, each with
 *   batch norm and ReLU, and a last fractionally-strided convolution to the image channels with tanh;
 * - discriminator: `depth` strided 4x4 convolutions (stride 2) doubling the channels from `ndf`,
 *   with LeakyReLU 0.2 and batch norm on all but the input layer, then one dense logit (plus one
 *   per class for the ACGAN). No pooling, no hidden dense layers. Options beyond the paper
 *   (`discriminatorNormalization`): no batch norm, or spectral normalization of every convolution
 *   and of the dense layer instead (see spectral-norm.ts).
 *
 * Weights are drawn from N(0, 0.02) and batch-norm gammas from N(1, 0.02), as in the paper. Batch
 * norm uses PyTorch's momentum (0.1, i.e. tfjs momentum 0.9) and epsilon (1e-5). The WGAN-GP critic
 * has no batch norm (the penalty is per example) and writes LeakyReLU as `0.6x + 0.4|x|`, whose
 * gradient has a gradient in tfjs (tf.leakyRelu's does not: its gradient uses `greater`).
 *
 * The dense and (not spectrally normalized) convolution layers are core's `lazyGradDense` and
 * `lazyGradConv2d`: tfjs-layers' own layers, whose gradients compute only what is needed (the
 * generator's update runs no filter gradient of the discriminator, and no layer takes a gradient
 * with respect to data); their weights and saved form are the stock layers'.
 */
import * as tf from '@tensorflow/tfjs';
import { lazyGradConv2d, lazyGradDense } from '@bigmodel/core';

import type { ResolvedGanConfig } from './gan-config';
import { SpectralNormConv2D, SpectralNormDense } from './spectral-norm';

/**
 * LeakyReLU with slope `alpha` written as `(1 + alpha)/2 x + (1 - alpha)/2 |x|`: the same values as
 * tf.leakyRelu, with second-order gradients (needed by the WGAN-GP penalty).
 * @category Models
 */
export class SmoothGradLeakyReLU extends tf.layers.Layer {
  /** @internal */
  static className = 'SmoothGradLeakyReLU';
  readonly alpha: number;

  constructor(config: { alpha?: number; name?: string } = {}) {
    super({ name: config.name });
    this.alpha = config.alpha ?? 0.2;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.add(tf.mul(x, (1 + this.alpha) / 2), tf.mul(tf.abs(x), (1 - this.alpha) / 2)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(SmoothGradLeakyReLU);

/** Seeded initializers: every call draws a new seed from `seed`, `seed + 1`, ... */
function initializers(seed: number) {
  let next = seed;
  return {
    seed: () => next++,
    weight: () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: next++ }),
    batchNorm: () =>
      tf.layers.batchNormalization({
        momentum: 0.9,
        epsilon: 1e-5,
        gammaInitializer: tf.initializers.randomNormal({ mean: 1, stddev: 0.02, seed: next++ }),
      }),
  };
}

/** Input length of the generator: nz, plus a one-hot class for the ACGAN. */
export function generatorInputSize(config: ResolvedGanConfig): number {
  return config.nz + (config.kind === 'cgan' ? config.classes : 0);
}

/**
 * The generator: z (with the one-hot class appended for `cgan`) to images in [-1, 1].
 *
 * @example
 * ```ts
 * const g = buildGenerator(resolveGanConfig({ ngf: 32 }), 0);
 * g.apply(tf.randomNormal([4, 100]), { training: false }); // [4, 28, 28, 1]
 * ```
 * @category Models
 */
export function buildGenerator(config: ResolvedGanConfig, seed: number): tf.Sequential {
  const { imageShape, ngf, depth } = config;
  const [size, , channels] = imageShape;
  const start = size / 2 ** depth;
  const init = initializers(seed);
  const widest = ngf * 2 ** (depth - 1);
  const layers: tf.layers.Layer[] = [
    lazyGradDense({ inputShape: [generatorInputSize(config)], units: start * start * widest, useBias: false, kernelInitializer: init.weight() }),
    init.batchNorm(),
    tf.layers.reLU(),
    tf.layers.reshape({ targetShape: [start, start, widest] }),
  ];
  for (let stage = 1; stage < depth; stage++) {
    layers.push(
      tf.layers.conv2dTranspose({ filters: widest / 2 ** stage, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init.weight() }),
      init.batchNorm(),
      tf.layers.reLU(),
    );
  }
  layers.push(tf.layers.conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init.weight() }));
  return tf.sequential({ name: 'generator', layers });
}

/**
 * The discriminator (critic for WGAN-GP): images in [-1, 1] to one logit per image, plus one class
 * logit per class for `cgan` (the ACGAN's auxiliary classifier), as `[batch, 1 (+ classes)]`.
 *
 * @example
 * ```ts
 * const d = buildDiscriminator(resolveGanConfig({ ndf: 32 }), 1);
 * d.apply(tf.zeros([4, 28, 28, 1]), { training: false }); // [4, 1]
 * ```
 * @category Models
 */
export function buildDiscriminator(config: ResolvedGanConfig, seed: number): tf.Sequential {
  const { imageShape, ndf, depth, kind, classes, discriminatorNormalization } = config;
  const init = initializers(seed);
  const batchNorm = discriminatorNormalization === 'batch';
  const spectral = discriminatorNormalization === 'spectral';
  const activation = () => (kind !== 'wgan-gp' ? tf.layers.leakyReLU({ alpha: 0.2 }) : new SmoothGradLeakyReLU({ alpha: 0.2 }));
  const layers: tf.layers.Layer[] = [];
  for (let stage = 0; stage < depth; stage++) {
    const normalized = batchNorm && stage > 0;
    const conv = { ...(stage === 0 ? { inputShape: imageShape } : {}), filters: ndf * 2 ** stage, kernelSize: 4, strides: 2, kernelInitializer: init.weight() };
    layers.push(spectral ? new SpectralNormConv2D({ ...conv, seed: init.seed() }) : lazyGradConv2d({ ...conv, padding: 'same', useBias: !normalized }));
    if (normalized) layers.push(init.batchNorm());
    layers.push(activation());
  }
  const units = kind === 'cgan' ? 1 + classes : 1;
  layers.push(tf.layers.flatten(), spectral ? new SpectralNormDense({ units, kernelInitializer: init.weight(), seed: init.seed() }) : lazyGradDense({ units, kernelInitializer: init.weight() }));
  return tf.sequential({ name: kind === 'wgan-gp' ? 'critic' : 'discriminator', layers });
}
