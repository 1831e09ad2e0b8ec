export {
  accuracy,
  accuracyAsync,
  confusionMatrix,
  confusionMatrixAsync,
  precisionRecallF1,
  topKAccuracy,
  topKAccuracyAsync,
  type PrecisionRecallF1,
} from './classification-metrics';
