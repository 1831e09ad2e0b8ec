/**
 * `@bigmodel/core`: the engine every bigmodel package stands on.
 *
 * - {@link initBackend}: pick the best TensorFlow.js backend that loads (tfjs-node-gpu, tfjs-node,
 *   wasm, cpu), or force one.
 * - {@link registerWasmKernels}: the training kernels that make the wasm backend complete and fast.
 * - Errors with one root, {@link BigModelError}.
 *
 * @packageDocumentation
 */
export {
  BACKEND_NAMES,
  formatBackendInfo,
  formatWebGpuAdapter,
  initBackend,
  parseBackendName,
  type BackendInfo,
  type BackendName,
  type InitBackendOptions,
  type WebGpuAdapterInfo,
} from './backend';
export { BackendError, BigModelError, ConnectionError, FileFormatError, InvalidArgumentError, NumericalError, ShapeError } from './errors';
export {
  choiceOption,
  cliAction,
  CliCommand,
  cliProgram,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  integerOption,
  nearestName,
  numberOption,
  parseCliInput,
  parseInteger,
  parseNumber,
  processIo,
  readInputFile,
  readJsonObjectFile,
  deprecatedFlag,
  markRefusedEarly,
  DEFAULT_MAX_INPUT_BYTES,
  runCli,
  runMain,
  UsageError,
  type CliInput,
  type CliIo,
  type CliStream,
  type IntegerRange,
  type NumberRange,
} from './cli-kit';
export { configJsonSchema, parseConfig, withDeprecatedAliases, type AliasedInput, type JsonSchema } from './config';
/**
 * zod's `z` (zod 4), re-exported for config schemas: packages built on core write theirs with the
 * zod that {@link parseConfig} reads them with. Its API is zod's (https://zod.dev), not documented here.
 *
 * @hidden
 */
export { z } from './config';
export { registerWasmKernels, type RegisterWasmKernelsOptions, type WasmKernelReport } from './kernels';
export {
  CIFAR10_CLASSES,
  decodeCifar10,
  fitNormalizer,
  loadCifar10,
  loadMnist,
  mnistToTensors,
  Normalizer,
  randomAffine,
  randomCrop,
  randomElastic,
  randomHorizontalFlip,
  randomScale,
  StreamDataset,
  TensorDataset,
  type Batch,
  type BatchOptions,
  type LabeledImages,
  type LoadMnistOptions,
  type MnistData,
  type NormalizerConfig,
  type RandomAffineOptions,
  type RandomElasticOptions,
  type SplitFractions,
  type StreamBatchOptions,
  type StreamExample,
} from './data';
export { createReferenceCnn } from './models';
export { lazyGradConv2d, LazyGradConv2D, lazyGradDense, LazyGradDense, type LazyGradConv2DArgs, type LazyGradDenseArgs } from './layers';
export { deriveSeed, fillStandardNormal, mulberry32, Rng, shuffleInPlace, standardNormal } from './random';
export {
  Adagrad,
  adagradConfigSchema,
  Adam,
  adamConfigSchema,
  AdamW,
  BigModelOptimizer,
  optimizerBaseSchema,
  rmspropConfigSchema,
  sgdConfigSchema,
  cosineWithWarmup,
  exponentialDecay,
  linearDecay,
  oneCycle,
  resolveAdagradConfig,
  resolveAdamConfig,
  resolveRmspropConfig,
  resolveSgdConfig,
  Rmsprop,
  scheduleFromConfig,
  Sgd,
  stepDecay,
  type AdagradConfig,
  type AdamConfig,
  type LearningRateSchedule,
  type NamedTensor,
  type OptimizerBaseConfig,
  type RmspropConfig,
  type SgdConfig,
} from './optimizers';
export {
  binaryCrossEntropy,
  categoricalCrossEntropy,
  getLoss,
  halfSquaredError,
  hingeLoss,
  huberLoss,
  klDivergence,
  LOSS_NAMES,
  meanAbsoluteError,
  meanSquaredError,
  smoothL1Loss,
  sparseCategoricalCrossEntropy,
  type CrossEntropyOptions,
  type LossOptions,
  type Reduction,
  type TensorInput,
} from './losses';
export { l1, L1L2, l2 } from './regularizers';
export {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_PNG_PIXELS,
  fileSystemHandler,
  loadModel,
  openForAppend,
  pngSize,
  readContainedFile,
  readRegularFile,
  resolveContainedPath,
  saveModel,
  writeFileAtomic,
  writePng,
  type ContainedPathOptions,
  type LoadModelOptions,
  type ReadContainedFileOptions,
  type RgbImage,
} from './io';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_SECTIONS,
  CHECKPOINT_VERSION,
  checkpointArrays,
  checkpointTensor,
  hasCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointArray,
  type CheckpointDtype,
  type CheckpointSection,
  type ReadCheckpointOptions,
} from './checkpoint';
export {
  accuracy,
  accuracyAsync,
  confusionMatrix,
  confusionMatrixAsync,
  precisionRecallF1,
  topKAccuracy,
  topKAccuracyAsync,
  type PrecisionRecallF1,
} from './metrics';
export {
  bestCheckpoint,
  earlyStopping,
  fit,
  fitConfigSchema,
  JsonlLogger,
  learningRateScheduler,
  resumeFit,
  terminateOnNaN,
  type Callback,
  type CustomModel,
  type EpochLogs,
  type FitConfig,
  type FitHistory,
  type MetricsLogger,
  type TrainingContext,
} from './training';
export { predictClasses, predictClassesAsync, readPng, type ClassPrediction } from './predict';
export { RMSprop, SGD, linearSchedule } from './deprecated';
