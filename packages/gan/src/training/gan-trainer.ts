/**
 * The public face of a GAN run: the two networks, their Adam optimizers (each only ever sees its
 * own network's trainable variables), the step counter, and the step function of the config's
 * algorithm, picked once:
 *
 * - `dcgan`: {@link dcganStep} (`dcgan/dcgan-step.ts`),
 * - `cgan`: {@link acganStep} (`acgan/acgan-step.ts`),
 * - `wgan-gp`: {@link wganGpStep} (`wgan-gp/wgan-gp-step.ts`).
 *
 * A step runs inside `tf.tidy`; after it the trainer counts the step and, when the config keeps
 * one, moves the generator's average (`tricks/generator-ema.ts`). Batch norm runs in training mode
 * (batch statistics, running averages updated) in every training pass and in inference mode
 * (running averages) when sampling. The epoch loop around it is {@link trainGan}.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam, InvalidArgumentError } from '@bigmodel/core';

import { acganStep } from '../acgan/acgan-step';
import { dcganStep } from '../dcgan/dcgan-step';
import { resolveGanConfig, type GanConfig, type GanKind, type ResolvedGanConfig } from '../models/gan-config';
import { generatorInput } from '../models/generator-input';
import { generatorInputSize, buildDiscriminator, buildGenerator } from '../models/networks';
import { streamNoise } from '../internal/random-streams';
import { updateGeneratorAverage } from '../tricks/generator-ema';
import { wganGpStep } from '../wgan-gp/wgan-gp-step';
import type { GanStep, GanState, RealBatch } from './gan-step';
import { stepLossesFrom, type StepLosses, type StepLossTensors } from './step-losses';

/**
 * Which weights draw samples: the trained generator or its moving average (`GanConfig.generatorEma`).
 *
 * @category Training
 */
export type GeneratorNetwork = 'generator' | 'average';

/** The step function of each algorithm. */
const GAN_STEPS: Record<GanKind, GanStep> = { dcgan: dcganStep, cgan: acganStep, 'wgan-gp': wganGpStep };

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
export class GanTrainer implements GanState {
  /** Generator updates done so far. */
  step = 0;
  /** The discriminator's trainable variables, the only ones its optimizer updates. */
  readonly discriminatorVariables: tf.Variable[];
  /** The generator's trainable variables, the only ones its optimizer updates. */
  readonly generatorVariables: tf.Variable[];
  /** The config's algorithm: {@link dcganStep}, {@link acganStep} or {@link wganGpStep}. */
  private readonly stepFunction: GanStep;

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
    this.stepFunction = GAN_STEPS[config.kind];
  }

  /**
   * Builds both networks (weights seeded from `seed`) and both optimizers (Adam with the config's
   * generatorLearningRate / discriminatorLearningRate and betas), and the averaged generator (starting equal to
   * the generator) if the config asks for one.
   */
  static create(config: GanConfig, seed: number): GanTrainer {
    const resolved = resolveGanConfig(config);
    const adam = (learningRate: number) => new Adam({ learningRate, beta1: resolved.beta1, beta2: resolved.beta2 });
    const generatorSeed = seed * 1000 + 1;
    // Built from the same seed, the average starts as an exact copy of the generator.
    const average = resolved.generatorEma > 0 ? buildGenerator(resolved, generatorSeed) : undefined;
    return new GanTrainer(
      resolved,
      seed,
      buildGenerator(resolved, generatorSeed),
      buildDiscriminator(resolved, seed * 1000 + 500),
      adam(resolved.generatorLearningRate),
      adam(resolved.discriminatorLearningRate),
      average,
    );
  }

  /** Noise `[count, nz]` drawn from the stream of (seed, purpose, counters). */
  noise(count: number, stream: number, ...counters: number[]): tf.Tensor2D {
    return streamNoise(this.seed, this.config.nz, count, stream, ...counters);
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
    return tf.tidy(() => sampler.apply(generatorInput(this.config, z, labels), { training: false }) as tf.Tensor4D);
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
    const stacked = tf.stack(Object.values(tensors)); // one read for all the losses
    const out = stepLossesFrom(Object.keys(tensors), Array.from(stacked.dataSync()));
    tf.dispose([stacked, ...Object.values(tensors)]);
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
    const losses = tf.tidy(() => this.stepFunction(this, batches));
    this.step++;
    if (this.averageGenerator !== undefined) {
      updateGeneratorAverage(this.averageGenerator, this.generator, this.config.generatorEma, this.step);
    }
    return losses as unknown as StepLossTensors;
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
