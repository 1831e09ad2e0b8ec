/**
 * Checkpoint encoding shared by the agents: float arrays as base64 inside one JSON document,
 * written atomically, and optimizer state in core's `getWeights` form.
 *
 * Reading treats `agent.json` as untrusted ({@link loadCheckpoint}): a regular file of bounded size,
 * the fields an agent needs present and of their type, base64 strict and of the length the network
 * expects; any defect is one {@link FileFormatError} naming the file, and the half-built agent is freed.
 */
import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InvalidArgumentError, readRegularFile, writeFileAtomic, type BigModelOptimizer } from '@bigmodel/core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The largest agent.json read (weights and a replay buffer, as base64). */
const MAX_CHECKPOINT_BYTES = 1024 * 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of base64 `text`, strictly: anything but canonical base64 is refused (Buffer.from skips it silently). */
function decodeBase64(text: unknown, what: string): Buffer {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new InvalidArgumentError({
      parameter: what,
      value: typeof text === 'string' ? `${text.slice(0, 16)}...` : text,
      message: 'Expected base64 text.',
    });
  }
  return Buffer.from(text, 'base64');
}

/**
 * A typed array as base64 of its bytes.
 *
 * @category Agents
 */
export function encodeArray(array: Float32Array | Uint8Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

/**
 * A Float32Array from {@link encodeArray}'s output (of `length` values when given); `what` names it in errors.
 *
 * @category Agents
 */
export function decodeFloat32(text: string, what = 'array', length?: number): Float32Array {
  const bytes = decodeBase64(text, what);
  if (bytes.byteLength % 4 !== 0 || (length !== undefined && bytes.byteLength !== 4 * length)) {
    throw new InvalidArgumentError({
      parameter: what,
      value: `${bytes.byteLength} bytes`,
      message: `Expected ${length === undefined ? 'a multiple of 4' : 4 * length} bytes of float32 values.`,
    });
  }
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/**
 * A Uint8Array from {@link encodeArray}'s output; `what` names it in errors.
 *
 * @category Agents
 */
export function decodeUint8(text: string, what = 'array'): Uint8Array {
  return new Uint8Array(decodeBase64(text, what));
}

/**
 * Decodes saved network weights for a network whose current weights are `like`, checking their count and each one's length.
 *
 * @category Agents
 */
export function decodeWeights(saved: unknown, like: readonly Float32Array[], what: string): Float32Array[] {
  if (!Array.isArray(saved) || saved.length !== like.length) {
    throw new InvalidArgumentError({
      parameter: what,
      value: Array.isArray(saved) ? `${saved.length} arrays` : saved,
      message: `Expected ${like.length} weight arrays.`,
    });
  }
  return saved.map((text, i) => decodeFloat32(text, `${what}[${i}]`, like[i].length));
}

/**
 * An optimizer's state (iteration count and slots) as JSON.
 *
 * @category Agents
 */
export async function encodeOptimizer(
  optimizer: BigModelOptimizer,
): Promise<{ name: string; shape: number[]; dtype: string; data: string }[]> {
  const weights = await optimizer.getWeights();
  return weights.map(({ name, tensor }) => ({
    name,
    shape: tensor.shape,
    dtype: tensor.dtype,
    data: encodeArray(Float32Array.from(tensor.dataSync() as ArrayLike<number>)),
  }));
}

/**
 * Restores what {@link encodeOptimizer} saved.
 *
 * @category Agents
 */
export async function restoreOptimizer(
  optimizer: BigModelOptimizer,
  saved: { name: string; shape: number[]; dtype: string; data: string }[],
): Promise<void> {
  if (!Array.isArray(saved))
    throw new InvalidArgumentError({
      parameter: 'optimizer',
      value: saved,
      message: 'Expected the list of optimizer weights.',
    });
  const decoded = saved.map((entry, i) => {
    const { name, shape, dtype, data } = (entry ?? {}) as Partial<(typeof saved)[number]>;
    const what = `optimizer[${i}]`;
    if (
      typeof name !== 'string' ||
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      (dtype !== 'float32' && dtype !== 'int32')
    ) {
      throw new InvalidArgumentError({
        parameter: what,
        value: { name, shape, dtype },
        message: 'Expected {name, shape, dtype: float32 or int32, data}.',
      });
    }
    return { name, shape, dtype: dtype as 'float32' | 'int32', values: decodeFloat32(data as string, what, tf.util.sizeFromShape(shape)) };
  });
  const tensors = decoded.map(({ name, shape, dtype, values }) => ({ name, tensor: tf.tensor(Array.from(values), shape, dtype) }));
  try {
    await optimizer.setWeights(tensors);
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
}

/**
 * The type a field of agent.json must have: `count` a whole number >= 0, `uint32` an Rng state.
 *
 * @category Agents
 */
export type CheckpointFieldType = 'object' | 'array' | 'count' | 'number' | 'uint32';

const FIELD_CHECKS: Record<CheckpointFieldType, (value: unknown) => boolean> = {
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: Array.isArray,
  count: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  uint32: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff,
};

/**
 * Loads the `algorithm` agent saved in `dir`: reads agent.json ({@link readCheckpoint}), checks that
 * every field in `fields` is present with its type, builds the agent with `build` and fills it in
 * with `restore`. Any defect (a missing field, short or non-base64 weights, a config the agent
 * refuses) is one {@link FileFormatError} naming the file; the half-built agent is disposed.
 * @category Agents
 */
export async function loadCheckpoint<A extends { dispose(): void }>(
  dir: string,
  algorithm: string,
  fields: Record<string, CheckpointFieldType>,
  build: (saved: Record<string, never>) => A,
  restore: (agent: A, saved: Record<string, never>) => void | Promise<void>,
): Promise<A> {
  const path = join(dir, 'agent.json');
  const saved = readCheckpoint<Record<string, never>>(dir, algorithm);
  for (const [field, type] of Object.entries(fields)) {
    if (!FIELD_CHECKS[type](saved[field])) {
      throw new FileFormatError({
        path,
        problem: `has ${field} ${JSON.stringify(saved[field]) ?? 'undefined'}, not ${type === 'count' ? 'a whole number >= 0' : `a ${type}`}`,
        hint: 'It is corrupt.',
      });
    }
  }
  let agent: A | undefined;
  try {
    agent = build(saved);
    await restore(agent, saved);
    return agent;
  } catch (error) {
    agent?.dispose();
    if (FileFormatError.isInstance(error)) throw error;
    throw new FileFormatError({
      path,
      problem: `does not restore a ${algorithm} agent (${(error as Error).message})`,
      hint: 'It is corrupt.',
      cause: error,
    });
  }
}

/**
 * Writes `agent.json` in `dir` atomically.
 *
 * @category Agents
 */
export function writeCheckpoint(dir: string, document: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'agent.json'), JSON.stringify(document));
}

/**
 * Reads `agent.json` from `dir`, checking that it was saved by `algorithm`.
 *
 * @category Agents
 */
export function readCheckpoint<T>(dir: string, algorithm?: string): T & { algorithm: string } {
  const path = join(dir, 'agent.json');
  let document: T & { algorithm: string };
  try {
    document = JSON.parse(readRegularFile(path, { maxBytes: MAX_CHECKPOINT_BYTES }).toString('utf8'));
  } catch (cause) {
    throw new FileFormatError({ path, problem: 'cannot read an agent checkpoint here', hint: 'Save one with agent.save(dir).', cause });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || typeof document.algorithm !== 'string') {
    throw new FileFormatError({ path, problem: 'is not an agent checkpoint (no algorithm field)', hint: 'Save one with agent.save(dir).' });
  }
  if (algorithm !== undefined && document.algorithm !== algorithm) {
    throw new FileFormatError({
      path,
      problem: `holds a ${document.algorithm} agent, not ${algorithm}`,
      hint: `Load it with the ${document.algorithm} agent's load().`,
    });
  }
  return document;
}

/**
 * {@link decodeFloat32} of `text` when it is base64 of exactly `length` floats, else null (for validating checkpoints).
 *
 * @category Agents
 */
export function decodeFloat32Exact(text: unknown, length: number): Float32Array | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  if (Buffer.from(text, 'base64').byteLength !== length * 4) return null;
  return decodeFloat32(text);
}
