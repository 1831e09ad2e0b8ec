export {
  bestCheckpoint,
  earlyStopping,
  learningRateScheduler,
  terminateOnNaN,
  type Callback,
  type EpochLogs,
  type TrainingContext,
} from './callbacks';
export { fit, fitConfigSchema, resumeFit, type CustomModel, type FitConfig, type FitHistory } from './fit';
export { JsonlLogger, type MetricsLogger } from './jsonl-logger';
