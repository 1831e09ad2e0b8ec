export { loadMnist, mnistToTensors, type LabeledImages, type LoadMnistOptions, type MnistData } from './mnist';
