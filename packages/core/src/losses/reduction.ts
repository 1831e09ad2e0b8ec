import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';

/**
 * How a loss combines its terms: `none` keeps them (per element or per sample, as each loss says), `mean` or `sum` give a scalar.
 *
 * @category Losses
 */
export type Reduction = 'none' | 'mean' | 'sum';

/**
 * Options every loss takes.
 *
 * @category Losses
 */
export interface LossOptions {
  /** Default `mean`. */
  reduction?: Reduction;
}

/**
 * A tensor, or values `tf.tensor` accepts.
 *
 * @category Losses
 */
export type TensorInput = tf.Tensor | tf.TensorLike;

/**
 * Converts a loss argument to a tensor (float32 unless `dtype` says otherwise).
 *
 * @category Losses
 */
export function toTensor(value: TensorInput, parameter: string, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  if (value instanceof tf.Tensor) return value.dtype === dtype ? value : value.cast(dtype);
  try {
    return tf.tensor(value as tf.TensorLike, undefined, dtype);
  } catch (cause) {
    throw new InvalidArgumentError({ parameter, value, message: 'Expected a tensor or nested numeric arrays.', cause });
  }
}

/**
 * Throws a ShapeError unless `a` and `b` have one shape.
 *
 * @category Losses
 */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, names: [string, string]): void {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new ShapeError({ parameter: names[1], expected: `the shape of ${names[0]} [${a.shape.join(', ')}]`, actual: b.shape });
  }
}

/**
 * Applies `reduction` to loss terms; `mean` divides by `denominator` when given (weighted means).
 *
 * @category Losses
 */
export function reduce(terms: tf.Tensor, reduction: Reduction = 'mean', denominator?: tf.Tensor): tf.Tensor {
  switch (reduction) {
    case 'none':
      return terms;
    case 'sum':
      return tf.sum(terms);
    case 'mean':
      return denominator ? tf.div(tf.sum(terms), denominator) : tf.mean(terms);
    default:
      throw new InvalidArgumentError({ parameter: 'options.reduction', value: reduction, message: 'Expected "none", "mean" or "sum".' });
  }
}

/**
 * Converts and shape-checks the two arguments of an elementwise loss.
 *
 * @category Losses
 */
export function lossPair(yTrue: TensorInput, yPred: TensorInput): [tf.Tensor, tf.Tensor] {
  const t = toTensor(yTrue, 'yTrue');
  const p = toTensor(yPred, 'yPred');
  assertSameShape(t, p, ['yTrue', 'yPred']);
  return [t, p];
}

/**
 * Throws an InvalidArgumentError unless `value` is a finite number > 0.
 *
 * @category Losses
 */
export function checkPositiveOption(parameter: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new InvalidArgumentError({ parameter, value, message: 'Must be a finite number > 0.' });
}
