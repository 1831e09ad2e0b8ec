export { loadMnist, mnistToTensors, type LabeledImages, type LoadMnistOptions, type MnistData } from './mnist';
export { TensorDataset, type Batch, type BatchOptions, type SplitFractions } from './tensor-dataset';
export { fitNormalizer, Normalizer, type NormalizerConfig } from './normalizer';
export {
  randomAffine,
  randomCrop,
  randomElastic,
  randomHorizontalFlip,
  randomScale,
  type RandomAffineOptions,
  type RandomElasticOptions,
} from './augmentation';
export { CIFAR10_CLASSES, decodeCifar10, loadCifar10 } from './cifar10';
export { StreamDataset, type StreamBatchOptions, type StreamExample } from './stream-dataset';
