import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { fileSystemHandler } from './file-system-handler';

/**
 * Options for {@link loadModel}.
 *
 * @category IO
 */
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
  return modelFromArtifacts(await fileSystemHandler(dir).load!(), options, dir);
}

/**
 * The model that `artifacts` (model topology, training config, weights and optimizer weights) describe,
 * compiled with its restored optimizer when it has one; `source` names them in errors. See {@link loadModel}.
 */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  options: LoadModelOptions,
  source: string,
): Promise<tf.LayersModel> {
  const dir = source;
  const training = artifacts.trainingConfig;
  // tfjs writes a loss function as {}: the model cannot train until it is given again.
  const lostFunction =
    training?.loss != null && typeof training.loss === 'object' && !Array.isArray(training.loss) && Object.keys(training.loss).length === 0;
  if (lostFunction && training) {
    if (options.loss === undefined) {
      throw new InvalidArgumentError({
        parameter: 'options.loss',
        value: undefined,
        message: `${dir} was compiled with a loss function, which tfjs does not save; pass it again as options.loss.`,
      });
    }
    training.loss = 'meanSquaredError'; // a stand-in for tfjs to compile with; replaced just below
  }
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  if (options.loss !== undefined) {
    // tfjs saves only loss names; a loss function has to be given again. The restored optimizer (and its state) stays.
    if (!model.optimizer)
      throw new InvalidArgumentError({
        parameter: 'options.loss',
        value: 'function',
        message: `${dir} was saved without its optimizer; compile the model yourself.`,
      });
    model.compile({
      optimizer: model.optimizer,
      loss: options.loss,
      metrics: options.metrics ?? (training?.metrics as string[] | undefined),
    });
  }
  return model;
}
