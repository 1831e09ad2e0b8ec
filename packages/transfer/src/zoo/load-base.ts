/**
 * Loading a base model: a directory saved by core's `saveModel` (or any tfjs LayersModel
 * directory), or `zoo:<name>`, a model trained by this package's own script and shipped with it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type * as tf from '@tensorflow/tfjs';

import { FileFormatError, InvalidArgumentError, loadModel } from '@bigmodel/core';

/**
 * What a zoo entry's metadata.json says about it.
 *
 * @category Zoo
 */
export interface ZooMetadata {
  /** The zoo name (`zoo:<name>`). */
  name: string;
  /** What the network is. */
  description: string;
  /** The data it was trained on, said plainly (synthetic data is called synthetic). */
  trainedOn: string;
  /** Number of output classes. */
  classes: number;
  /** Class names, in output order. */
  labels: string[];
  /** Input shape without the batch dimension. */
  inputShape: number[];
  /** The layer whose output is the feature vector a new head goes on. */
  featureLayer: string;
  /** The layers of the original head. */
  headLayers: string[];
  /** How it was trained: script, command, seed, optimizer, epochs, backend, time, date. */
  training: Record<string, unknown>;
  /** Held-out accuracy. */
  accuracy: { test: number; testExamples: number };
  /** Number of parameters. */
  parameters: number;
}

/**
 * A loaded base model and, for a zoo model, its metadata.
 *
 * @category Zoo
 */
export interface BaseModel {
  /** The model, uncompiled or as saved. */
  model: tf.LayersModel;
  /** The zoo entry's metadata (undefined for a directory). */
  metadata?: ZooMetadata;
}

/**
 * The zoo directory inside the installed package (`zoo/` next to `src/` and `dist/`).
 *
 * @category Zoo
 */
export function zooDirectory(): string {
  return resolve(__dirname, '..', '..', 'zoo');
}

/**
 * The names of the models in the zoo.
 *
 * @example
 * ```ts
 * zooNames(); // ['cifar10-synthetic-shapes', 'mnist-digits-0to4', 'mnist-digits-0to4-cosine']
 * ```
 * @category Zoo
 */
export function zooNames(): string[] {
  const dir = zooDirectory();
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'model.json')))
    .map((entry) => entry.name)
    .sort();
}

function zooEntry(name: string, parameter: string): string {
  const names = zooNames();
  if (!names.includes(name)) {
    throw new InvalidArgumentError({
      parameter,
      value: `zoo:${name}`,
      message: `No zoo model of that name; the zoo has: ${names.map((n) => `zoo:${n}`).join(', ') || '(nothing)'}.`,
    });
  }
  return join(zooDirectory(), name);
}

/**
 * The metadata of zoo model `name`.
 *
 * @example
 * ```ts
 * zooMetadata('mnist-digits-0to4').accuracy.test; // about 0.99
 * ```
 * @category Zoo
 */
export function zooMetadata(name: string): ZooMetadata {
  return JSON.parse(readFileSync(join(zooEntry(name, 'name'), 'metadata.json'), 'utf8')) as ZooMetadata;
}

/**
 * Loads a base model from `source`: `zoo:<name>` (see {@link zooNames}) or a directory with a
 * tfjs `model.json`. An unknown zoo name is an InvalidArgumentError listing the zoo; a directory
 * without a model is a FileFormatError naming the file.
 *
 * @example
 * ```ts
 * const { model, metadata } = await loadBase('zoo:mnist-digits-0to4');
 * const { model: mine } = await loadBase('runs/my-model');
 * ```
 * @category Zoo
 */
export async function loadBase(source: string): Promise<BaseModel> {
  if (typeof source !== 'string' || source.length === 0) {
    throw new InvalidArgumentError({
      parameter: 'source',
      value: source,
      message: `Give a directory with a model.json or zoo:<name> (${zooNames()
        .map((n) => `zoo:${n}`)
        .join(', ')}).`,
    });
  }
  if (source.startsWith('zoo:')) {
    const name = source.slice(4);
    const dir = zooEntry(name, 'source');
    return { model: await loadModel(dir), metadata: zooMetadata(name) };
  }
  if (!existsSync(join(source, 'model.json'))) {
    throw new FileFormatError({
      path: join(source, 'model.json'),
      problem: 'does not exist',
      hint: `Give a directory saved by saveModel, or a zoo model: ${zooNames()
        .map((n) => `zoo:${n}`)
        .join(', ')}.`,
    });
  }
  return { model: await loadModel(source) };
}
