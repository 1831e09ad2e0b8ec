/**
 * Checkpoints of a GAN run in core's checkpoint format (docs/checkpoints.md): both networks
 * (batch-norm running statistics included) and the averaged generator if the run keeps one as
 * weights named `<network>/<weight>`, both optimizers' state (iteration count and every slot) as
 * `<optimizer>/<slot>`, the step as a counter and the random state (seed and step counter; see
 * random-streams.ts) as rng. Core writes it atomically (a crash leaves the old checkpoint or the new
 * one, never a mix) and reads it as untrusted input. Weights holding a NaN or an infinity are never
 * written (a NumericalError names the first), so the last good checkpoint stays.
 *
 * Checkpoints of the format before it (`checkpoint.json` naming `weights-<step>.bin`, the tensors
 * tiling it as float32) still load; loading treats them as untrusted in the same way: every field is
 * checked before use, the tensors must tile the weights file in order, `weightsFile` must stay inside
 * the checkpoint directory (after symlinks) and be a regular file of exactly the declared size
 * (checked by `fstat` before reading). Every defect is one {@link FileFormatError} naming the file.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import {
  checkpointArrays,
  checkpointTensor,
  FileFormatError,
  hasCheckpoint,
  InvalidArgumentError,
  NumericalError,
  readCheckpoint,
  readContainedFile,
  readRegularFile,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointArray,
} from '@bigmodel/core';

import { resolveGanConfig, type GanConfig, type ResolvedGanConfig } from '../models/gan-config';
import { GanTrainer } from '../training/gan-trainer';

/** The format of checkpoint.json, read for checkpoints written before core's format. */
const FORMAT = 'bigmodel-gan-checkpoint';
/** The writer of gan's checkpoints in core's format. */
const PACKAGE = '@bigmodel/gan';
/** The manifest of the format before core's. */
const OLD_MANIFEST = 'checkpoint.json';
const OLD_WEIGHTS = /^weights-\d+\.bin$/;

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

/** What `checkpoint.json` (the format before core's) holds. */
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
  const arrays = await checkpointArrays(entries.map(({ group, name, tensor }) => ({ name: `${group}/${name}`, tensor })));
  for (const [i, { values }] of arrays.entries()) {
    // A checkpoint of NaN weights would replace the last good one: refuse it before writing anything.
    const bad = values.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new NumericalError({
        quantity: `${entries[i].group} ${entries[i].name}[${bad}]`,
        value: values[bad],
        step: trainer.step,
        hint: 'No checkpoint was written (the last good one is kept). Lower the learning rates, or check the data for NaN/Inf.',
      });
    }
  }
  const isOptimizer = (i: number) => entries[i].group.endsWith('Optimizer');
  const checkpoint: Checkpoint = {
    writer: { package: PACKAGE, kind: trainer.config.kind },
    config: trainer.config as unknown as Record<string, unknown>,
    counters: { step: trainer.step },
    rng: { seed: trainer.seed, counter: trainer.step },
    state: { extra },
    weights: arrays.filter((_, i) => !isOptimizer(i)),
    optimizer: arrays.filter((_, i) => isOptimizer(i)),
    arrays: [],
  };
  writeCheckpoint(dir, checkpoint);
  // A checkpoint of the format before core's, replaced by this one.
  for (const file of readdirSync(dir)) {
    if (file === OLD_MANIFEST || OLD_WEIGHTS.test(file)) rmSync(join(dir, file), { force: true });
  }
}

/**
 * Whether `dir` holds a checkpoint.
 *
 * @category IO
 */
export function hasGanCheckpoint(dir: string): boolean {
  return hasCheckpoint(dir) || existsSync(join(dir, OLD_MANIFEST));
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
  const { config, step, extra } = isOldCheckpoint(dir) ? readOldCheckpoint(dir) : readCoreCheckpoint(dir, true);
  if (options.expect !== undefined) checkArchitecture(dir, config, options.expect);
  return { step, extra };
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

/** A checkpoint of either format, checked: its tensors' values are read only when asked, after their shapes were checked. */
interface SavedTrainer {
  /** The file that describes the checkpoint, named in errors. */
  path: string;
  config: ResolvedGanConfig;
  seed: number;
  step: number;
  extra: Record<string, unknown>;
  tensors: { group: Group; name: string; shape: number[] }[];
  /** The values of `tensors`, in their order. */
  values(): CheckpointArray['values'][];
}

/** Whether `dir` holds a checkpoint of the format before core's and none of core's. */
const isOldCheckpoint = (dir: string) => !hasCheckpoint(dir) && existsSync(join(dir, OLD_MANIFEST));

/** Reads the checkpoint of the format before core's in `dir` (see {@link readManifest}). */
function readOldCheckpoint(dir: string): SavedTrainer {
  const { manifest, config, floats } = readManifest(dir);
  const path = join(dir, OLD_MANIFEST);
  return {
    path,
    config,
    seed: manifest.random.seed,
    step: manifest.step,
    extra: manifest.extra ?? {},
    tensors: manifest.tensors,
    values: () => {
      const bytes = readContainedFile(dir, manifest.weightsFile, {
        source: path,
        expectedBytes: 4 * floats,
        maxBytes: Number.MAX_SAFE_INTEGER,
      });
      const all = new Float32Array(bytes.buffer, bytes.byteOffset, floats);
      return manifest.tensors.map((t) => all.subarray(t.offset, t.offset + tf.util.sizeFromShape(t.shape)));
    },
  };
}

/** Reads the checkpoint of core's format in `dir`, checking what gan adds to it (config, counters, rng, state, array names). */
function readCoreCheckpoint(dir: string, manifestOnly: boolean): SavedTrainer {
  const checkpoint = readCheckpoint(dir, { expect: { package: PACKAGE }, manifestOnly, maxBytes: Number.MAX_SAFE_INTEGER });
  const path = join(dir, 'manifest.json');
  const bad = (problem: string, cause?: unknown) =>
    new FileFormatError({ path, problem, hint: 'It is not a bigmodel GAN checkpoint or it is corrupt.', cause });
  let config: ResolvedGanConfig;
  try {
    config = resolveGanConfig(checkpoint.config as unknown as GanConfig);
  } catch (error) {
    throw bad(`has an invalid config (${(error as Error).message})`, error);
  }
  const { step } = checkpoint.counters;
  if (!isCount(step)) throw bad(`has counters.step ${JSON.stringify(step)}, not a whole number >= 0`);
  const { seed, counter } = checkpoint.rng;
  if (!isCount(seed) || !isCount(counter))
    throw bad(`has rng ${JSON.stringify(checkpoint.rng)}, not {seed, counter} of whole numbers >= 0`);
  const extra = checkpoint.state['extra'];
  if (extra !== undefined && !isRecord(extra)) throw bad('has a state.extra that is not an object');
  const arrays = [...checkpoint.weights, ...checkpoint.optimizer];
  const tensors = arrays.map(({ name, shape }, i) => {
    const slash = name.indexOf('/');
    const group = name.slice(0, slash) as Group;
    if (slash < 0 || !GROUPS.includes(group) || group.endsWith('Optimizer') !== i >= checkpoint.weights.length)
      throw bad(`has the array ${JSON.stringify(name)}, not <network or optimizer>/<name> in its section`);
    return { group, name: name.slice(slash + 1), shape };
  });
  return { path, config, seed, step, extra: extra ?? {}, tensors, values: () => arrays.map((a) => a.values) };
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
  const saved = isOldCheckpoint(dir) ? readOldCheckpoint(dir) : readCoreCheckpoint(dir, false);
  const manifestPath = saved.path;
  const { config } = saved;
  if (options.expect !== undefined) checkArchitecture(dir, config, options.expect);
  const trainer = GanTrainer.assemble(config, saved.seed, saved.step);
  const indexed = saved.tensors.map((entry, index) => ({ ...entry, index }));
  const group = (name: Group) => indexed.filter((t) => t.group === name);
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
        `holds ${name} tensor ${entries[misfit].name} of shape [${entries[misfit].shape}] ` +
          `where its config builds [${weights[misfit].shape}]`,
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
  try {
    checkModel('generator', trainer.generator);
    if (trainer.averageGenerator) checkModel('averageGenerator', trainer.averageGenerator);
    else if (group('averageGenerator').length > 0)
      throw corrupt('holds averageGenerator tensors but its config keeps no averaged generator');
    checkModel('discriminator', trainer.discriminator);
    checkOptimizer('generatorOptimizer', trainer.generatorVariables);
    checkOptimizer('discriminatorOptimizer', trainer.discriminatorVariables);
    const values = saved.values();
    const tensorOf = (entry: (typeof indexed)[number]) =>
      checkpointTensor({ name: entry.name, shape: entry.shape, values: values[entry.index] });
    for (const [name, model] of [
      ['generator', trainer.generator],
      ['averageGenerator', trainer.averageGenerator],
      ['discriminator', trainer.discriminator],
    ] as const) {
      if (!model) continue;
      const tensors = group(name).map(tensorOf);
      model.setWeights(tensors);
      tf.dispose(tensors);
    }
    for (const [name, optimizer] of [
      ['generatorOptimizer', trainer.generatorOptimizer],
      ['discriminatorOptimizer', trainer.discriminatorOptimizer],
    ] as const) {
      const named = group(name).map((entry) => ({ name: entry.name, tensor: tensorOf(entry) }));
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
  return { trainer, extra: saved.extra };
}
