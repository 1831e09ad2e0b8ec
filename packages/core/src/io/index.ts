export { fileSystemHandler } from './file-system-handler';
export { loadModel, type LoadModelOptions } from './load-model';
export { saveModel } from './save-model';
export { writeFileAtomic } from './write-file-atomic';
export { writePng, type RgbImage } from './write-png';
export { resolveContainedPath, type ContainedPathOptions } from './resolve-contained-path';
export { readContainedFile, type ReadContainedFileOptions } from './read-contained-file';
export { DEFAULT_MAX_FILE_BYTES, readRegularFile } from './read-regular-file';
export { DEFAULT_MAX_PNG_PIXELS, pngSize } from './png-size';
