import * as tf from '@tensorflow/tfjs';

import { fileSystemHandler } from './file-system-handler';

/**
 * Loads a LayersModel saved in directory `dir` (by {@link saveModel}, or any tfjs save in that
 * format). A model saved with its optimizer comes back compiled, optimizer state included. Missing
 * or corrupt files raise a FileFormatError naming the file.
 *
 * @example
 * ```ts
 * const model = await loadModel('models/cnn');
 * model.predict(tf.zeros([1, 28, 28, 1]));
 * ```
 * @category IO
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileSystemHandler(dir));
}
