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
 *   and of the dense layer instead (see spectral-norm.ts); PacGAN's packing (`discriminatorPacking`:
 *   the input layer takes that many images' channels) and ProGAN's minibatch standard deviation
 *   (`minibatchStddev`: a {@link MinibatchStddev} layer before the output layer).
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
import { ShapeError, lazyGradConv2d, lazyGradDense } from '@bigmodel/core';

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

/**
 * Minibatch standard deviation (Karras et al. 2018, ProGAN, section 3): appends one feature map to
 * `[batch, height, width, channels]` features. The batch is split into `batch / groupSize` groups
 * of `groupSize` inputs (input `n` joins group `n mod (batch / groupSize)`, as ProGAN's reshape
 * does); for each group, the standard deviation of every feature (position and channel)
 * over the group's members is taken (population form, `sqrt(variance + 1e-8)`), averaged over all
 * features, and that one number fills the new map of every member of the group. No weights. The batch must be
 * a multiple of `groupSize` (a smaller batch is one group).
 *
 * @example
 * ```ts
 * new MinibatchStddev({ groupSize: 4 }).apply(tf.randomNormal([8, 7, 7, 64])); // [8, 7, 7, 65]
 * ```
 * @category Models
 */
export class MinibatchStddev extends tf.layers.Layer {
  /** @internal */
  static className = 'MinibatchStddev';
  readonly groupSize: number;

  constructor(config: { groupSize: number; name?: string }) {
    super({ name: config.name });
    this.groupSize = config.groupSize;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape.slice(0, -1), (shape[shape.length - 1] as number) + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const [batch, height, width] = x.shape;
      const group = Math.min(this.groupSize, batch);
      if (batch % group !== 0) {
        throw new ShapeError({
          parameter: 'inputs',
          expected: `a batch that is a multiple of the minibatch-stddev group size ${group}`,
          actual: x.shape,
        });
      }
      const groups = batch / group;
      const members = tf.reshape(x, [group, groups, -1]);
      const deviation = tf.sub(members, tf.mean(members, 0, true));
      const std = tf.sqrt(tf.add(tf.mean(tf.square(deviation), 0), 1e-8)); // [groups, features]
      const perGroup = tf.reshape(tf.mean(std, 1), [1, groups]);
      // Input n = member * groups + g gets group g's value (broadcasts, not tile, to keep gradients simple).
      const perInput = tf.reshape(tf.add(tf.zeros([group, 1]), perGroup), [batch, 1, 1, 1]);
      return tf.concat([x, tf.mul(perInput, tf.ones([1, height, width, 1]))], 3);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groupSize: this.groupSize };
  }
}
tf.serialization.registerClass(MinibatchStddev);

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

/**
 * Input length of the generator: nz, plus a one-hot class for the ACGAN.
 *
 * @category Models
 */
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
    lazyGradDense({
      inputShape: [generatorInputSize(config)],
      units: start * start * widest,
      useBias: false,
      kernelInitializer: init.weight(),
    }),
    init.batchNorm(),
    tf.layers.reLU(),
    tf.layers.reshape({ targetShape: [start, start, widest] }),
  ];
  for (let stage = 1; stage < depth; stage++) {
    layers.push(
      tf.layers.conv2dTranspose({
        filters: widest / 2 ** stage,
        kernelSize: 4,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: init.weight(),
      }),
      init.batchNorm(),
      tf.layers.reLU(),
    );
  }
  layers.push(
    tf.layers.conv2dTranspose({
      filters: channels,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      activation: 'tanh',
      kernelInitializer: init.weight(),
    }),
  );
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
  const { imageShape, ndf, depth, kind, classes, discriminatorNormalization, discriminatorPacking, minibatchStddev } = config;
  // PacGAN: the input is `discriminatorPacking` images concatenated along the channels.
  const inputShape = [imageShape[0], imageShape[1], imageShape[2] * discriminatorPacking];
  const init = initializers(seed);
  const batchNorm = discriminatorNormalization === 'batch';
  const spectral = discriminatorNormalization === 'spectral';
  const activation = () => (kind !== 'wgan-gp' ? tf.layers.leakyReLU({ alpha: 0.2 }) : new SmoothGradLeakyReLU({ alpha: 0.2 }));
  const layers: tf.layers.Layer[] = [];
  for (let stage = 0; stage < depth; stage++) {
    const normalized = batchNorm && stage > 0;
    const conv = {
      ...(stage === 0 ? { inputShape } : {}),
      filters: ndf * 2 ** stage,
      kernelSize: 4,
      strides: 2,
      kernelInitializer: init.weight(),
    };
    layers.push(
      spectral
        ? new SpectralNormConv2D({ ...conv, seed: init.seed() })
        : lazyGradConv2d({ ...conv, padding: 'same', useBias: !normalized }),
    );
    if (normalized) layers.push(init.batchNorm());
    layers.push(activation());
  }
  if (minibatchStddev > 0) layers.push(new MinibatchStddev({ groupSize: minibatchStddev }));
  // One adversarial logit per input (per pack), then for the ACGAN one row of class logits per packed image.
  const units = kind === 'cgan' ? 1 + classes * discriminatorPacking : 1;
  layers.push(
    tf.layers.flatten(),
    spectral
      ? new SpectralNormDense({ units, kernelInitializer: init.weight(), seed: init.seed() })
      : lazyGradDense({ units, kernelInitializer: init.weight() }),
  );
  return tf.sequential({ name: kind === 'wgan-gp' ? 'critic' : 'discriminator', layers });
}
