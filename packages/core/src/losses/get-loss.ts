import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { binaryCrossEntropy } from './binary-cross-entropy';
import { categoricalCrossEntropy } from './categorical-cross-entropy';
import { halfSquaredError } from './half-squared-error';
import { hingeLoss } from './hinge-loss';
import { huberLoss } from './huber-loss';
import { klDivergence } from './kl-divergence';
import { meanAbsoluteError } from './mean-absolute-error';
import { meanSquaredError } from './mean-squared-error';
import { smoothL1Loss } from './smooth-l1-loss';
import { sparseCategoricalCrossEntropy } from './sparse-categorical-cross-entropy';

type AnyLoss = (yTrue: tf.Tensor, yPred: tf.Tensor, options: Record<string, unknown>) => tf.Tensor;

const LOSSES: Record<string, AnyLoss> = {
  meanSquaredError,
  halfSquaredError,
  meanAbsoluteError,
  huberLoss,
  smoothL1Loss,
  categoricalCrossEntropy,
  sparseCategoricalCrossEntropy,
  binaryCrossEntropy,
  klDivergence,
  hingeLoss,
} as Record<string, AnyLoss>;

/**
 * The names {@link getLoss} knows.
 *
 * @category Losses
 */
export const LOSS_NAMES = Object.keys(LOSSES);

/**
 * A loss by name, as a `(yTrue, yPred) => terms` function for `model.compile` (reduction `none`;
 * tfjs-layers averages the terms and applies sample weights) or for custom loops. Note that
 * tfjs-layers' `fit` requires targets shaped like the model's output, so sparse labels
 * (`sparseCategoricalCrossEntropy`) belong in custom loops.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: getLoss('categoricalCrossEntropy', { labelSmoothing: 0.1 }) });
 * ```
 * @category Losses
 */
export function getLoss(name: string, options: Record<string, unknown> = {}): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const loss = LOSSES[name];
  if (!loss) {
    throw new InvalidArgumentError({ parameter: 'name', value: name, message: `Unknown loss; expected one of ${LOSS_NAMES.join(', ')}.` });
  }
  return (yTrue, yPred) => loss(yTrue, yPred, { ...options, reduction: 'none' });
}
