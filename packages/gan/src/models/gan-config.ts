/**
 * The configuration of every GAN this package trains, validated once, here. Past
 * {@link resolveGanConfig} the networks and the training loop trust it.
 */
import { InvalidArgumentError } from '@bigmodel/core';

/**
 * The three algorithms: DCGAN, a conditional GAN (ACGAN) and WGAN-GP.
 *
 * @category Models
 */
export const GAN_KINDS = ['dcgan', 'cgan', 'wgan-gp'] as const;

/**
 * One of {@link GAN_KINDS}.
 *
 * @category Models
 */
export type GanKind = (typeof GAN_KINDS)[number];

/**
 * How the discriminator's hidden convolutions are normalized: `batch` (the DCGAN paper's batch
 * norm, on every layer but the input one), `none`, or `spectral` (spectral normalization of every
 * convolution and of the output layer, Miyato et al. 2018; no batch norm).
 * @category Models
 */
export const DISCRIMINATOR_NORMALIZATIONS = ['batch', 'none', 'spectral'] as const;

/**
 * One of {@link DISCRIMINATOR_NORMALIZATIONS}.
 *
 * @category Models
 */
export type DiscriminatorNormalization = (typeof DISCRIMINATOR_NORMALIZATIONS)[number];

/**
 * Configuration of a GAN. Every field has a default; {@link resolveGanConfig} fills and checks them.
 *
 * @category Models
 */
export interface GanConfig {
  /**
   * `dcgan` (Radford et al. 2015), `cgan` (ACGAN, Odena et al. 2017: the generator takes a class,
   * the discriminator also classifies) or `wgan-gp` (Gulrajani et al. 2017). Default `dcgan`.
   */
  kind?: GanKind;
  /** Image `[height, width, channels]`, height = width <= 1024, channels 1 or 3 (default `[28, 28, 1]`). */
  imageShape?: [number, number, number];
  /** Length of the noise vector z, at most 4096 (default 100). */
  nz?: number;
  /**
   * Generator width: channels of its last hidden layer; each earlier layer doubles it (default 64).
   * At most {@link MAX_GAN_WIDTH} (1024), with at most 16384 channels in the widest layer.
   */
  ngf?: number;
  /**
   * Discriminator width: channels of its first layer; each later layer doubles it (default 64).
   * At most {@link MAX_GAN_WIDTH} (1024), with at most 16384 channels in the widest layer.
   */
  ndf?: number;
  /**
   * Upsampling stages of the generator (and downsampling stages of the discriminator); the
   * generator starts from `imageSize / 2^depth` squared. Default: 2 for 28x28 (7 -> 14 -> 28), 3 for
   * 32x32 (4 -> 8 -> 16 -> 32); otherwise the largest depth leaving a start of at least 4.
   */
  depth?: number;
  /**
   * Normalization in the discriminator (see {@link DISCRIMINATOR_NORMALIZATIONS}): default `batch`
   * (the paper's) for dcgan and cgan, `none` for the WGAN-GP critic, which cannot have batch norm
   * (its penalty is per example). `spectral` is an option beyond the DCGAN paper.
   */
  discriminatorNormalization?: DiscriminatorNormalization;
  /** Number of classes (cgan only; default 10, at most 10000). */
  classes?: number;
  /** Learning rate of both Adams (default 2e-4; 1e-4 for wgan-gp). */
  lr?: number;
  /**
   * Learning rate of the generator's Adam (default `lr`). With {@link GanConfig.discriminatorLr},
   * the two time-scale update rule (TTUR; Heusel et al. 2017) - an option beyond the DCGAN paper,
   * which uses one rate for both networks.
   */
  generatorLr?: number;
  /** Learning rate of the discriminator's (critic's) Adam (default `lr`); see {@link GanConfig.generatorLr}. */
  discriminatorLr?: number;
  /** Adam beta1 (default 0.5). */
  beta1?: number;
  /** Adam beta2 (default 0.999; 0.9 for wgan-gp). */
  beta2?: number;
  /** One-sided label smoothing: real targets become `1 - labelSmoothing` (default 0; dcgan and cgan). */
  labelSmoothing?: number;
  /** Gradient-penalty weight lambda (wgan-gp; default 10). */
  gradientPenalty?: number;
  /** Critic updates per generator update (wgan-gp; default 5). */
  criticSteps?: number;
  /** Examples per step (default 64). */
  batchSize?: number;
  /**
   * Decay of an exponential moving average of the generator's weights (Yazici et al. 2019, "The
   * Unusual Effectiveness of Averaging in GAN Training"; StyleGAN's `G_ema`), in [0, 1); 0 (the
   * default) keeps no average. When on, sampling (grids, scores, interpolations) uses the averaged
   * generator; training never does. The decay ramps up as `min(decay, (1 + step) / (10 + step))`
   * so that early averages are not dominated by the random initial weights.
   */
  generatorEma?: number;
  /**
   * Differentiable translation of every image the discriminator sees, real or generated, in both
   * networks' updates (DiffAugment, Zhao et al. 2020, "Differentiable Augmentation for
   * Data-Efficient GAN Training"): each image moves by a random whole number of pixels, up to this
   * fraction of the image size (rounded) on each axis, the uncovered border filled with the
   * background value -1. In [0, 0.5]; 0 (the default) is off; the paper's translation uses 0.125.
   */
  discriminatorTranslation?: number;
  /**
   * PacGAN packing (Lin et al. 2018, "PacGAN: The power of two samples in generative adversarial
   * networks"), an option beyond the DCGAN paper against mode collapse and class imbalance: the
   * discriminator judges this many samples at once, concatenated along the channels (real packs
   * from real images only, fake packs from generated images only), so its input layer takes
   * `discriminatorPacking * channels` channels and it sees `batchSize / discriminatorPacking`
   * packs per update. An integer in [1, 4] dividing `batchSize`; 1 (the default) is off. For
   * `cgan` the discriminator predicts one class per packed image. Not for `wgan-gp`.
   */
  discriminatorPacking?: number;
  /**
   * Minibatch standard deviation (Karras et al. 2018, "Progressive Growing of GANs", section 3), an
   * option beyond the DCGAN paper against mode collapse: before the discriminator's output layer,
   * one feature map is appended holding, for each group of this many inputs, the mean over all
   * features and positions of each feature's standard deviation across the group (see
   * {@link MinibatchStddev}). `true` is ProGAN's group size 4; a number is the group size (>= 2,
   * dividing the discriminator's batch `batchSize / discriminatorPacking`); `false` or 0 (the
   * default) is off. Not for `wgan-gp`.
   */
  minibatchStddev?: boolean | number;
}

/**
 * A {@link GanConfig} with every field filled in and checked (`minibatchStddev` as a group size, 0 when off).
 *
 * @category Models
 */
export type ResolvedGanConfig = Required<Omit<GanConfig, 'minibatchStddev'>> & { minibatchStddev: number };

/**
 * The widest networks a config may ask for: `ngf` and `ndf` at most (the DCGAN paper uses 64-128).
 *
 * @category Models
 */
export const MAX_GAN_WIDTH = 1024;

/**
 * The longest noise vector a config may ask for (`nz`).
 *
 * @category Models
 */
export const MAX_GAN_NZ = 4096;

/**
 * The largest image side a config may ask for (`imageShape` height and width).
 *
 * @category Models
 */
export const MAX_GAN_IMAGE_SIZE = 1024;

/**
 * The most channels of the widest layer, `ngf * 2^(depth - 1)` in the generator and
 * `ndf * 2^(depth - 1)` in the discriminator.
 *
 * @category Models
 */
export const MAX_GAN_CHANNELS = 16_384;

/**
 * The most classes a `cgan` config may ask for (`classes`).
 *
 * @category Models
 */
export const MAX_GAN_CLASSES = 10_000;

/**
 * The most weights of the generator's projection, `(nz + classes) * start^2 * ngf * 2^(depth - 1)`
 * (2^28: 1 GiB of float32).
 *
 * @category Models
 */
export const MAX_GAN_PROJECTION_WEIGHTS = 2 ** 28;

function atMost(parameter: string, value: number, max: number): void {
  if (value > max) throw new InvalidArgumentError({ parameter, value, message: `Must be at most ${max}.` });
}

function positiveInteger(parameter: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError({ parameter, value, message: 'Must be an integer > 0.' });
  }
}

function inRange(parameter: string, value: unknown, min: number, max: number, openMax = false): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (openMax ? value < max : value <= max);
  if (!ok) throw new InvalidArgumentError({ parameter, value, message: `Must be a number in [${min}, ${max}${openMax ? ')' : ']'}.` });
}

/** The default depth for an image size: the largest number of halvings that leaves a start of at least 4 (7 for 28). */
function defaultDepth(size: number): number {
  let depth = 0;
  while (size % 2 ** (depth + 1) === 0 && size / 2 ** (depth + 1) >= 4) depth++;
  return depth;
}

/**
 * Fills the defaults of a {@link GanConfig} and checks every field, throwing
 * `InvalidArgumentError` naming the field: `nz <= 0`, an image size that `2^depth` does not
 * divide, an unknown kind, and so on.
 *
 * @example
 * ```ts
 * const config = resolveGanConfig({ kind: 'dcgan', ngf: 32, ndf: 32 });
 * config.depth; // 2 (28 -> 14 -> 7)
 * ```
 * @category Models
 */
export function resolveGanConfig(config: GanConfig = {}): ResolvedGanConfig {
  const kind = config.kind ?? 'dcgan';
  if (!GAN_KINDS.includes(kind))
    throw new InvalidArgumentError({ parameter: 'kind', value: kind, message: `Must be one of ${GAN_KINDS.join(', ')}.` });
  const imageShape = config.imageShape ?? [28, 28, 1];
  if (!Array.isArray(imageShape) || imageShape.length !== 3 || imageShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new InvalidArgumentError({
      parameter: 'imageShape',
      value: imageShape,
      message: 'Must be [height, width, channels] of positive integers.',
    });
  }
  const [height, width, channels] = imageShape;
  if (height > MAX_GAN_IMAGE_SIZE || width > MAX_GAN_IMAGE_SIZE) {
    throw new InvalidArgumentError({
      parameter: 'imageShape',
      value: imageShape,
      message: `Image height and width must be at most ${MAX_GAN_IMAGE_SIZE}.`,
    });
  }
  if (height !== width)
    throw new InvalidArgumentError({ parameter: 'imageShape', value: imageShape, message: 'Images must be square (height = width).' });
  if (channels !== 1 && channels !== 3)
    throw new InvalidArgumentError({ parameter: 'imageShape', value: imageShape, message: 'Channels must be 1 (gray) or 3 (RGB).' });
  const wgan = kind === 'wgan-gp';
  const resolved: ResolvedGanConfig = {
    kind,
    imageShape: [height, width, channels],
    nz: config.nz ?? 100,
    ngf: config.ngf ?? 64,
    ndf: config.ndf ?? 64,
    depth: config.depth ?? defaultDepth(height),
    discriminatorNormalization: config.discriminatorNormalization ?? (wgan ? 'none' : 'batch'),
    classes: config.classes ?? 10,
    lr: config.lr ?? (wgan ? 1e-4 : 2e-4),
    generatorLr: 0,
    discriminatorLr: 0,
    beta1: config.beta1 ?? 0.5,
    beta2: config.beta2 ?? (wgan ? 0.9 : 0.999),
    labelSmoothing: config.labelSmoothing ?? 0,
    gradientPenalty: config.gradientPenalty ?? 10,
    criticSteps: config.criticSteps ?? (wgan ? 5 : 1),
    batchSize: config.batchSize ?? 64,
    generatorEma: config.generatorEma ?? 0,
    discriminatorTranslation: config.discriminatorTranslation ?? 0,
    discriminatorPacking: config.discriminatorPacking ?? 1,
    minibatchStddev:
      config.minibatchStddev === true
        ? 4
        : config.minibatchStddev === false || config.minibatchStddev === undefined
          ? 0
          : config.minibatchStddev,
  };
  positiveInteger('nz', resolved.nz);
  positiveInteger('ngf', resolved.ngf);
  positiveInteger('ndf', resolved.ndf);
  positiveInteger('depth', resolved.depth);
  positiveInteger('classes', resolved.classes);
  positiveInteger('criticSteps', resolved.criticSteps);
  positiveInteger('batchSize', resolved.batchSize);
  atMost('nz', resolved.nz, MAX_GAN_NZ);
  atMost('ngf', resolved.ngf, MAX_GAN_WIDTH);
  atMost('ndf', resolved.ndf, MAX_GAN_WIDTH);
  atMost('classes', resolved.classes, MAX_GAN_CLASSES);
  const start = height / 2 ** resolved.depth;
  if (!Number.isInteger(start) || start < 2) {
    throw new InvalidArgumentError({
      parameter: 'depth',
      value: resolved.depth,
      message: `Image size ${height} is not compatible with generator depth ${resolved.depth}: the size must be divisible by 2^depth = ${2 ** resolved.depth} with a start of at least 2x2 (try depth ${defaultDepth(height) || 'a different image size'}).`,
    });
  }
  const deepest = 2 ** (resolved.depth - 1);
  for (const parameter of ['ngf', 'ndf'] as const) {
    if (resolved[parameter] * deepest > MAX_GAN_CHANNELS) {
      throw new InvalidArgumentError({
        parameter,
        value: resolved[parameter],
        message: `With depth ${resolved.depth} the widest layer would have ${parameter} * 2^${resolved.depth - 1} = ${resolved[parameter] * deepest} channels; at most ${MAX_GAN_CHANNELS} are allowed.`,
      });
    }
  }
  const projection = (resolved.nz + (kind === 'cgan' ? resolved.classes : 0)) * start * start * resolved.ngf * deepest;
  if (projection > MAX_GAN_PROJECTION_WEIGHTS) {
    throw new InvalidArgumentError({
      parameter: 'ngf',
      value: resolved.ngf,
      message: `With nz ${resolved.nz} and depth ${resolved.depth} the generator's projection would hold ${projection} weights; at most ${MAX_GAN_PROJECTION_WEIGHTS} (2^28) are allowed: lower ngf or nz.`,
    });
  }
  if (!DISCRIMINATOR_NORMALIZATIONS.includes(resolved.discriminatorNormalization)) {
    throw new InvalidArgumentError({
      parameter: 'discriminatorNormalization',
      value: resolved.discriminatorNormalization,
      message: `Must be one of ${DISCRIMINATOR_NORMALIZATIONS.join(', ')}.`,
    });
  }
  if (wgan && resolved.discriminatorNormalization === 'batch') {
    throw new InvalidArgumentError({
      parameter: 'discriminatorNormalization',
      value: 'batch',
      message: "The WGAN-GP critic cannot use batch norm (its gradient penalty is per example); use 'none' or 'spectral'.",
    });
  }
  if (kind === 'cgan' && resolved.classes < 2)
    throw new InvalidArgumentError({
      parameter: 'classes',
      value: resolved.classes,
      message: 'A conditional GAN needs at least 2 classes.',
    });
  inRange('lr', resolved.lr, Number.MIN_VALUE, 1);
  resolved.generatorLr = config.generatorLr ?? resolved.lr;
  resolved.discriminatorLr = config.discriminatorLr ?? resolved.lr;
  inRange('generatorLr', resolved.generatorLr, Number.MIN_VALUE, 1);
  inRange('discriminatorLr', resolved.discriminatorLr, Number.MIN_VALUE, 1);
  inRange('beta1', resolved.beta1, 0, 1, true);
  inRange('beta2', resolved.beta2, 0, 1, true);
  inRange('labelSmoothing', resolved.labelSmoothing, 0, 0.5);
  inRange('gradientPenalty', resolved.gradientPenalty, 0, 1e6);
  inRange('generatorEma', resolved.generatorEma, 0, 1, true);
  inRange('discriminatorTranslation', resolved.discriminatorTranslation, 0, 0.5);
  const packing = resolved.discriminatorPacking;
  if (!Number.isInteger(packing) || packing < 1 || packing > 4) {
    throw new InvalidArgumentError({
      parameter: 'discriminatorPacking',
      value: packing,
      message: 'Must be an integer in [1, 4] (1 is off).',
    });
  }
  if (resolved.batchSize % packing !== 0) {
    throw new InvalidArgumentError({
      parameter: 'discriminatorPacking',
      value: packing,
      message: `Must divide batchSize (${resolved.batchSize}).`,
    });
  }
  const group = resolved.minibatchStddev;
  const packs = resolved.batchSize / packing;
  if (typeof group !== 'number' || !Number.isInteger(group) || group < 0 || group === 1) {
    throw new InvalidArgumentError({
      parameter: 'minibatchStddev',
      value: config.minibatchStddev,
      message: 'Must be true, false, 0 (off) or a group size >= 2.',
    });
  }
  if (group > 0 && packs % group !== 0) {
    throw new InvalidArgumentError({
      parameter: 'minibatchStddev',
      value: group,
      message: `The group size must divide the discriminator's batch, batchSize / discriminatorPacking = ${packs}.`,
    });
  }
  if (wgan && (packing > 1 || group > 0)) {
    const parameter = packing > 1 ? 'discriminatorPacking' : 'minibatchStddev';
    throw new InvalidArgumentError({
      parameter,
      value: packing > 1 ? packing : group,
      message: 'Not available for the WGAN-GP critic (its gradient penalty is per example).',
    });
  }
  return resolved;
}
