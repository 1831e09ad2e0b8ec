/**
 * Checkpoint encoding shared by the agents: float arrays as base64 inside one JSON document,
 * written atomically, and optimizer state in core's `getWeights` form.
 */
import * as tf from '@tensorflow/tfjs';
import { FileFormatError, writeFileAtomic, type BigModelOptimizer } from '@bigmodel/core';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A typed array as base64 of its bytes. */
export function encodeArray(array: Float32Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/** A Float32Array from {@link encodeArray}'s output. */
export function decodeFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A Uint8Array from {@link encodeArray}'s output. */
export function decodeUint8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** An optimizer's state (iteration count and slots) as JSON. */
export async function encodeOptimizer(optimizer: BigModelOptimizer): Promise<{ name: string; shape: number[]; dtype: string; data: string }[]> {
  const weights = await optimizer.getWeights();
  return weights.map(({ name, tensor }) => ({
    name,
    shape: tensor.shape,
    dtype: tensor.dtype,
    data: encodeArray(Float32Array.from(tensor.dataSync() as ArrayLike<number>)),
  }));
}

/** Restores what {@link encodeOptimizer} saved. */
export async function restoreOptimizer(optimizer: BigModelOptimizer, saved: { name: string; shape: number[]; dtype: string; data: string }[]): Promise<void> {
  const tensors = saved.map(({ name, shape, dtype, data }) => ({ name, tensor: tf.tensor(Array.from(decodeFloat32(data)), shape, dtype as tf.DataType) }));
  await optimizer.setWeights(tensors);
  tf.dispose(tensors.map((t) => t.tensor));
}

/** Writes `agent.json` in `dir` atomically. */
export function writeCheckpoint(dir: string, document: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'agent.json'), JSON.stringify(document));
}

/** Reads `agent.json` from `dir`, checking that it was saved by `algorithm`. */
export function readCheckpoint<T>(dir: string, algorithm?: string): T & { algorithm: string } {
  const path = join(dir, 'agent.json');
  let document: T & { algorithm: string };
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'cannot read an agent checkpoint here', hint: 'Save one with agent.save(dir).', cause });
  }
  if (algorithm !== undefined && document.algorithm !== algorithm) {
    throw new FileFormatError({ path, problem: `holds a ${document.algorithm} agent, not ${algorithm}`, hint: `Load it with the ${document.algorithm} agent's load().` });
  }
  return document;
}

/** {@link decodeFloat32} of `text` when it is base64 of exactly `length` floats, else null (for validating checkpoints). */
export function decodeFloat32Exact(text: unknown, length: number): Float32Array | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  if (Buffer.from(text, 'base64').byteLength !== length * 4) return null;
  return decodeFloat32(text);
}
