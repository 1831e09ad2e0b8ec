/**
 * Checkpoints of a GAN run: both networks (batch-norm running statistics included) and the
 * averaged generator if the run keeps one, both
 * optimizers' state (iteration count and every slot), the step and the random state (seed and step
 * counter; see random-streams.ts). The weights go to `weights-<step>.bin`, then `checkpoint.json`
 * (which names that file) replaces the old one; both writes are atomic, so a crash leaves the old
 * checkpoint or the new one, never a mix. Weights holding a NaN or an infinity are never written
 * (a NumericalError names the first), so the last good checkpoint stays.
 *
 * Loading treats `checkpoint.json` as untrusted: every field is checked before use, the tensors must
 * tile the weights file in order, `weightsFile` must stay inside the checkpoint directory (after
 * symlinks) and be a regular file of exactly the declared size (checked by `fstat` before reading).
 * Every defect is one {@link FileFormatError} naming the file.
 */
import { existsSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InvalidArgumentError, NumericalError, readContainedFile, readRegularFile, writeFileAtomic } from '@bigmodel/core';

import { resolveGanConfig, type GanConfig, type ResolvedGanConfig } from '../models/gan-config';
import { GanTrainer } from '../training/gan-trainer';

const FORMAT = 'bigmodel-gan-checkpoint';

/** The architecture fields: a checkpoint fits a trainer only if these agree. */
const ARCHITECTURE: (keyof ResolvedGanConfig)[] = [
  'kind',
  'imageShape',
  'nz',
  'ngf',
  'ndf',
  'depth',
  'classes',
  'discriminatorNormalization',
  'discriminatorPacking',
  'minibatchStddev',
];

type Group = 'generator' | 'averageGenerator' | 'discriminator' | 'generatorOptimizer' | 'discriminatorOptimizer';

interface TensorEntry {
  group: Group;
  name: string;
  shape: number[];
  /** Offset in float32 elements into the weights file. */
  offset: number;
}

/** What `checkpoint.json` holds. */
interface CheckpointManifest {
  format: typeof FORMAT;
  version: 1;
  config: ResolvedGanConfig;
  step: number;
  /** All randomness derives from (seed, purpose, step): this is the whole random state. */
  random: { seed: number; counter: number };
  /** Extra state of the caller (e.g. the training loop's elapsed time). */
  extra: Record<string, unknown>;
  weightsFile: string;
  tensors: TensorEntry[];
}

async function collect(trainer: GanTrainer): Promise<{ group: Group; name: string; tensor: tf.Tensor }[]> {
  const fromModel = (group: Group, model: tf.LayersModel) => model.weights.map((w) => ({ group, name: w.originalName, tensor: w.read() }));
  const fromOptimizer = async (group: Group, optimizer: tf.Optimizer) =>
    (await optimizer.getWeights()).map(({ name, tensor }) => ({ group, name, tensor }));
  return [
    ...fromModel('generator', trainer.generator),
    ...(trainer.averageGenerator ? fromModel('averageGenerator', trainer.averageGenerator) : []),
    ...fromModel('discriminator', trainer.discriminator),
    ...(await fromOptimizer('generatorOptimizer', trainer.generatorOptimizer)),
    ...(await fromOptimizer('discriminatorOptimizer', trainer.discriminatorOptimizer)),
  ];
}

/**
 * Writes a checkpoint of `trainer` into `dir` (atomically; older weight files are removed after).
 *
 * @param extra small JSON-serializable state of the caller, given back by {@link loadGanCheckpoint}
 * @example
 * ```ts
 * await saveGanCheckpoint(trainer, 'runs/dcgan/checkpoint');
 * ```
 * @category IO
 */
export async function saveGanCheckpoint(trainer: GanTrainer, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  const entries = await collect(trainer);
  const sizes = entries.map(({ tensor }) => tensor.size);
  const buffer = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  const tensors: TensorEntry[] = [];
  let offset = 0;
  // One asynchronous read of every tensor (a GPU backend cannot read synchronously).
  const flat = tf.tidy(() => tf.concat(entries.map(({ tensor }) => tf.cast(tf.reshape(tensor, [-1]), 'float32'))));
  const all = (await flat.data()) as Float32Array;
  flat.dispose();
  for (const { group, name, tensor } of entries) {
    const values = all.subarray(offset, offset + tensor.size);
    // A checkpoint of NaN weights would replace the last good one: refuse it before writing anything.
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new NumericalError({
        quantity: `${group} ${name}[${bad}]`,
        value: values[bad],
        step: trainer.step,
        hint: 'No checkpoint was written (the last good one is kept). Lower the learning rates, or check the data for NaN/Inf.',
      });
    }
    buffer.set(values, offset);
    tensors.push({ group, name, shape: tensor.shape, offset });
    offset += tensor.size;
  }
  const weightsFile = `weights-${trainer.step}.bin`;
  writeFileAtomic(join(dir, weightsFile), new Uint8Array(buffer.buffer));
  const manifest: CheckpointManifest = {
    format: FORMAT,
    version: 1,
    config: trainer.config,
    step: trainer.step,
    random: { seed: trainer.seed, counter: trainer.step },
    extra,
    weightsFile,
    tensors,
  };
  writeFileAtomic(join(dir, 'checkpoint.json'), `${JSON.stringify(manifest)}\n`);
  for (const file of readdirSync(dir)) {
    if (/^weights-\d+\.bin$/.test(file) && file !== weightsFile) unlinkSync(join(dir, file));
  }
}

/**
 * Whether `dir` holds a checkpoint.
 *
 * @category IO
 */
export function hasGanCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json'));
}

/**
 * The step and the caller's extra state of the checkpoint in `dir`, without loading its weights
 * (undefined where `dir` holds none). Its checkpoint.json is checked as {@link loadGanCheckpoint}
 * checks it, and so is its architecture against `options.expect`.
 * @category IO
 */
export function ganCheckpointState(
  dir: string,
  options: LoadGanCheckpointOptions = {},
): { step: number; extra: Record<string, unknown> } | undefined {
  if (!hasGanCheckpoint(dir)) return undefined;
  const { manifest, config } = readManifest(dir);
  if (options.expect !== undefined) checkArchitecture(dir, config, options.expect);
  return { step: manifest.step, extra: manifest.extra ?? {} };
}

/** Throws an `InvalidArgumentError` naming the first architecture field in which `config` (a checkpoint's) differs from `expect`. */
function checkArchitecture(dir: string, config: ResolvedGanConfig, expect: GanConfig): void {
  const expected = resolveGanConfig(expect);
  for (const field of ARCHITECTURE) {
    if (JSON.stringify(expected[field]) !== JSON.stringify(config[field])) {
      throw new InvalidArgumentError({
        parameter: `GanConfig.${field}`,
        value: expected[field],
        message: `The checkpoint in ${dir} is of a different architecture: its ${field} is ${JSON.stringify(config[field])}.`,
      });
    }
  }
}

const GROUPS: readonly Group[] = ['generator', 'averageGenerator', 'discriminator', 'generatorOptimizer', 'discriminatorOptimizer'];
/** The largest checkpoint.json read (it holds names and shapes, not weights). */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** The most optimizer slots per variable a checkpoint may hold. */
const MAX_SLOTS = 4;

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks `dir/checkpoint.json` (see the file header); returns it with its resolved config and the weights' float count. */
function readManifest(dir: string): { manifest: CheckpointManifest; config: ResolvedGanConfig; floats: number } {
  const path = join(dir, 'checkpoint.json');
  const bad = (problem: string, cause?: unknown) =>
    new FileFormatError({
      path,
      problem,
      hint: 'It is not a bigmodel GAN checkpoint or it is corrupt.',
      cause,
    });
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(path, { maxBytes: MAX_MANIFEST_BYTES }).toString('utf8'));
  } catch (error) {
    if (FileFormatError.isInstance(error)) throw error;
    throw new FileFormatError({ path, problem: `is not a readable GAN checkpoint (${(error as Error).message})`, cause: error });
  }
  if (!isRecord(raw)) throw bad('does not hold a JSON object');
  const m = raw;
  if (m['format'] !== FORMAT || m['version'] !== 1) {
    throw new FileFormatError({
      path,
      problem: `is not a ${FORMAT} version 1 file (format ${String(m['format'])}, version ${String(m['version'])})`,
    });
  }
  if (!isRecord(m['config'])) throw bad('has no config object');
  let config: ResolvedGanConfig;
  try {
    config = resolveGanConfig(m['config'] as GanConfig);
  } catch (error) {
    throw bad(`has an invalid config (${(error as Error).message})`, error);
  }
  if (!isCount(m['step'])) throw bad(`has step ${JSON.stringify(m['step'])}, not a whole number >= 0`);
  const random = m['random'];
  if (!isRecord(random) || !isCount(random['seed']) || !isCount(random['counter'])) {
    throw bad(`has random ${JSON.stringify(random)}, not {seed, counter} of whole numbers >= 0`);
  }
  if (m['extra'] !== undefined && !isRecord(m['extra'])) throw bad('has an extra that is not an object');
  if (typeof m['weightsFile'] !== 'string' || m['weightsFile'].length === 0)
    throw bad(`has weightsFile ${JSON.stringify(m['weightsFile'])}, not a file name`);
  if (!Array.isArray(m['tensors'])) throw bad('has no tensors list');
  let floats = 0;
  (m['tensors'] as unknown[]).forEach((entry, i) => {
    const e = entry as Partial<TensorEntry> | null;
    const what = `tensor ${i} (${JSON.stringify(isRecord(e) ? e['name'] : e)})`;
    if (!isRecord(e) || !GROUPS.includes(e.group as Group) || typeof e.name !== 'string')
      throw bad(`has ${what} without a known group and a name`);
    if (!Array.isArray(e.shape) || !e.shape.every(isCount))
      throw bad(`has ${what} with shape ${JSON.stringify(e.shape)}, not a list of whole numbers >= 0`);
    if (e.offset !== floats) throw bad(`has ${what} at offset ${JSON.stringify(e.offset)} where ${floats} follows the tensors before it`);
    floats += e.shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(4 * floats)) throw bad(`declares more weights than can be read (${what})`);
  });
  return { manifest: m as unknown as CheckpointManifest, config, floats };
}

/**
 * Options of {@link loadGanCheckpoint}.
 *
 * @category IO
 */
export interface LoadGanCheckpointOptions {
  /**
   * The architecture the caller expects; a checkpoint of another architecture raises
   * `InvalidArgumentError` naming the first field that differs.
   */
  expect?: GanConfig;
}

/**
 * Rebuilds the trainer saved in `dir`: networks, optimizers, step and random state, so that
 * training continues exactly as if it had not stopped.
 *
 * @example
 * ```ts
 * const { trainer } = await loadGanCheckpoint('runs/dcgan/checkpoint', { expect: { kind: 'dcgan', ngf: 32, ndf: 32 } });
 * ```
 * @category IO
 */
export async function loadGanCheckpoint(
  dir: string,
  options: LoadGanCheckpointOptions = {},
): Promise<{ trainer: GanTrainer; extra: Record<string, unknown> }> {
  const { manifest, config, floats } = readManifest(dir);
  const manifestPath = join(dir, 'checkpoint.json');
  if (options.expect !== undefined) checkArchitecture(dir, config, options.expect);
  const trainer = GanTrainer.assemble(config, manifest.random.seed, manifest.step);
  const group = (name: Group) => manifest.tensors.filter((t) => t.group === name);
  const corrupt = (problem: string) => new FileFormatError({ path: manifestPath, problem, hint: 'It is corrupt.' });
  // Every declared tensor must fit what the config builds, so that the weights file's expected size is bounded by it.
  const checkModel = (name: Group, model: tf.LayersModel) => {
    const entries = group(name);
    const weights = model.weights;
    if (entries.length !== weights.length)
      throw corrupt(`holds ${entries.length} ${name} tensors where its config builds ${weights.length}`);
    const misfit = entries.findIndex((e, i) => !tf.util.arraysEqual(e.shape, weights[i].shape as number[]));
    if (misfit >= 0)
      throw corrupt(
        `holds ${name} tensor ${entries[misfit].name} of shape [${entries[misfit].shape}] where its config builds [${weights[misfit].shape}]`,
      );
  };
  // An optimizer keeps its iteration count and a few slots (core's Adam: 3) per trainable variable, each of that variable's shape.
  const checkOptimizer = (name: Group, variables: tf.Variable[]) => {
    const entries = group(name);
    const most = 1 + MAX_SLOTS * variables.length;
    if (entries.length > most) throw corrupt(`holds ${entries.length} ${name} tensors where at most ${most} fit`);
    const misfit = entries.find((e) => e.shape.length > 0 && !variables.some((v) => tf.util.arraysEqual(e.shape, v.shape)));
    if (misfit)
      throw corrupt(`holds ${name} tensor ${misfit.name} of shape [${misfit.shape}], the shape of none of its network's variables`);
  };
  const tensorOf = (values: Float32Array, entry: TensorEntry) =>
    tf.tensor(values.subarray(entry.offset, entry.offset + tf.util.sizeFromShape(entry.shape)), entry.shape);
  try {
    checkModel('generator', trainer.generator);
    if (trainer.averageGenerator) checkModel('averageGenerator', trainer.averageGenerator);
    else if (group('averageGenerator').length > 0)
      throw corrupt('holds averageGenerator tensors but its config keeps no averaged generator');
    checkModel('discriminator', trainer.discriminator);
    checkOptimizer('generatorOptimizer', trainer.generatorVariables);
    checkOptimizer('discriminatorOptimizer', trainer.discriminatorVariables);
    const bytes = readContainedFile(dir, manifest.weightsFile, {
      source: manifestPath,
      expectedBytes: 4 * floats,
      maxBytes: Number.MAX_SAFE_INTEGER,
    });
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, floats);
    for (const [name, model] of [
      ['generator', trainer.generator],
      ['averageGenerator', trainer.averageGenerator],
      ['discriminator', trainer.discriminator],
    ] as const) {
      if (!model) continue;
      const tensors = group(name).map((entry) => tensorOf(values, entry));
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    for (const [name, optimizer] of [
      ['generatorOptimizer', trainer.generatorOptimizer],
      ['discriminatorOptimizer', trainer.discriminatorOptimizer],
    ] as const) {
      const named = group(name).map((entry) => ({ name: entry.name, tensor: tensorOf(values, entry) }));
      await optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
    }
  } catch (error) {
    trainer.dispose();
    if (FileFormatError.isInstance(error)) throw error;
    throw new FileFormatError({
      path: manifestPath,
      problem: `does not restore (${(error as Error).message})`,
      hint: 'It is corrupt.',
      cause: error,
    });
  }
  return { trainer, extra: manifest.extra ?? {} };
}
