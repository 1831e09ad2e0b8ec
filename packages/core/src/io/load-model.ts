import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { fileSystemHandler } from './file-system-handler';

/** Options for {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * The loss, when the model was compiled with a loss function (e.g. `getLoss(...)`): tfjs saves
   * loss names only. The model is recompiled with it, keeping the restored optimizer and its state.
   */
  loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
  /** Metrics to compile with, together with `loss`. */
  metrics?: string[];
}

/**
 * Loads a LayersModel saved in directory `dir` (by {@link saveModel}, or any tfjs save in that
 * format). A model saved with its optimizer comes back compiled, optimizer state included (give
 * `options.loss` again if it was compiled with a loss function). Missing or corrupt files raise a
 * FileFormatError naming the file.
 *
 * @example
 * ```ts
 * const model = await loadModel('models/cnn');
 * model.predict(tf.zeros([1, 28, 28, 1]));
 * ```
 * @category IO
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<tf.LayersModel> {
  const model = await tf.loadLayersModel(fileSystemHandler(dir));
  if (options.loss !== undefined) {
    // tfjs saves only loss names; a loss function has to be given again. The restored optimizer (and its state) stays.
    if (!model.optimizer) throw new InvalidArgumentError({ parameter: 'options.loss', value: 'function', message: `${dir} was saved without its optimizer; compile the model yourself.` });
    model.compile({ optimizer: model.optimizer, loss: options.loss, metrics: options.metrics });
  }
  return model;
}
