import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import type { CheckpointArray } from './checkpoint';

/**
 * Named tensors (a model's weights, an optimizer's `getWeights()`) as checkpoint arrays, read
 * asynchronously (a GPU backend cannot read synchronously). float32 and int32 tensors only.
 *
 * @example
 * ```ts
 * const optimizer = await checkpointArrays(await model.optimizer.getWeights());
 * ```
 * @category Checkpoints
 */
export async function checkpointArrays(named: readonly { name: string; tensor: tf.Tensor }[]): Promise<CheckpointArray[]> {
  return Promise.all(
    named.map(async ({ name, tensor }) => {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
        throw new InvalidArgumentError({
          parameter: `tensors.${name}`,
          value: tensor.dtype,
          message: 'Expected a float32 or int32 tensor.',
        });
      }
      const data = await tensor.data();
      const values = tensor.dtype === 'float32' ? Float32Array.from(data as Float32Array) : Int32Array.from(data as Int32Array);
      return { name, shape: [...tensor.shape], values };
    }),
  );
}

/**
 * The tensor of a checkpoint array (a uint8 array becomes an int32 tensor); the caller disposes it.
 *
 * @category Checkpoints
 */
export function checkpointTensor({ shape, values }: CheckpointArray): tf.Tensor {
  return values instanceof Float32Array ? tf.tensor(values, shape, 'float32') : tf.tensor(Int32Array.from(values), shape, 'int32');
}
