export { BigModelOptimizer, type NamedTensor, type OptimizerBaseConfig } from './bigmodel-optimizer';
export { Sgd, resolveSgdConfig, type SgdConfig } from './sgd';
export { Adam, resolveAdamConfig, type AdamConfig } from './adam';
export { AdamW } from './adamw';
export { Rmsprop, resolveRmspropConfig, type RmspropConfig } from './rmsprop';
export { Adagrad, resolveAdagradConfig, type AdagradConfig } from './adagrad';
export {
  cosineWithWarmup,
  exponentialDecay,
  linearDecay,
  oneCycle,
  scheduleFromConfig,
  stepDecay,
  type LearningRateSchedule,
} from './schedules';
