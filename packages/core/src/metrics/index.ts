export { accuracy, confusionMatrix, precisionRecallF1, topKAccuracy, type PrecisionRecallF1 } from './classification-metrics';
