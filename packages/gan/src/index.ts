/**
 * `@bigmodel/gan`: DCGAN, a conditional GAN (ACGAN) and WGAN-GP on TensorFlow.js, with
 * checkpoints that resume exactly, and TF-GAN's MNIST sample-quality metrics (classifier score,
 * Frechet distance, mode coverage) computed with a classifier this package trains and ships.
 *
 * @packageDocumentation
 */
export {
  DISCRIMINATOR_NORMALIZATIONS,
  GAN_KINDS,
  MAX_GAN_CHANNELS,
  MAX_GAN_CLASSES,
  MAX_GAN_IMAGE_SIZE,
  MAX_GAN_NZ,
  MAX_GAN_PROJECTION_WEIGHTS,
  MAX_GAN_WIDTH,
  ganConfigSchema,
  resolveGanConfig,
  type DiscriminatorNormalization,
  type GanConfig,
  type GanKind,
  type ResolvedGanConfig,
} from './models/gan-config';
export {
  SpectralNormConv2D,
  SpectralNormDense,
  SpectralNormLayer,
  isSpectralNormalized,
  type SpectralNormConv2DArgs,
  type SpectralNormDenseArgs,
  type SpectralNormalized,
} from './models/spectral-norm';
export { MinibatchStddev, SmoothGradLeakyReLU, buildDiscriminator, buildGenerator, generatorInputSize } from './models/networks';
export { conditionalInput, generatorInput, oneHotFloat } from './models/generator-input';
export { GanTrainer, type GeneratorNetwork } from './training/gan-trainer';
export type { GanState, GanStep, RealBatch } from './training/gan-step';
export { readStepLosses, type StepLosses, type StepLossTensors } from './training/step-losses';
export { dcganStep } from './dcgan/dcgan-step';
export { acganStep } from './acgan/acgan-step';
export { wganGpStep } from './wgan-gp/wgan-gp-step';
export { gradientPenalty } from './wgan-gp/gradient-penalty';
export { updateGeneratorAverage } from './tricks/generator-ema';
export { packImages } from './tricks/packing';
export { powerIterate } from './tricks/spectral-power-iteration';
export { translateImages, translationPadding } from './tricks/translation';
export { mnistGanData, readGanData, toGanData, type GanData } from './training/gan-data';
export { stepsPerEpoch, trainGan, type TrainGanOptions, type TrainGanResult } from './training/train-gan';
export { fixedSamples, writeSampleGrid } from './training/sample-grid';
export { hasGanCheckpoint, loadGanCheckpoint, saveGanCheckpoint, type LoadGanCheckpointOptions } from './io/gan-checkpoint';
export { imageGrid } from './io/image-grid';
export {
  DEFAULT_CLASSIFIER_DIR,
  FEATURE_LAYER,
  createMnistClassifier,
  loadMnistClassifier,
  trainMnistClassifier,
  type TrainClassifierOptions,
  type TrainedClassifier,
} from './metrics/mnist-classifier';
export {
  classifierScore,
  classify,
  featureStatistics,
  frechetDistance,
  modeCoverage,
  sampleQuality,
  type ClassifierOutputs,
  type FeatureStatistics,
  type ModeCoverage,
  type SampleQuality,
} from './metrics/sample-quality';
export { mnistReferenceStatistics, realMnistQuality } from './metrics/mnist-reference';
export { generateSamples, type GenerateSamplesOptions } from './metrics/generate-samples';
export { writeInterpolationGrid } from './training/interpolation-grid';
export { decodeNpy, encodeNpy } from './io/npy';
