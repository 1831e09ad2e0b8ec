import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { FileFormatError } from '../errors';
import { DEFAULT_MAX_FILE_BYTES, readContainedFile, readRegularFile } from '../io';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_SECTIONS,
  CHECKPOINT_VERSION,
  DTYPE_BYTES,
  type Checkpoint,
  type CheckpointArray,
  type CheckpointArrayEntry,
  type CheckpointDtype,
  type CheckpointManifest,
} from './checkpoint';

/** The largest manifest read: it holds names, shapes and small JSON state, not arrays. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Options of {@link readCheckpoint}.
 *
 * @category Checkpoints
 */
export interface ReadCheckpointOptions {
  /** The package and kind the caller can restore; another writer's checkpoint is a FileFormatError naming both. */
  expect?: { package: string; kind?: string };
  /** The largest binary read, checked against the manifest and the file's size before reading (default 1 GiB). */
  maxBytes?: number;
  /**
   * Read only the manifest (config, counters, rng, state, and every array with an empty `values`)
   * after checking it; the binaries are not opened. Default false.
   */
  manifestOnly?: boolean;
}

/**
 * Whether `dir` holds a checkpoint of this format (its manifest exists; it is not read).
 *
 * @category Checkpoints
 */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_MANIFEST));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const show = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 80);

/**
 * Reads the checkpoint that {@link writeCheckpoint} wrote in `dir`, treating every byte as untrusted:
 * the manifest is a regular file of bounded size and every field is checked before use; the arrays of
 * each section must tile its binary in order with lengths that their dtypes and shapes give; a
 * binary's path must stay inside `dir` after symlinks are resolved, and the file must be regular and
 * exactly the declared size (by `fstat`, before a byte is read), at most `options.maxBytes`. Any
 * defect is a {@link FileFormatError} naming the file and the field.
 *
 * @example
 * ```ts
 * const { counters, weights } = readCheckpoint('runs/dqn/checkpoint', { expect: { package: '@bigmodel/rl', kind: 'dqn' } });
 * ```
 * @category Checkpoints
 */
export function readCheckpoint(dir: string, options: ReadCheckpointOptions = {}): Checkpoint {
  const { maxBytes = DEFAULT_MAX_FILE_BYTES } = options;
  const path = join(dir, CHECKPOINT_MANIFEST);
  const bad = (field: string, problem: string, cause?: unknown) =>
    new FileFormatError({ path, problem: `has ${field} ${problem}`, hint: 'It is not a bigmodel checkpoint or it is corrupt.', cause });
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(path, { maxBytes: MAX_MANIFEST_BYTES }).toString('utf8'));
  } catch (error) {
    if (FileFormatError.isInstance(error)) throw error;
    throw new FileFormatError({ path, problem: `is not valid JSON (${(error as Error).message})`, cause: error });
  }
  if (!isRecord(raw)) throw new FileFormatError({ path, problem: 'does not hold a JSON object' });
  if (raw['format'] !== CHECKPOINT_FORMAT || raw['version'] !== CHECKPOINT_VERSION) {
    throw new FileFormatError({
      path,
      problem:
        `is not a ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} manifest ` +
        `(format ${show(raw['format'])}, version ${show(raw['version'])})`,
    });
  }
  const writer = raw['writer'];
  if (!isRecord(writer) || typeof writer['package'] !== 'string' || typeof writer['kind'] !== 'string') {
    throw bad('writer', `${show(writer)}, not { package, kind } strings`);
  }
  const { expect } = options;
  if (expect !== undefined && (writer['package'] !== expect.package || (expect.kind !== undefined && writer['kind'] !== expect.kind))) {
    throw new FileFormatError({
      path,
      problem: `holds a ${writer['package']} ${writer['kind']} checkpoint, not ${expect.package} ${expect.kind ?? ''}`.trimEnd(),
      hint: `Load it with the loader of ${writer['package']} ${writer['kind']}.`,
    });
  }
  for (const field of ['config', 'counters', 'rng', 'state'] as const) {
    if (!isRecord(raw[field])) throw bad(field, `${show(raw[field])}, not a JSON object`);
  }
  for (const [name, value] of Object.entries(raw['counters'] as Record<string, unknown>)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`counters.${name}`, `${show(value)}, not a finite number`);
  }
  const files = raw['files'];
  if (!isRecord(files)) throw bad('files', `${show(files)}, not an object`);
  const sections = CHECKPOINT_SECTIONS.map((section) => {
    const file = files[section];
    const field = `files.${section}`;
    if (!isRecord(file)) throw bad(field, `${show(file)}, not { path, bytes, arrays }`);
    if (typeof file['path'] !== 'string' || file['path'].length === 0) throw bad(`${field}.path`, `${show(file['path'])}, not a file name`);
    if (!isCount(file['bytes'])) throw bad(`${field}.bytes`, `${show(file['bytes'])}, not a whole number >= 0`);
    if (file['bytes'] > maxBytes) throw bad(`${field}.bytes`, `${file['bytes']}, more than the limit of ${maxBytes}`);
    if (!Array.isArray(file['arrays'])) throw bad(`${field}.arrays`, `${show(file['arrays'])}, not a list`);
    const names = new Set<string>();
    let end = 0;
    const entries = (file['arrays'] as unknown[]).map((entry, i): CheckpointArrayEntry => {
      const at = `${field}.arrays[${i}]`;
      if (!isRecord(entry)) throw bad(at, `${show(entry)}, not an object`);
      const { name, dtype, shape, offset, length } = entry;
      if (typeof name !== 'string' || name.length === 0 || names.has(name)) throw bad(`${at}.name`, `${show(name)}, not a unique name`);
      names.add(name);
      if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype))
        throw bad(`${at}.dtype`, `${show(dtype)}, not float32, int32 or uint8`);
      if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`${at}.shape`, `${show(shape)}, not a list of whole numbers >= 0`);
      // The product is bounded step by step by the file's declared size, so a huge shape is refused before it overflows.
      let expected = DTYPE_BYTES[dtype as CheckpointDtype];
      for (const d of shape as number[]) {
        expected *= d;
        if (expected > (file['bytes'] as number))
          throw bad(`${at}.shape`, `${show(shape)}, larger than the ${file['bytes']} bytes of ${field}`);
      }
      if (offset !== end) throw bad(`${at}.offset`, `${show(offset)} where the arrays before it end at ${end}`);
      if (length !== expected) throw bad(`${at}.length`, `${show(length)} where its dtype and shape give ${expected}`);
      end += expected;
      if (end > (file['bytes'] as number)) throw bad(`${at}.length`, `${length}, past the end of the ${file['bytes']} bytes of ${field}`);
      return { name, dtype: dtype as CheckpointDtype, shape: shape as number[], offset: end - expected, length: expected };
    });
    if (end !== file['bytes']) throw bad(`${field}.bytes`, `${file['bytes']} where its arrays take ${end}`);
    return { section, path: file['path'], bytes: end, entries };
  });
  const manifest = raw as unknown as CheckpointManifest;
  const arrays = sections.map(({ path: name, bytes, entries }) => {
    const data = options.manifestOnly ? undefined : readContainedFile(dir, name, { source: path, expectedBytes: bytes, maxBytes });
    return entries.map(({ name: arrayName, dtype, shape, offset, length }): CheckpointArray => ({
      name: arrayName,
      shape,
      values: data === undefined ? copyOf(Buffer.alloc(0), dtype, 0, 0) : copyOf(data, dtype, offset, length),
    }));
  });
  return {
    writer: { package: manifest.writer.package, kind: manifest.writer.kind },
    config: manifest.config,
    counters: manifest.counters,
    rng: manifest.rng,
    state: manifest.state,
    weights: arrays[0],
    optimizer: arrays[1],
    arrays: arrays[2],
  };
}

/** A typed array of `dtype` holding a copy of `length` bytes of `data` from `offset` (copied: `data` may be unaligned). */
function copyOf(data: Buffer, dtype: CheckpointDtype, offset: number, length: number): Float32Array | Int32Array | Uint8Array {
  const bytes = new Uint8Array(length);
  bytes.set(data.subarray(offset, offset + length));
  if (dtype === 'float32') return new Float32Array(bytes.buffer);
  if (dtype === 'int32') return new Int32Array(bytes.buffer);
  return bytes;
}
