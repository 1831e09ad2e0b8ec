import type * as tf from '@tensorflow/tfjs';

import { fileSystemHandler } from './file-system-handler';

/**
 * Saves a LayersModel to directory `dir` in TensorFlow.js' format (model.json + weight shards),
 * crash-safely, optionally with its optimizer's state so that training resumes exactly.
 *
 * @example
 * ```ts
 * await saveModel(model, 'models/cnn', { includeOptimizer: true });
 * ```
 * @category IO
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: { includeOptimizer?: boolean } = {}): Promise<void> {
  await model.save(fileSystemHandler(dir), { includeOptimizer: options.includeOptimizer ?? false });
}
