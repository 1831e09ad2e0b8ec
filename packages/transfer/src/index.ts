/**
 * `@bigmodel/transfer`: fine-tuning pretrained models the way Keras, fastai and timm users expect.
 *
 * - {@link loadBase}: a saved model directory or `zoo:<name>`, a model zoo trained by the package's
 *   own reproducible script ({@link zooNames}, {@link zooMetadata}).
 * - {@link freeze} / {@link unfreeze} by name, index, range or predicate, with recompilation,
 *   parameter counts and frozen batch-norm statistics ({@link setBatchNormPolicy}).
 * - {@link replaceHead}, {@link featureExtractor}, {@link cacheFeatures}.
 * - {@link fineTune}: head only, two-phase, gradual unfreezing, full; {@link paramGroupOptimizer} for
 *   discriminative learning rates and weight decay without biases and normalization parameters.
 *
 * @packageDocumentation
 */
export { createCifarCnn, createDigitsCnn, type ZooNetworkOptions } from './zoo/architectures';
export { loadBase, zooMetadata, zooNames, type BaseModel, type ZooMetadata } from './zoo/load-base';
export { layerBlocks, selectLayers, type LayerSelector } from './freeze/select-layers';
export {
  batchNormPolicyOf,
  freeze,
  parameterCounts,
  recompile,
  setBatchNormPolicy,
  unfreeze,
  type BatchNormPolicy,
  type ParameterCounts,
} from './freeze/freeze';
export {
  MAX_HEAD_CLASSES,
  MAX_HEAD_LAYERS,
  MAX_HEAD_UNITS,
  defaultCutLayer,
  disposeUnusedLayers,
  featureExtractor,
  replaceHead,
  type ReplaceHeadOptions,
} from './head/replace-head';
export { cacheFeatures, checkInputShape, evaluateAccuracy } from './training/features';
export { decayToPretrained, type Anchor } from './training/decay-to-pretrained';
export {
  GroupedOptimizer,
  isNoDecayWeight,
  paramGroupOptimizer,
  paramGroupOptimizerConfigSchema,
  type ParamGroupOptimizerConfig,
  type ParameterGroup,
} from './training/grouped-optimizer';
export {
  FINE_TUNE_STRATEGIES,
  fineTune,
  fineTuneConfigSchema,
  resolveFineTuneConfig,
  type FineTuneConfig,
  type FineTunePhase,
  type FineTuneResult,
  type FineTuneStrategy,
} from './training/fine-tune';
export { SYNTHETIC_SHAPE_CLASSES, syntheticShapesCifar } from './data/synthetic-shapes';
export { mnistTarget, loadImageFolder, loadTargetData, type TargetData } from './data/target-data';
