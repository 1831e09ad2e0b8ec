/**
 * Checkpoints of the agents, in core's checkpoint format (docs/checkpoints.md). An agent's save()
 * builds one document (algorithm, config, counters, rng state, networks' weights, optimizers' state
 * in core's `getWeights` form, replay buffer, episodes in progress) with its arrays from
 * {@link encodeArray}; {@link writeCheckpoint} lays it out in core's format: the networks' weight
 * lists (the fields of `WEIGHT_FIELDS`) as weights named `<field>/<i>`, the optimizers (fields of
 * `OPTIMIZER_FIELDS`) as optimizer state named `<field>/<i>`, every other array as an array named by
 * its JSON path, the top-level numbers as counters, `rng` as rng and the rest as JSON state, where
 * each array stands as `{ "$array": name, "section": section }`. {@link readCheckpoint} gives the
 * same document back, with typed arrays where base64 text stood.
 *
 * Checkpoints of the format before core's (one `agent.json`, arrays as base64 text) still load: the
 * decoders take base64 text as well as typed arrays.
 *
 * Reading treats every file as untrusted ({@link loadCheckpoint}): core checks the manifest and the
 * binaries; `agent.json` must be a regular file of bounded size; the fields an agent needs must be
 * present and of their type, base64 strict and every array of the length the network expects; any
 * defect is one {@link FileFormatError} naming the file, and the half-built agent is freed.
 */
import * as tf from '@tensorflow/tfjs';
import {
  FileFormatError,
  hasCheckpoint,
  InvalidArgumentError,
  readCheckpoint as readCoreCheckpoint,
  readRegularFile,
  writeCheckpoint as writeCoreCheckpoint,
  writeFileAtomic,
  type BigModelOptimizer,
  type Checkpoint,
  type CheckpointArray,
  type CheckpointSection,
} from '@bigmodel/core';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An array of a checkpoint document: a typed array ({@link encodeArray}), or base64 text of its bytes
 * in a checkpoint of the format before core's.
 *
 * @category Agents
 */
export type EncodedArray = Float32Array | Uint8Array | string;

/** The writer of the agents' checkpoints. */
const PACKAGE = '@bigmodel/rl';
/** The file of a checkpoint of the format before core's. */
const OLD_FILE = 'agent.json';
/** The document fields that hold network weights (a list of arrays, or one array). */
const WEIGHT_FIELDS = new Set([
  'weights',
  'qNet',
  'targetNet',
  'actor',
  'actorTarget',
  'critics',
  'criticTargets',
  'logEntCoef',
  'sdeLogStd',
]);
/** The document fields that hold an optimizer's state ({@link encodeOptimizer}). */
const OPTIMIZER_FIELDS = new Set(['optimizer', 'actorOptimizer', 'criticOptimizer', 'entCoefOptimizer']);

/** The largest agent.json read (weights and a replay buffer, as base64). */
const MAX_CHECKPOINT_BYTES = 1024 * 1024 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a typed array, or of base64 `text`, strictly: anything but canonical base64 is refused (Buffer.from skips it silently). */
function decodeBase64(text: unknown, what: string): Buffer {
  if (text instanceof Float32Array || text instanceof Uint8Array) return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
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
 * A typed array for a checkpoint document: a copy, so that later changes to `array` do not reach it.
 *
 * @category Agents
 */
export function encodeArray(array: Float32Array | Uint8Array): Float32Array | Uint8Array {
  return array.slice();
}

/**
 * A Float32Array from {@link encodeArray}'s output or base64 text (of `length` values when given); `what` names it in errors.
 *
 * @category Agents
 */
export function decodeFloat32(text: EncodedArray, what = 'array', length?: number): Float32Array {
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
export function decodeUint8(text: EncodedArray, what = 'array'): Uint8Array {
  return new Uint8Array(decodeBase64(text, what));
}

/**
 * Decodes saved network weights for a network whose current weights are `like`, checking their count and each one's length.
 *
 * @category Agents
 */
export function decodeWeights(saved: unknown, sizes: readonly number[], what: string): Float32Array[] {
  if (!Array.isArray(saved) || saved.length !== sizes.length) {
    throw new InvalidArgumentError({
      parameter: what,
      value: Array.isArray(saved) ? `${saved.length} arrays` : saved,
      message: `Expected ${sizes.length} weight arrays.`,
    });
  }
  return saved.map((text, i) => decodeFloat32(text, `${what}[${i}]`, sizes[i]));
}

/**
 * Copies of `variables`' values, read asynchronously (so that an agent saves on every backend,
 * webgpu included).
 */
export async function readWeights(variables: readonly tf.Variable[]): Promise<Float32Array[]> {
  const values = await Promise.all(variables.map((v) => v.data()));
  return values.map((v) => Float32Array.from(v as Float32Array));
}

/** The element counts of `variables`, which {@link decodeWeights} checks saved arrays against. */
export function sizesOf(variables: readonly tf.Variable[]): number[] {
  return variables.map((v) => v.size);
}

/**
 * An optimizer's state (iteration count and slots) as JSON.
 *
 * @category Agents
 */
export async function encodeOptimizer(
  optimizer: BigModelOptimizer,
): Promise<{ name: string; shape: number[]; dtype: string; data: EncodedArray }[]> {
  const weights = await optimizer.getWeights();
  const values = await Promise.all(weights.map(({ tensor }) => tensor.data()));
  return weights.map(({ name, tensor }, i) => ({
    name,
    shape: tensor.shape,
    dtype: tensor.dtype,
    data: encodeArray(Float32Array.from(values[i])),
  }));
}

/**
 * Restores what {@link encodeOptimizer} saved.
 *
 * @category Agents
 */
export async function restoreOptimizer(
  optimizer: BigModelOptimizer,
  saved: { name: string; shape: number[]; dtype: string; data: EncodedArray }[],
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
    return {
      name,
      shape,
      dtype: dtype as 'float32' | 'int32',
      values: decodeFloat32(data as EncodedArray, what, tf.util.sizeFromShape(shape)),
    };
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
  const path = checkpointPath(dir);
  const saved = readCheckpoint<Record<string, never>>(dir, algorithm);
  for (const [field, type] of Object.entries(fields)) {
    if (!FIELD_CHECKS[type](saved[field])) {
      throw new FileFormatError({
        path,
        problem:
          `has ${field} ${JSON.stringify(saved[field]) ?? 'undefined'}, ` + `not ${type === 'count' ? 'a whole number >= 0' : `a ${type}`}`,
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
 * The file that describes the checkpoint in `dir` (its manifest, or the agent.json of a checkpoint of
 * the format before core's), for error messages.
 *
 * @category Agents
 */
export function checkpointPath(dir: string): string {
  return join(dir, !hasCheckpoint(dir) && existsSync(join(dir, OLD_FILE)) ? OLD_FILE : 'manifest.json');
}

/**
 * Whether `dir` holds an agent checkpoint of either format (its files are not read).
 *
 * @category Agents
 */
export function hasAgentCheckpoint(dir: string): boolean {
  return hasCheckpoint(dir) || existsSync(join(dir, OLD_FILE));
}

const isTyped = (value: unknown): value is Float32Array | Uint8Array => value instanceof Float32Array || value instanceof Uint8Array;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The section a top-level field's arrays go to. */
function sectionOf(field: string): CheckpointSection {
  return WEIGHT_FIELDS.has(field) ? 'weights' : OPTIMIZER_FIELDS.has(field) ? 'optimizer' : 'arrays';
}

/**
 * Writes an agent's checkpoint `document` into `dir` in core's format (atomically; see the file
 * header), and removes the agent.json of a checkpoint of the format before core's that `dir` held.
 *
 * @category Agents
 */
export function writeCheckpoint(dir: string, document: { algorithm: string; config: object; rng: number } & Record<string, unknown>): void {
  const { algorithm, config, rng, ...rest } = document;
  const sections: Record<CheckpointSection, CheckpointArray[]> = { weights: [], optimizer: [], arrays: [] };
  const counters: Record<string, number> = {};
  const state: Record<string, unknown> = {};
  // Each typed array goes to its section under its JSON path, and a reference to it stands in its place.
  const extract = (value: unknown, path: string, section: CheckpointSection): unknown => {
    if (isTyped(value)) {
      sections[section].push({ name: path, shape: [value.length], values: value });
      return { $array: path, section };
    }
    if (Array.isArray(value)) return value.map((item, i) => extract(item, `${path}/${i}`, section));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extract(v, `${path}/${k}`, section)]));
    return value;
  };
  for (const [field, value] of Object.entries(rest)) {
    if (typeof value === 'number' && Number.isFinite(value)) counters[field] = value;
    else state[field] = extract(value, field, sectionOf(field));
  }
  const checkpoint: Checkpoint = {
    writer: { package: PACKAGE, kind: algorithm },
    config: config as Record<string, unknown>,
    counters,
    rng: { state: rng },
    state,
    ...sections,
  };
  writeCoreCheckpoint(dir, checkpoint);
  rmSync(join(dir, OLD_FILE), { force: true });
}

/**
 * Copies the agent checkpoint in `from` to `to` (either format; core's is read, checked and written atomically).
 *
 * @category Agents
 */
export function copyCheckpoint(from: string, to: string): void {
  if (hasCheckpoint(from)) {
    writeCoreCheckpoint(to, readCoreCheckpoint(from, { expect: { package: PACKAGE }, maxBytes: MAX_CHECKPOINT_BYTES }));
    rmSync(join(to, OLD_FILE), { force: true });
  } else {
    writeFileAtomic(join(to, OLD_FILE), readRegularFile(join(from, OLD_FILE), { maxBytes: MAX_CHECKPOINT_BYTES }));
  }
}

/**
 * Reads the agent checkpoint in `dir` (either format) as one document, checking that it was saved by
 * `algorithm`; with `jsonOnly`, core's binaries are not read and every array is empty.
 *
 * @category Agents
 */
export function readCheckpoint<T>(dir: string, algorithm?: string, options: { jsonOnly?: boolean } = {}): T & { algorithm: string } {
  if (!hasCheckpoint(dir) && existsSync(join(dir, OLD_FILE))) return readOldCheckpoint<T>(dir, algorithm);
  const path = join(dir, 'manifest.json');
  const checkpoint = readCoreCheckpoint(dir, {
    expect: { package: PACKAGE },
    maxBytes: MAX_CHECKPOINT_BYTES,
    manifestOnly: options.jsonOnly,
  });
  const kind = checkpoint.writer.kind;
  if (algorithm !== undefined && kind !== algorithm) {
    throw new FileFormatError({
      path,
      problem: `holds a ${kind} agent, not ${algorithm}`,
      hint: `Load it with the ${kind} agent's load().`,
    });
  }
  const found = new Map<string, CheckpointArray['values']>();
  for (const section of ['weights', 'optimizer', 'arrays'] as const) {
    for (const { name, values } of checkpoint[section]) found.set(`${section}:${name}`, values);
  }
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!isRecord(value)) return value;
    if (typeof value['$array'] === 'string' && typeof value['section'] === 'string') {
      const values = found.get(`${value['section']}:${value['$array']}`);
      if (values === undefined || values instanceof Int32Array) {
        throw new FileFormatError({
          path,
          problem: `refers to the array ${JSON.stringify(value)}, which it does not hold`,
          hint: 'It is corrupt.',
        });
      }
      return values;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  return {
    algorithm: kind,
    config: checkpoint.config,
    rng: checkpoint.rng['state'],
    ...checkpoint.counters,
    ...(resolve(checkpoint.state) as object),
  } as unknown as T & { algorithm: string };
}

/** Reads `agent.json` (the format before core's) from `dir`, checking that it was saved by `algorithm`. */
function readOldCheckpoint<T>(dir: string, algorithm?: string): T & { algorithm: string } {
  const path = join(dir, OLD_FILE);
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
  if (isTyped(text)) return text.byteLength === length * 4 ? decodeFloat32(text) : null;
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  if (Buffer.from(text, 'base64').byteLength !== length * 4) return null;
  return decodeFloat32(text);
}
