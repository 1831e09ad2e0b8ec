/**
 * The configuration of every GAN this package trains: one zod schema that holds every field's
 * rule, default and description, parsed once by {@link resolveGanConfig}. Past it the networks and
 * the training loop trust the config.
 */
import { parseConfig, withDeprecatedAliases, z } from '@bigmodel/core';

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

/** The default depth for an image size: the largest number of halvings that leaves a start of at least 4 (7 for 28). */
function defaultDepth(size: number): number {
  let depth = 0;
  while (size % 2 ** (depth + 1) === 0 && size / 2 ** (depth + 1) >= 4) depth++;
  return depth;
}

/** An integer >= 1 (a count, a width). */
const positiveInteger = () => z.number().int().min(1);
/** A learning rate, in (0, 1]. */
const learningRate = () => z.number().positive().max(1);

/** The fields of {@link GanConfig}: their rules, defaults and descriptions. */
const ganFields = z.strictObject({
  kind: z
    .enum(GAN_KINDS)
    .default('dcgan')
    .describe(
      'dcgan (Radford et al. 2015), cgan (ACGAN, Odena et al. 2017: the generator takes a class, ' +
        'the discriminator also classifies) or wgan-gp (Gulrajani et al. 2017) (default dcgan).',
    ),
  imageShape: z
    .tuple([
      positiveInteger().max(MAX_GAN_IMAGE_SIZE),
      positiveInteger().max(MAX_GAN_IMAGE_SIZE),
      z.literal([1, 3], { error: 'Channels must be 1 (gray) or 3 (RGB).' }),
    ])
    .default([28, 28, 1])
    .describe(`Image [height, width, channels]: square, height = width <= ${MAX_GAN_IMAGE_SIZE}, channels 1 or 3 (default [28, 28, 1]).`),
  nz: positiveInteger()
    .max(MAX_GAN_NZ)
    .default(100)
    .describe(`Length of the noise vector z, an integer in [1, ${MAX_GAN_NZ}] (default 100).`),
  ngf: positiveInteger()
    .max(MAX_GAN_WIDTH)
    .default(64)
    .describe(
      'Generator width: channels of its last hidden layer, each earlier layer doubling it; ' +
        `an integer in [1, ${MAX_GAN_WIDTH}], the widest layer at most ${MAX_GAN_CHANNELS} channels (default 64).`,
    ),
  ndf: positiveInteger()
    .max(MAX_GAN_WIDTH)
    .default(64)
    .describe(
      'Discriminator width: channels of its first layer, each later layer doubling it; ' +
        `an integer in [1, ${MAX_GAN_WIDTH}], the widest layer at most ${MAX_GAN_CHANNELS} channels (default 64).`,
    ),
  depth: positiveInteger()
    .optional()
    .describe(
      'Upsampling stages of the generator (downsampling stages of the discriminator); ' +
        'the generator starts from imageSize / 2^depth squared, at least 2x2. ' +
        'Default: 2 for 28x28 (7 -> 14 -> 28), 3 for 32x32 (4 -> 8 -> 16 -> 32); ' +
        'otherwise the largest depth leaving a start of at least 4.',
    ),
  discriminatorNormalization: z
    .enum(DISCRIMINATOR_NORMALIZATIONS)
    .optional()
    .describe(
      "Normalization of the discriminator's hidden convolutions: batch (the DCGAN paper's), none, " +
        'or spectral (Miyato et al. 2018, beyond the paper). Default batch for dcgan and cgan, ' +
        'none for the WGAN-GP critic, which cannot have batch norm (its gradient penalty is per example).',
    ),
  classes: positiveInteger()
    .max(MAX_GAN_CLASSES)
    .default(10)
    .describe(`Number of classes (cgan only; at least 2, at most ${MAX_GAN_CLASSES}; default 10).`),
  learningRate: learningRate()
    .optional()
    .describe('Learning rate of both Adams, in (0, 1] (default 2e-4; 1e-4 for wgan-gp; `lr` is its deprecated alias).'),
  generatorLearningRate: learningRate()
    .optional()
    .describe(
      "Learning rate of the generator's Adam, in (0, 1] (default learningRate). " +
        'With discriminatorLearningRate, the two time-scale update rule (TTUR; Heusel et al. 2017), ' +
        'beyond the DCGAN paper (`generatorLr` is its deprecated alias).',
    ),
  discriminatorLearningRate: learningRate()
    .optional()
    .describe(
      "Learning rate of the discriminator's (critic's) Adam, in (0, 1] (default learningRate; `discriminatorLr` is its deprecated alias).",
    ),
  beta1: z.number().min(0).lt(1).default(0.5).describe('Adam beta1, in [0, 1) (default 0.5).'),
  beta2: z.number().min(0).lt(1).optional().describe('Adam beta2, in [0, 1) (default 0.999; 0.9 for wgan-gp).'),
  labelSmoothing: z
    .number()
    .min(0)
    .max(0.5)
    .default(0)
    .describe('One-sided label smoothing: real targets become 1 - labelSmoothing; in [0, 0.5] (default 0; dcgan and cgan).'),
  gradientPenalty: z.number().min(0).max(1e6).default(10).describe('Gradient-penalty weight lambda, in [0, 1e6] (wgan-gp; default 10).'),
  criticSteps: positiveInteger().optional().describe('Critic updates per generator update (default 5 for wgan-gp, else 1).'),
  batchSize: positiveInteger().default(64).describe('Examples per step (default 64).'),
  generatorEma: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe(
      "Decay of an exponential moving average of the generator's weights (Yazici et al. 2019; StyleGAN's G_ema), " +
        'in [0, 1); 0 (the default) keeps no average. When on, sampling uses the averaged generator; ' +
        'training never does. The decay ramps up as min(decay, (1 + step) / (10 + step)).',
    ),
  discriminatorTranslation: z
    .number()
    .min(0)
    .max(0.5)
    .default(0)
    .describe(
      'Differentiable translation (DiffAugment, Zhao et al. 2020) of every image the discriminator sees, ' +
        'by a random whole number of pixels up to this fraction of the image size on each axis, ' +
        'the border filled with -1; in [0, 0.5], 0 (the default) off, the paper uses 0.125.',
    ),
  discriminatorPacking: positiveInteger()
    .max(4)
    .default(1)
    .describe(
      'PacGAN packing (Lin et al. 2018): the discriminator judges this many samples at once, ' +
        'concatenated along the channels; an integer in [1, 4] dividing batchSize, 1 (the default) off. Not for wgan-gp.',
    ),
  minibatchStddev: z
    .union([z.boolean(), z.number().int().min(0)])
    .default(false)
    .describe(
      "Minibatch standard deviation (Karras et al. 2018) before the discriminator's output layer: " +
        "true is ProGAN's group size 4, a number is the group size (>= 2, dividing batchSize / discriminatorPacking), " +
        'false or 0 (the default) off. Not for wgan-gp.',
    ),
});

/** A parsed config with the defaults that depend on the kind or the image size filled in. */
function withDerivedDefaults(config: z.output<typeof ganFields>) {
  const wgan = config.kind === 'wgan-gp';
  const learningRate = config.learningRate ?? (wgan ? 1e-4 : 2e-4);
  const { minibatchStddev } = config;
  return {
    ...config,
    depth: config.depth ?? defaultDepth(config.imageShape[0]),
    discriminatorNormalization: config.discriminatorNormalization ?? (wgan ? 'none' : 'batch'),
    learningRate,
    generatorLearningRate: config.generatorLearningRate ?? learningRate,
    discriminatorLearningRate: config.discriminatorLearningRate ?? learningRate,
    beta2: config.beta2 ?? (wgan ? 0.9 : 0.999),
    criticSteps: config.criticSteps ?? (wgan ? 5 : 1),
    minibatchStddev: minibatchStddev === true ? 4 : minibatchStddev === false ? 0 : minibatchStddev,
  };
}

/** What a config must satisfy beyond each field's own range, checked in this order; the first problem found, if any. */
function combinationProblem(config: ReturnType<typeof withDerivedDefaults>): { path: string; input: unknown; message: string } | undefined {
  const { kind, imageShape, depth, nz, ngf, classes, batchSize, discriminatorPacking: packing, minibatchStddev: group } = config;
  const [height, width] = imageShape;
  const wgan = kind === 'wgan-gp';
  if (height !== width) return { path: 'imageShape', input: imageShape, message: 'Images must be square (height = width).' };
  const start = height / 2 ** depth;
  if (!Number.isInteger(start) || start < 2) {
    return {
      path: 'depth',
      input: depth,
      message:
        `Image size ${height} is not compatible with generator depth ${depth}: the size must be divisible by ` +
        `2^depth = ${2 ** depth} with a start of at least 2x2 (try depth ${defaultDepth(height) || 'a different image size'}).`,
    };
  }
  const deepest = 2 ** (depth - 1);
  for (const width of ['ngf', 'ndf'] as const) {
    if (config[width] * deepest > MAX_GAN_CHANNELS) {
      return {
        path: width,
        input: config[width],
        message:
          `With depth ${depth} the widest layer would have ${width} * 2^${depth - 1} = ${config[width] * deepest} channels; ` +
          `at most ${MAX_GAN_CHANNELS} are allowed.`,
      };
    }
  }
  const projection = (nz + (kind === 'cgan' ? classes : 0)) * start * start * ngf * deepest;
  if (projection > MAX_GAN_PROJECTION_WEIGHTS) {
    return {
      path: 'ngf',
      input: ngf,
      message:
        `With nz ${nz} and depth ${depth} the generator's projection would hold ${projection} weights; ` +
        `at most ${MAX_GAN_PROJECTION_WEIGHTS} (2^28) are allowed: lower ngf or nz.`,
    };
  }
  if (wgan && config.discriminatorNormalization === 'batch') {
    return {
      path: 'discriminatorNormalization',
      input: 'batch',
      message: "The WGAN-GP critic cannot use batch norm (its gradient penalty is per example); use 'none' or 'spectral'.",
    };
  }
  if (kind === 'cgan' && classes < 2) return { path: 'classes', input: classes, message: 'A conditional GAN needs at least 2 classes.' };
  if (batchSize % packing !== 0) return { path: 'discriminatorPacking', input: packing, message: `Must divide batchSize (${batchSize}).` };
  if (group === 1) return { path: 'minibatchStddev', input: group, message: 'Must be true, false, 0 (off) or a group size >= 2.' };
  const packs = batchSize / packing;
  if (group > 0 && packs % group !== 0) {
    return {
      path: 'minibatchStddev',
      input: group,
      message: `The group size must divide the discriminator's batch, batchSize / discriminatorPacking = ${packs}.`,
    };
  }
  if (wgan && (packing > 1 || group > 0)) {
    return {
      path: packing > 1 ? 'discriminatorPacking' : 'minibatchStddev',
      input: packing > 1 ? packing : group,
      message: 'Not available for the WGAN-GP critic (its gradient penalty is per example).',
    };
  }
  return undefined;
}

/** Deprecated spellings in {@link GanConfig}, kept for one release. */
export const GAN_CONFIG_ALIASES = {
  lr: 'learningRate',
  generatorLr: 'generatorLearningRate',
  discriminatorLr: 'discriminatorLearningRate',
} as const;

/**
 * The schema of {@link GanConfig}, with its deprecated aliases: it parses a config (an object
 * literal, a `--config` file, a checkpoint's manifest) into a {@link ResolvedGanConfig}. Its JSON
 * Schema is docs/schemas/gan/GanConfig.schema.json.
 *
 * @category Models
 */
export const ganConfigSchema = withDeprecatedAliases(
  ganFields.superRefine((config, context) => {
    const problem = combinationProblem(withDerivedDefaults(config));
    if (problem !== undefined) context.addIssue({ code: 'custom', path: [problem.path], input: problem.input, message: problem.message });
  }),
  GAN_CONFIG_ALIASES,
).transform(withDerivedDefaults);

/**
 * Configuration of a GAN, inferred from {@link ganConfigSchema} (the one place its fields are
 * described; docs/schemas/gan/GanConfig.schema.json lists them with their defaults). Every field
 * has a default: `kind` (dcgan; also cgan, wgan-gp), `imageShape` ([28, 28, 1]), `nz` (100), `ngf`
 * and `ndf` (64), `depth` (2 for 28x28, 3 for 32x32), `discriminatorNormalization` (batch; none for
 * wgan-gp), `classes` (10; cgan), `learningRate` (2e-4; 1e-4 for wgan-gp),
 * `generatorLearningRate` and `discriminatorLearningRate` (learningRate), `beta1` (0.5), `beta2`
 * (0.999; 0.9 for wgan-gp), `labelSmoothing` (0), `gradientPenalty` (10; wgan-gp), `criticSteps`
 * (1; 5 for wgan-gp), `batchSize` (64), `generatorEma` (0: off), `discriminatorTranslation` (0:
 * off), `discriminatorPacking` (1: off), `minibatchStddev` (false: off; see
 * {@link MinibatchStddev}). Deprecated aliases, accepted for one release (not together with the
 * new name): `lr`, `generatorLr`, `discriminatorLr`. Unknown keys are refused with the nearest
 * known one.
 *
 * @category Models
 */
export type GanConfig = z.input<typeof ganConfigSchema>;

/**
 * A {@link GanConfig} with every field filled in and checked (`minibatchStddev` as a group size, 0 when off).
 *
 * @category Models
 */
export type ResolvedGanConfig = z.output<typeof ganConfigSchema>;

/**
 * Fills the defaults of a {@link GanConfig} and checks every field and every combination, throwing
 * one `InvalidArgumentError` naming the field's path and the value: `GanConfig.nz` for `nz <= 0`,
 * `GanConfig.depth` for an image size that `2^depth` does not divide, `GanConfig.kind` for an
 * unknown kind, `GanConfig.batchSze` for a misspelt key (with "did you mean "batchSize"?"), and so on.
 *
 * @example
 * ```ts
 * const config = resolveGanConfig({ kind: 'dcgan', ngf: 32, ndf: 32 });
 * config.depth; // 2 (28 -> 14 -> 7)
 * ```
 * @category Models
 */
export function resolveGanConfig(config: GanConfig = {}): ResolvedGanConfig {
  return parseConfig(ganConfigSchema, config, 'GanConfig');
}
