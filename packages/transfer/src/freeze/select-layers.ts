/**
 * Picking layers of a model by name, index, index range or predicate: the one selector that
 * freezing, unfreezing and per-layer-group learning rates all take.
 */
import type * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '@bigmodel/core';

/**
 * Which layers: a name, an index (negative counts from the end, as in Python), an inclusive index
 * range `{ from, to }` (either end may be left out or negative), a predicate, or a list of these
 * (their union).
 * @category Freezing
 */
export type LayerSelector =
  string | number | { from?: number; to?: number } | ((layer: tf.layers.Layer, index: number) => boolean) | LayerSelector[];

function resolveIndex(index: number, count: number, parameter: string, value: unknown): number {
  const resolved = index < 0 ? count + index : index;
  if (!Number.isInteger(index) || resolved < 0 || resolved >= count) {
    throw new InvalidArgumentError({
      parameter,
      value,
      message: `Layer indices run from ${-count} to ${count - 1} (the model has ${count} layers).`,
    });
  }
  return resolved;
}

/**
 * The indices of the layers `selector` picks in `model`, in model order. An unknown name or an
 * index out of range throws InvalidArgumentError naming `parameter` and listing the layers.
 *
 * @example
 * ```ts
 * selectLayers(model, ['block1_conv', { from: -2 }]); // block1_conv and the last two layers
 * ```
 * @category Freezing
 */
export function selectLayers(model: tf.LayersModel, selector: LayerSelector, parameter = 'selector'): number[] {
  const layers = model.layers;
  const picked = new Set<number>();
  const visit = (s: LayerSelector) => {
    if (Array.isArray(s)) return s.forEach(visit);
    if (typeof s === 'string') {
      const index = layers.findIndex((layer) => layer.name === s);
      if (index < 0) {
        throw new InvalidArgumentError({
          parameter,
          value: s,
          message: `No layer of that name; the layers are: ${layers.map((l) => l.name).join(', ')}.`,
        });
      }
      picked.add(index);
    } else if (typeof s === 'number') {
      picked.add(resolveIndex(s, layers.length, parameter, s));
    } else if (typeof s === 'function') {
      layers.forEach((layer, i) => s(layer, i) && picked.add(i));
    } else if (s !== null && typeof s === 'object') {
      const from = resolveIndex(s.from ?? 0, layers.length, `${parameter}.from`, s.from);
      const to = resolveIndex(s.to ?? -1, layers.length, `${parameter}.to`, s.to);
      for (let i = from; i <= to; i++) picked.add(i);
    } else {
      throw new InvalidArgumentError({
        parameter,
        value: s,
        message: 'Expected a layer name, an index, { from, to }, a predicate, or a list of these.',
      });
    }
  };
  visit(selector);
  return [...picked].sort((a, b) => a - b);
}

/**
 * The model's blocks: layers named `<block>_<part>` (e.g. `block2_conv`, `block2_bn`) grouped by
 * their prefix, in model order, for "unfreeze the top k blocks". Layers with weights that follow
 * no such pattern are a block each; layers without weights outside a block are left out.
 *
 * @example
 * ```ts
 * layerBlocks(model); // [{ name: 'block1', layers: ['block1_conv', ...] }, ..., { name: 'head', layers: [...] }]
 * ```
 * @category Freezing
 */
export function layerBlocks(model: tf.LayersModel): { name: string; layers: string[] }[] {
  const blocks: { name: string; layers: string[] }[] = [];
  for (const layer of model.layers) {
    const match = /^([A-Za-z]+\d*)_/.exec(layer.name);
    const name = match ? match[1] : layer.name;
    if (!match && layer.weights.length === 0) continue;
    const last = blocks[blocks.length - 1];
    if (last && last.name === name) last.layers.push(layer.name);
    else blocks.push({ name, layers: [layer.name] });
  }
  return blocks.filter((block) => block.layers.some((name) => model.getLayer(name).weights.length > 0));
}
