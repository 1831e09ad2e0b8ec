/**
 * What bigmodel's subclasses of tfjs-layers' own layers share: reaching a stock layer class
 * (tfjs does not export them by name) and the `call` arguments' type.
 */
import * as tf from '@tensorflow/tfjs';

import { BigModelError } from '../errors';

/**
 * The keyword arguments of a layer's `call`.
 *
 * @category Layers
 */
export type CallKwargs = Parameters<tf.layers.Layer['call']>[1];

/**
 * tfjs-layers' class registered as `className` (e.g. 'Conv2D', 'Dense'), reached through the
 * public serialization registry.
 * @category Layers
 */
export function stockLayerClass<Args>(className: string): new (args: Args) => tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new BigModelError(
      `tfjs-layers has not registered its ${className} layer; import @tensorflow/tfjs (which loads tfjs-layers) before @bigmodel/core.`,
    );
  }
  return entry[0] as unknown as new (args: Args) => tf.layers.Layer;
}
