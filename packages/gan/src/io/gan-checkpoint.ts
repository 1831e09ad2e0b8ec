/**
 * Checkpoints of a GAN run: both networks (batch-norm running statistics included) and the
 * averaged generator if the run keeps one, both
 * optimizers' state (iteration count and every slot), the step and the random state (seed and step
 * counter; see random-streams.ts). The weights go to `weights-<step>.bin`, then `checkpoint.json`
 * (which names that file) replaces the old one; both writes are atomic, so a crash leaves the old
 * checkpoint or the new one, never a mix. Weights holding a NaN or an infinity are never written
 * (a NumericalError names the first), so the last good checkpoint stays.
 */
import { existsSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { FileFormatError, InvalidArgumentError, NumericalError, writeFileAtomic } from '@bigmodel/core';

import { resolveGanConfig, type GanConfig, type ResolvedGanConfig } from '../models/gan-config';
import { GanTrainer } from '../training/gan-trainer';

const FORMAT = 'bigmodel-gan-checkpoint';

/** The architecture fields: a checkpoint fits a trainer only if these agree. */
const ARCHITECTURE: (keyof ResolvedGanConfig)[] = ['kind', 'imageShape', 'nz', 'ngf', 'ndf', 'depth', 'classes', 'discriminatorNormalization', 'discriminatorPacking', 'minibatchStddev'];

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
  const fromOptimizer = async (group: Group, optimizer: tf.Optimizer) => (await optimizer.getWeights()).map(({ name, tensor }) => ({ group, name, tensor }));
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
  for (const { group, name, tensor } of entries) {
    const values = tensor.dataSync() as Float32Array;
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

/** Whether `dir` holds a checkpoint. */
export function hasGanCheckpoint(dir: string): boolean {
  return existsSync(join(dir, 'checkpoint.json'));
}

/**
 * The step and the caller's extra state of the checkpoint in `dir`, without loading its weights
 * (undefined where `dir` holds none).
 */
export function ganCheckpointState(dir: string): { step: number; extra: Record<string, unknown> } | undefined {
  if (!hasGanCheckpoint(dir)) return undefined;
  const manifest = readManifest(dir);
  return { step: manifest.step, extra: manifest.extra ?? {} };
}

function readManifest(dir: string): CheckpointManifest {
  const path = join(dir, 'checkpoint.json');
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as CheckpointManifest;
  } catch (error) {
    throw new FileFormatError({ path, problem: `is not a readable GAN checkpoint (${(error as Error).message})` });
  }
  if (manifest.format !== FORMAT || manifest.version !== 1) {
    throw new FileFormatError({ path, problem: `is not a ${FORMAT} version 1 file (format ${String(manifest.format)}, version ${String(manifest.version)})` });
  }
  return manifest;
}

/** Options of {@link loadGanCheckpoint}. */
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
export async function loadGanCheckpoint(dir: string, options: LoadGanCheckpointOptions = {}): Promise<{ trainer: GanTrainer; extra: Record<string, unknown> }> {
  const manifest = readManifest(dir);
  const config = resolveGanConfig(manifest.config);
  if (options.expect !== undefined) {
    const expected = resolveGanConfig(options.expect);
    for (const field of ARCHITECTURE) {
      if (JSON.stringify(expected[field]) !== JSON.stringify(config[field])) {
        throw new InvalidArgumentError({
          parameter: field,
          value: expected[field],
          message: `The checkpoint in ${dir} is of a different architecture: its ${field} is ${JSON.stringify(config[field])}.`,
        });
      }
    }
  }
  const weightsPath = join(dir, manifest.weightsFile);
  let bytes: Buffer;
  try {
    bytes = readFileSync(weightsPath);
  } catch (error) {
    throw new FileFormatError({ path: weightsPath, problem: `cannot be read (${(error as Error).message})`, hint: "The checkpoint's weights file is missing" });
  }
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const trainer = GanTrainer.assemble(config, manifest.random.seed, manifest.step);
  const group = (name: Group) => manifest.tensors.filter((t) => t.group === name);
  const tensorOf = (entry: TensorEntry) => {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.offset + size > values.length) throw new FileFormatError({ path: weightsPath, problem: `is truncated: ${entry.name} needs values up to ${entry.offset + size}, the file has ${values.length}` });
    return tf.tensor(values.subarray(entry.offset, entry.offset + size), entry.shape);
  };
  const restoreModel = (name: Group, model: tf.LayersModel) => {
    const entries = group(name);
    const weights = model.weights;
    const fits = entries.length === weights.length && entries.every((e, i) => tf.util.arraysEqual(e.shape, weights[i].shape as number[]));
    if (!fits) {
      throw new InvalidArgumentError({
        parameter: 'checkpoint',
        value: dir,
        message: `The ${name} weights in the checkpoint (${entries.length} tensors) do not fit the ${name} built from its config (${weights.length} tensors); it is from a different architecture or corrupt.`,
      });
    }
    const tensors = entries.map(tensorOf);
    model.setWeights(tensors);
    tf.dispose(tensors);
  };
  try {
    restoreModel('generator', trainer.generator);
    if (trainer.averageGenerator) restoreModel('averageGenerator', trainer.averageGenerator);
    restoreModel('discriminator', trainer.discriminator);
    for (const [name, optimizer] of [['generatorOptimizer', trainer.generatorOptimizer], ['discriminatorOptimizer', trainer.discriminatorOptimizer]] as const) {
      const named = group(name).map((entry) => ({ name: entry.name, tensor: tensorOf(entry) }));
      await optimizer.setWeights(named);
      tf.dispose(named.map((n) => n.tensor));
    }
  } catch (error) {
    trainer.dispose();
    throw error;
  }
  return { trainer, extra: manifest.extra ?? {} };
}
