export { BigModelOptimizer, optimizerBaseSchema, type NamedTensor, type OptimizerBaseConfig } from './bigmodel-optimizer';
export { Sgd, resolveSgdConfig, sgdConfigSchema, type SgdConfig } from './sgd';
export { Adam, adamConfigSchema, resolveAdamConfig, type AdamConfig } from './adam';
export { AdamW } from './adamw';
export { Rmsprop, resolveRmspropConfig, rmspropConfigSchema, type RmspropConfig } from './rmsprop';
export { Adagrad, adagradConfigSchema, resolveAdagradConfig, type AdagradConfig } from './adagrad';
export {
  cosineWithWarmup,
  exponentialDecay,
  linearDecay,
  oneCycle,
  scheduleFromConfig,
  stepDecay,
  type LearningRateSchedule,
} from './schedules';
