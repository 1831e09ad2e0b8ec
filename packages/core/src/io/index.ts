export { fileSystemHandler } from './file-system-handler';
export { loadModel, type LoadModelOptions } from './load-model';
export { saveModel } from './save-model';
export { writeFileAtomic } from './write-file-atomic';
export { writePng, type RgbImage } from './write-png';
