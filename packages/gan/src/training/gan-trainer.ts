/**
 * Adversarial training steps for DCGAN, the conditional ACGAN and WGAN-GP, with explicit variable
 * lists per network (each optimizer only ever sees its own network's trainable variables).
 *
 * - DCGAN (Radford et al. 2015; PyTorch examples dcgan/main.py): per step, the discriminator is
 *   updated on a real batch (targets `1 - labelSmoothing`) and a fake batch made outside any
 *   gradient tape (PyTorch's `detach()`), BCE with logits; then the generator is updated with the
 *   non-saturating loss `BCE(D(G(z)), 1)` through the updated discriminator. As in PyTorch, the
 *   generator runs forward once per step: the discriminator's update runs inside the generator's
 *   gradient (tfjs records one tape for nested gradients), with respect to the discriminator's
 *   variables only, so the fake batch is a constant to it; the generator's gradient then flows
 *   from the updated discriminator back through that same forward pass. (Variables keep their
 *   identity when assigned, so the discriminator's update itself is not on the generator's
 *   gradient path.)
 * - ACGAN (Odena et al. 2017): the same, with the generator given a one-hot class and the
 *   discriminator also predicting the class of real and fake images (softmax cross-entropy).
 * - WGAN-GP (Gulrajani et al. 2017, Algorithm 1): `criticSteps` critic updates of
 *   `D(fake) - D(real) + lambda (||grad D(x_hat)|| - 1)^2` at random interpolates x_hat, then one
 *   generator update of `-D(G(z))`.
 *
 * With `discriminatorTranslation` every image the discriminator sees, in either update, is first
 * shifted by a random number of pixels (DiffAugment's translation; differentiable, so the generator
 * learns through it).
 *
 * With spectral normalization in the discriminator, one power-iteration step of every normalized
 * layer runs before each discriminator update and before the generator's use of the discriminator;
 * `u` and `v` are variables that only the power iteration assigns, so they are constants to every
 * gradient, as in the paper.
 *
 * Batch norm runs in training mode (batch statistics, running averages updated) in every training
 * pass and in inference mode (running averages) when sampling. Every step runs inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, InvalidArgumentError, fillStandardNormal, randomCrop } from '@bigmodel/core';

import { generatorInputSize, buildDiscriminator, buildGenerator } from '../models/networks';
import { isSpectralNormalized, type SpectralNormalized } from '../models/spectral-norm';
import { resolveGanConfig, type GanConfig, type ResolvedGanConfig } from '../models/gan-config';
import { STREAMS, streamRandom } from '../internal/random-streams';

/**
 * Which weights draw samples: the trained generator or its moving average (`GanConfig.generatorEma`).
 *
 * @category Training
 */
export type GeneratorNetwork = 'generator' | 'average';

/**
 * One real batch: images in [-1, 1] (NHWC) and, for the conditional GAN, their classes.
 *
 * @category Training
 */
export interface RealBatch {
  images: tf.Tensor4D;
  labels?: Uint8Array;
}

/**
 * Losses of one step (a generator update and the discriminator updates before it).
 *
 * @category Training
 */
export interface StepLosses {
  /** Discriminator (critic) loss of the last discriminator update. */
  discriminator: number;
  /** Generator loss. */
  generator: number;
  /** WGAN-GP: the gradient penalty term (lambda included) of the last critic update. */
  gradientPenalty?: number;
  /** WGAN-GP: the Wasserstein estimate `mean D(real) - mean D(fake)` of the last critic update. */
  wassersteinDistance?: number;
}

/**
 * The losses of one step still on the device (see {@link GanTrainer.trainStepTensors}): scalars
 * the caller owns, keyed like {@link StepLosses}.
 *
 * @category Training
 */
export type StepLossTensors = { [K in keyof StepLosses]: tf.Scalar };

/** The losses named `names` with their `values`, in StepLosses' field order. */
function stepLossesFrom(names: string[], values: number[]): StepLosses {
  const value = (name: string) => values[names.indexOf(name)];
  const out: StepLosses = { discriminator: value('discriminator'), generator: value('generator') };
  if (names.includes('gradientPenalty')) out.gradientPenalty = value('gradientPenalty');
  if (names.includes('wassersteinDistance')) out.wassersteinDistance = value('wassersteinDistance');
  return out;
}

/**
 * Reads the losses of several steps in one asynchronous read (the scalars are stacked on the
 * device first) and disposes the scalars. This is how a training loop on a GPU reads its losses:
 * one round trip for many steps.
 *
 * @example
 * ```ts
 * const pending = [trainer.trainStepTensors(batches1), trainer.trainStepTensors(batches2)];
 * const [first, second] = await readStepLosses(pending);
 * ```
 * @category Training
 */
export async function readStepLosses(steps: StepLossTensors[]): Promise<StepLosses[]> {
  const scalars = steps.flatMap((losses) => Object.values(losses) as tf.Scalar[]);
  if (scalars.length === 0) return [];
  const stacked = tf.stack(scalars);
  try {
    const values = Array.from(await stacked.data());
    let offset = 0;
    return steps.map((losses) => {
      const names = Object.keys(losses);
      const out = stepLossesFrom(names, values.slice(offset, offset + names.length));
      offset += names.length;
      return out;
    });
  } finally {
    tf.dispose([stacked, ...scalars]);
  }
}

/** Mean of `critic(x)`'s first column. */
function meanLogit(logits: tf.Tensor): tf.Scalar {
  return tf.mean(logits.shape[1] === 1 ? logits : tf.slice(logits, [0, 0], [-1, 1]));
}

/**
 * The WGAN-GP gradient penalty `lambda * mean_i (||d critic(x_hat_i) / d x_hat_i||_2 - 1)^2` at
 * `x_hat = epsilon * real + (1 - epsilon) * fake`, with `epsilon` one value per example. Written
 * with `tf.grad` so that its own gradient with respect to the critic's weights can be taken
 * (every op of the critic must have a second-order gradient; see {@link SmoothGradLeakyReLU}).
 *
 * @param critic maps images to `[batch, 1]` scores
 * @param epsilon `[batch]` interpolation weights in [0, 1]
 * @example
 * ```ts
 * const penalty = gradientPenalty((x) => critic.apply(x) as tf.Tensor, real, fake, tf.randomUniform([64]), 10);
 * ```
 * @category Training
 */
export function gradientPenalty(
  critic: (x: tf.Tensor) => tf.Tensor,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  epsilon: tf.Tensor1D,
  lambda: number,
): tf.Scalar {
  return tf.tidy(() => {
    const e = tf.reshape(epsilon, [-1, 1, 1, 1]);
    const interpolated = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.slice(critic(x), [0, 0], [-1, 1])))(interpolated);
    // The 1e-12 keeps sqrt's own gradient finite where a gradient vanishes.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient), [1, 2, 3]), 1e-12));
    return tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), lambda) as tf.Scalar;
  });
}

/**
 * One-hot rows of `labels` as float32 (built in JavaScript; wasm's OneHot ignores the dtype).
 *
 * @category Training
 */
export function oneHotFloat(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const values = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) values[i * classes + labels[i]] = 1;
  return tf.tensor2d(values, [labels.length, classes]);
}

/**
 * PacGAN's packing (Lin et al. 2018): `[batch, h, w, c]` images to `[batch / m, h, w, m * c]`
 * packs of `m` consecutive images concatenated along the channels (pack `p` holds images
 * `p * m ... p * m + m - 1`, image `j` of the pack in channels `j * c ... j * c + c - 1`).
 * Differentiable (a reshape and a transpose), so the generator learns through a packed discriminator.
 *
 * @example
 * ```ts
 * packImages(tf.zeros([64, 28, 28, 1]), 2); // [32, 28, 28, 2]
 * ```
 * @category Training
 */
export function packImages(images: tf.Tensor4D, m: number): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  if (!Number.isInteger(m) || m < 1 || batch % m !== 0) {
    throw new InvalidArgumentError({ parameter: 'm', value: m, message: `Must be a positive integer dividing the batch (${batch}).` });
  }
  return tf.tidy(() => {
    const members = tf.reshape(images, [batch / m, m, height * width, channels]);
    return tf.reshape(tf.transpose(members, [0, 2, 1, 3]), [batch / m, height, width, m * channels]);
  });
}

/**
 * The two networks, their Adam optimizers and the step counter of one GAN run.
 *
 * @example
 * ```ts
 * const trainer = GanTrainer.create({ kind: 'dcgan', ngf: 32, ndf: 32 }, 0);
 * const losses = trainer.trainStep([{ images: realBatch }]);
 * ```
 * @category Training
 */
export class GanTrainer {
  /** Generator updates done so far. */
  step = 0;
  /** The discriminator's trainable variables, the only ones its optimizer updates. */
  readonly discriminatorVariables: tf.Variable[];
  /** The generator's trainable variables, the only ones its optimizer updates. */
  readonly generatorVariables: tf.Variable[];
  /** The discriminator's spectrally normalized layers (none unless `discriminatorNormalization` is `spectral`). */
  private readonly spectralLayers: SpectralNormalized[];

  private constructor(
    readonly config: ResolvedGanConfig,
    readonly seed: number,
    readonly generator: tf.Sequential,
    readonly discriminator: tf.Sequential,
    readonly generatorOptimizer: Adam,
    readonly discriminatorOptimizer: Adam,
    /**
     * The moving average of the generator's weights (every weight, batch-norm running statistics
     * included) when `config.generatorEma > 0`: what {@link GanTrainer.generate} samples from.
     */
    readonly averageGenerator?: tf.Sequential,
  ) {
    this.generatorVariables = generator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.discriminatorVariables = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
    this.spectralLayers = discriminator.layers.flatMap((layer) => (isSpectralNormalized(layer) ? [layer] : []));
  }

  /**
   * Builds both networks (weights seeded from `seed`) and both optimizers (Adam with the config's
   * generatorLr / discriminatorLr and betas), and the averaged generator (starting equal to the generator) if the config asks
   * for one.
   */
  static create(config: GanConfig, seed: number): GanTrainer {
    const resolved = resolveGanConfig(config);
    const adam = (lr: number) => new Adam({ lr, beta1: resolved.beta1, beta2: resolved.beta2 });
    const generatorSeed = seed * 1000 + 1;
    // Built from the same seed, the average starts as an exact copy of the generator.
    const average = resolved.generatorEma > 0 ? buildGenerator(resolved, generatorSeed) : undefined;
    return new GanTrainer(
      resolved,
      seed,
      buildGenerator(resolved, generatorSeed),
      buildDiscriminator(resolved, seed * 1000 + 500),
      adam(resolved.generatorLr),
      adam(resolved.discriminatorLr),
      average,
    );
  }

  /** Noise `[count, nz]` drawn from the stream of (seed, purpose, counters). */
  noise(count: number, stream: number, ...counters: number[]): tf.Tensor2D {
    return tf.tensor2d(fillStandardNormal(new Float32Array(count * this.config.nz), streamRandom(this.seed, stream, ...counters)), [
      count,
      this.config.nz,
    ]);
  }

  /**
   * Samples for noise `z` (and classes, for the conditional GAN) in [-1, 1], batch norm in
   * inference mode, drawn by `network`: by default the averaged generator when the config keeps
   * one, else the generator.
   */
  generate(z: tf.Tensor2D, labels?: ArrayLike<number>, network?: GeneratorNetwork): tf.Tensor4D {
    if (network === 'average' && this.averageGenerator === undefined) {
      throw new InvalidArgumentError({
        parameter: 'network',
        value: network,
        message: 'This trainer keeps no average (config.generatorEma is 0).',
      });
    }
    const sampler = network === 'generator' ? this.generator : (this.averageGenerator ?? this.generator);
    return tf.tidy(() => sampler.apply(this.generatorInput(z, labels), { training: false }) as tf.Tensor4D);
  }

  /** The generator's training-mode output (batch statistics; running averages updated), for a discriminator update. */
  private fakeBatch(z: tf.Tensor2D, labels?: ArrayLike<number>): tf.Tensor4D {
    return tf.tidy(() => this.generator.apply(this.generatorInput(z, labels), { training: true }) as tf.Tensor4D);
  }

  private generatorInput(z: tf.Tensor2D, labels?: ArrayLike<number>): tf.Tensor2D {
    if (this.config.kind !== 'cgan') return z;
    if (labels === undefined || labels.length !== z.shape[0]) {
      throw new InvalidArgumentError({
        parameter: 'labels',
        value: labels === undefined ? undefined : `${labels.length} labels`,
        message: `The conditional GAN needs one class per noise row (${z.shape[0]}).`,
      });
    }
    return tf.concat([z, oneHotFloat(labels, this.config.classes)], 1);
  }

  /**
   * One training step: `criticSteps` discriminator updates (one per real batch given, so pass
   * exactly `criticSteps` batches) and one generator update. Every random draw comes from
   * (seed, step), so the same state and batches give the same update.
   *
   * Reads the losses back synchronously, which the webgpu backend cannot do: training loops use
   * {@link GanTrainer.trainStepTensors} and read the losses of several steps at once with
   * {@link readStepLosses} (one asynchronous read, no host round trip per step).
   */
  trainStep(batches: RealBatch[]): StepLosses {
    const tensors = this.trainStepTensors(batches);
    const out = stepLossesFrom(Object.keys(tensors), Array.from(tf.tidy(() => tf.stack(Object.values(tensors))).dataSync()));
    tf.dispose(Object.values(tensors));
    return out;
  }

  /**
   * {@link GanTrainer.trainStep} without reading anything back: the step's losses stay on the
   * device as scalars the caller owns (read them, many steps together, with {@link readStepLosses}).
   */
  trainStepTensors(batches: RealBatch[]): StepLossTensors {
    if (batches.length !== this.config.criticSteps) {
      throw new InvalidArgumentError({
        parameter: 'batches',
        value: `${batches.length} batches`,
        message: `trainStep needs criticSteps = ${this.config.criticSteps} real batches.`,
      });
    }
    const losses: Record<string, tf.Scalar> = tf.tidy(() => {
      if (this.config.kind !== 'wgan-gp' && this.config.criticSteps === 1) return this.adversarialUpdates(batches[0]);
      let last: Record<string, tf.Scalar> = {};
      batches.forEach((batch, k) => {
        tf.dispose(Object.values(last)); // the WGAN-GP extras are kept out of tidy; only the last update's are reported
        last = this.discriminatorUpdate(batch, k);
      });
      const generatorLoss = this.generatorUpdate(batches[0].images.shape[0]);
      return { ...last, generator: generatorLoss };
    });
    this.step++;
    this.updateAverage();
    return losses as unknown as StepLossTensors;
  }

  /** Classes for the fake images of update (step, k), uniform over the classes. */
  private fakeLabels(count: number, k: number): Uint8Array {
    const random = streamRandom(this.seed, STREAMS.labels, this.step, k);
    return Uint8Array.from({ length: count }, () => Math.floor(random() * this.config.classes));
  }

  /**
   * DCGAN and ACGAN with one discriminator update per step: the generator runs forward once, the
   * discriminator is updated on the real batch and that fake batch, and the generator is updated
   * through the updated discriminator by backpropagating into the same forward pass (PyTorch's
   * `fake.detach()` for the first update, `fake` for the second). The trainable weights come out
   * exactly as with a second generator forward on the same noise; the generator's batch-norm
   * running averages are updated once per step.
   */
  private adversarialUpdates(batch: RealBatch): Record<string, tf.Scalar> {
    const { kind } = this.config;
    const count = batch.images.shape[0];
    const z = this.noise(count, STREAMS.noise, this.step, 0);
    const labels = kind === 'cgan' ? this.fakeLabels(count, 0) : undefined;
    let discriminatorLoss: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const fake = this.generator.apply(this.generatorInput(z, labels), { training: true }) as tf.Tensor4D;
      // A gradient with respect to the discriminator's variables only: `fake` is a constant to it.
      discriminatorLoss = tf.keep(this.discriminatorUpdate(batch, 0, { fake, labels }).discriminator);
      this.spectralLayers.forEach((layer) => layer.powerIterate());
      return this.generatorLoss(this.discriminate(fake, 1, 0), labels);
    }, this.generatorVariables);
    this.generatorOptimizer.applyGradients(grads);
    return { discriminator: discriminatorLoss!, generator: value };
  }

  /**
   * One discriminator update on `batch` and a fake batch: `given` (made by the caller from noise
   * (step, 0)), or else one made here, outside any gradient tape, from noise (step, `k`).
   */
  private discriminatorUpdate(batch: RealBatch, k: number, given?: { fake: tf.Tensor4D; labels?: Uint8Array }): Record<string, tf.Scalar> {
    const { kind, labelSmoothing, classes } = this.config;
    this.spectralLayers.forEach((layer) => layer.powerIterate());
    const count = batch.images.shape[0];
    let fake: tf.Tensor4D;
    let fakeLabels: Uint8Array | undefined;
    if (given) {
      ({ fake, labels: fakeLabels } = given);
    } else {
      fakeLabels = kind === 'cgan' ? this.fakeLabels(count, k) : undefined;
      // Made outside the gradient tape: the discriminator's update does not reach the generator.
      fake = this.fakeBatch(this.noise(count, STREAMS.noise, this.step, k), fakeLabels);
    }
    let call = 0;
    const d = (x: tf.Tensor) => this.discriminate(x, k, call++);
    const extra: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      if (kind === 'wgan-gp') {
        const random = streamRandom(this.seed, STREAMS.epsilon, this.step, k);
        const epsilon = tf.tensor1d(Float32Array.from({ length: count }, () => random()));
        const distance: tf.Scalar = tf.sub(meanLogit(d(batch.images)), meanLogit(d(fake)));
        const penalty = gradientPenalty(d, batch.images, fake, epsilon, this.config.gradientPenalty);
        extra['wassersteinDistance'] = tf.keep(distance);
        extra['gradientPenalty'] = tf.keep(penalty);
        return tf.add(tf.neg(distance), penalty) as tf.Scalar;
      }
      const realLogits = d(batch.images);
      const fakeLogits = d(fake);
      const adversarial = (logits: tf.Tensor2D, target: number) => {
        const column = tf.slice(logits, [0, 0], [-1, 1]);
        return tf.losses.sigmoidCrossEntropy(tf.fill(column.shape, target), column);
      };
      let loss = tf.add(adversarial(realLogits, 1 - labelSmoothing), adversarial(fakeLogits, 0));
      if (kind === 'cgan') {
        const classLoss = (logits: tf.Tensor2D, labels: ArrayLike<number>) =>
          tf.losses.softmaxCrossEntropy(oneHotFloat(labels, classes), this.classLogits(logits));
        if (batch.labels === undefined)
          throw new InvalidArgumentError({
            parameter: 'batches',
            value: undefined,
            message: 'The conditional GAN needs the labels of every real batch.',
          });
        loss = tf.add(loss, tf.add(classLoss(realLogits, batch.labels), classLoss(fakeLogits, fakeLabels!)));
      }
      return loss as tf.Scalar;
    }, this.discriminatorVariables);
    this.discriminatorOptimizer.applyGradients(grads);
    return { discriminator: value, ...extra };
  }

  /**
   * The discriminator (training mode) on `images`, translated first when `discriminatorTranslation`
   * is on: the draws come from (step, update `k`, call), so a resumed run shifts the same way.
   * Shifting `images + 1` with zero padding and subtracting 1 fills the border with -1.
   */
  private discriminate(images: tf.Tensor, k: number, call: number): tf.Tensor2D {
    const padding = Math.round(this.config.discriminatorTranslation * this.config.imageShape[0]);
    const packing = this.config.discriminatorPacking;
    const pack = (x: tf.Tensor) => (packing === 1 ? x : packImages(x as tf.Tensor4D, packing));
    if (padding === 0) return this.discriminator.apply(pack(images), { training: true }) as tf.Tensor2D;
    const random = streamRandom(this.seed, STREAMS.translation, this.step, k, call);
    const shifted = tf.sub(randomCrop(tf.add(images, 1) as tf.Tensor4D, { padding, random }), 1);
    return this.discriminator.apply(pack(shifted), { training: true }) as tf.Tensor2D;
  }

  /** The ACGAN's class logits, one row per image (a packed discriminator gives `discriminatorPacking` rows per pack, in pack order). */
  private classLogits(logits: tf.Tensor2D): tf.Tensor2D {
    const { classes } = this.config;
    return tf.reshape(tf.slice(logits, [0, 1], [-1, logits.shape[1] - 1]), [-1, classes]);
  }

  private generatorUpdate(count: number): tf.Scalar {
    const { kind } = this.config;
    // The same z and classes as the first discriminator update of this step (PyTorch reuses that fake batch).
    const z = this.noise(count, STREAMS.noise, this.step, 0);
    const labels = kind === 'cgan' ? this.fakeLabels(count, 0) : undefined;
    this.spectralLayers.forEach((layer) => layer.powerIterate());
    const { value, grads } = tf.variableGrads(() => {
      const fake = this.generator.apply(this.generatorInput(z, labels), { training: true }) as tf.Tensor4D;
      const logits = this.discriminate(fake, this.config.criticSteps, 0);
      return kind === 'wgan-gp' ? tf.neg(meanLogit(logits)) : this.generatorLoss(logits, labels);
    }, this.generatorVariables);
    this.generatorOptimizer.applyGradients(grads);
    return value;
  }

  /**
   * The DCGAN / ACGAN generator's loss on the discriminator's `logits` for its fake batch: the
   * non-saturating `BCE(D(G(z)), 1)`, plus for the ACGAN the class loss of the requested `labels`.
   */
  private generatorLoss(logits: tf.Tensor2D, labels?: Uint8Array): tf.Scalar {
    const column = tf.slice(logits, [0, 0], [-1, 1]);
    const adversarial = tf.losses.sigmoidCrossEntropy(tf.onesLike(column), column);
    if (this.config.kind !== 'cgan') return adversarial as tf.Scalar;
    return tf.add(
      adversarial,
      tf.losses.softmaxCrossEntropy(oneHotFloat(labels!, this.config.classes), this.classLogits(logits)),
    ) as tf.Scalar;
  }

  /**
   * Moves the averaged generator toward the generator: `average = d * average + (1 - d) * weight`
   * for every weight, with `d = min(generatorEma, (1 + step) / (10 + step))`.
   */
  private updateAverage(): void {
    if (this.averageGenerator === undefined) return;
    const decay = Math.min(this.config.generatorEma, (1 + this.step) / (10 + this.step));
    const weights = this.generator.weights;
    tf.tidy(() => {
      this.averageGenerator!.weights.forEach((average, i) => {
        const variable = average.read() as tf.Variable;
        variable.assign(tf.add(tf.mul(variable, decay), tf.mul(weights[i].read(), 1 - decay)));
      });
    });
  }

  /** The generator input size (nz, plus the classes for the conditional GAN). */
  get generatorInputSize(): number {
    return generatorInputSize(this.config);
  }

  /** Frees both networks and both optimizers. */
  dispose(): void {
    this.generator.dispose();
    this.averageGenerator?.dispose();
    this.discriminator.dispose();
    this.generatorOptimizer.dispose();
    this.discriminatorOptimizer.dispose();
  }

  /** @internal Used by checkpoint loading: a trainer around restored parts. */
  static assemble(config: ResolvedGanConfig, seed: number, step: number): GanTrainer {
    const trainer = GanTrainer.create(config, seed);
    trainer.step = step;
    return trainer;
  }
}
