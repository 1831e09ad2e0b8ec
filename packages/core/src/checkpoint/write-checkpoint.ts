import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidArgumentError } from '../errors';
import { writeFileAtomic } from '../io';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_MANIFEST,
  CHECKPOINT_SECTIONS,
  CHECKPOINT_VERSION,
  DTYPE_BYTES,
  dtypeOf,
  SECTION_FILE,
  type Checkpoint,
  type CheckpointArray,
  type CheckpointArrayEntry,
  type CheckpointManifest,
} from './checkpoint';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The bytes of `arrays` back to back and their index; `what` names the section in errors. */
function pack(arrays: readonly CheckpointArray[], what: string): { bytes: Uint8Array; index: CheckpointArrayEntry[] } {
  if (!Array.isArray(arrays)) throw new InvalidArgumentError({ parameter: what, value: arrays, message: 'Expected a list of arrays.' });
  const names = new Set<string>();
  const index: CheckpointArrayEntry[] = [];
  let offset = 0;
  arrays.forEach(({ name, shape, values }, i) => {
    const parameter = `${what}[${i}]`;
    const dtype = dtypeOf(values);
    if (typeof name !== 'string' || name.length === 0 || names.has(name)) {
      throw new InvalidArgumentError({ parameter: `${parameter}.name`, value: name, message: `Expected a name unique within ${what}.` });
    }
    names.add(name);
    if (dtype === undefined) {
      throw new InvalidArgumentError({
        parameter: `${parameter}.values`,
        value: values,
        message: 'Expected a Float32Array, Int32Array or Uint8Array.',
      });
    }
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      shape.reduce((a, b) => a * b, 1) !== values.length
    ) {
      throw new InvalidArgumentError({
        parameter: `${parameter}.shape`,
        value: shape,
        message: `Expected whole numbers >= 0 whose product is the ${values.length} values of ${name}.`,
      });
    }
    const length = values.length * DTYPE_BYTES[dtype];
    index.push({ name, dtype, shape: [...shape], offset, length });
    offset += length;
  });
  const bytes = new Uint8Array(offset);
  arrays.forEach(({ values }, i) => bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), index[i].offset));
  return { bytes, index };
}

/** Throws an InvalidArgumentError naming `parameter` when `value` is not a JSON object. */
function checkJsonObject(value: unknown, parameter: string): void {
  if (!isRecord(value)) throw new InvalidArgumentError({ parameter, value, message: 'Expected a JSON object.' });
}

/**
 * Writes `checkpoint` into the directory `dir` (created if missing) so that a crash at any point
 * leaves the previous checkpoint of `dir` loadable, or the new one, never a mix. The binaries go
 * to files with a fresh name (`weights.<id>.bin`, each written to a temp file, fsynced and renamed),
 * then `manifest.json`, which names them, replaces the old manifest by one atomic rename: that rename
 * is the commit. Only then are the binaries of older checkpoints (and temp files a crash left)
 * removed.
 *
 * A directory rename cannot do this commit: rename(2) refuses to replace a non-empty directory, so
 * swapping directories takes two renames with a moment between them where no checkpoint exists.
 *
 * @example
 * ```ts
 * writeCheckpoint('runs/dqn/checkpoint', {
 *   writer: { package: '@bigmodel/rl', kind: 'dqn' },
 *   config, counters: { step: 1000 }, rng: { state: rng.state }, state: {},
 *   weights: [{ name: 'dense/kernel', shape: [4, 2], values: kernel }], optimizer: [], arrays: [],
 * });
 * ```
 * @category Checkpoints
 */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint): void {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'Expected the checkpoint directory.' });
  }
  const { writer, config, counters, rng, state } = checkpoint;
  if (!isRecord(writer) || typeof writer.package !== 'string' || typeof writer.kind !== 'string') {
    throw new InvalidArgumentError({ parameter: 'checkpoint.writer', value: writer, message: 'Expected { package, kind } strings.' });
  }
  checkJsonObject(config, 'checkpoint.config');
  checkJsonObject(rng, 'checkpoint.rng');
  checkJsonObject(state, 'checkpoint.state');
  checkJsonObject(counters, 'checkpoint.counters');
  for (const [name, value] of Object.entries(counters)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError({ parameter: `checkpoint.counters.${name}`, value, message: 'Expected a finite number.' });
    }
  }
  const packed = CHECKPOINT_SECTIONS.map((section) => ({ section, ...pack(checkpoint[section], `checkpoint.${section}`) }));
  const id = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    writer: { package: writer.package, kind: writer.kind },
    config,
    counters,
    rng,
    state,
    files: Object.fromEntries(
      packed.map(({ section, bytes, index }) => [section, { path: `${section}.${id}.bin`, bytes: bytes.byteLength, arrays: index }]),
    ) as CheckpointManifest['files'],
  };
  // Serialize before touching the disk: a value JSON cannot hold fails here, with nothing written.
  const text = `${JSON.stringify(manifest)}\n`;
  mkdirSync(dir, { recursive: true });
  for (const { section, bytes } of packed) writeFileAtomic(join(dir, manifest.files[section].path), bytes);
  writeFileAtomic(join(dir, CHECKPOINT_MANIFEST), text);
  const current = new Set(CHECKPOINT_SECTIONS.map((section) => manifest.files[section].path));
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const stale = SECTION_FILE.test(entry.name) && !current.has(entry.name);
    const temp = entry.name.startsWith(`${CHECKPOINT_MANIFEST}.tmp-`);
    if ((stale || temp) && !entry.isDirectory()) rmSync(join(dir, entry.name), { force: true });
  }
}
