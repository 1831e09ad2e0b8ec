/**
 * The checkpoints of {@link fit}, in core's checkpoint format (docs/checkpoints.md): the model's
 * weights and its optimizer's state as arrays named as tfjs names them, the model topology and
 * training config as config, epoch and step as counters, the seed of the batch order as rng, and the
 * history of the epochs done as state.
 *
 * Checkpoints of the format before it (`latest.json` naming an `epoch-N` directory in tfjs' model
 * format) still load; `latest.json` is untrusted: only an `epoch-N` directory inside `dir`, never
 * through a symlink out, is loaded, and replaced by a new checkpoint.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { hasCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointArray } from '../checkpoint';
import { FileFormatError, InvalidArgumentError } from '../errors';
import { loadModel, readRegularFile, resolveContainedPath, type LoadModelOptions } from '../io';
import { modelFromArtifacts } from '../io/load-model';
import type { EpochLogs } from './callbacks';

/** Where a checkpoint of fit stands. */
export interface FitCheckpointState {
  epoch: number;
  step: number;
  seed: number;
  history: EpochLogs[];
}

const WRITER = { package: '@bigmodel/core', kind: 'fit' };
/** The largest latest.json read (it holds a few numbers and the epoch history). */
const MAX_STATE_BYTES = 64 * 1024 * 1024;
/** The names of the checkpoint directories of the format before core's (`epoch-N`). */
const OLD_CHECKPOINT_NAME = /^epoch-\d+$/;

/** `model`'s topology, training config, weights and optimizer state, as tfjs saves them. */
async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return saved!;
}

/** The arrays of tfjs weight specs over `data`, split into model weights and optimizer weights. */
function arraysOf(specs: tf.io.WeightsManifestEntry[], data: Uint8Array): { weights: CheckpointArray[]; optimizer: CheckpointArray[] } {
  const weights: CheckpointArray[] = [];
  const optimizer: CheckpointArray[] = [];
  let offset = 0;
  for (const { name, shape, dtype, group } of specs) {
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new InvalidArgumentError({
        parameter: `model weight ${name}`,
        value: dtype,
        message: 'Checkpoints hold float32 and int32 weights.',
      });
    }
    const length = 4 * shape.reduce((a, b) => a * b, 1);
    const bytes = data.slice(offset, offset + length);
    offset += length;
    const values = dtype === 'float32' ? new Float32Array(bytes.buffer) : new Int32Array(bytes.buffer);
    (group === 'optimizer' ? optimizer : weights).push({ name, shape: [...shape], values });
  }
  return { weights, optimizer };
}

/**
 * Writes the checkpoint of `model` at `state` into `dir`, then removes a checkpoint of the format
 * before core's that `dir` held (its `latest.json` and the `epoch-N` directory it names).
 */
export async function writeFitCheckpoint(dir: string, model: tf.LayersModel, state: FitCheckpointState): Promise<void> {
  const artifacts = await artifactsOf(model);
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
  const { weights, optimizer } = arraysOf(artifacts.weightSpecs ?? [], data);
  const old = existsSync(join(dir, 'latest.json')) ? oldCheckpointName(dir) : undefined;
  writeCheckpoint(dir, {
    writer: WRITER,
    config: { modelTopology: artifacts.modelTopology, trainingConfig: artifacts.trainingConfig ?? null },
    counters: { epoch: state.epoch, step: state.step },
    rng: { seed: state.seed },
    state: { history: state.history },
    weights,
    optimizer,
    arrays: [],
  });
  // latest.json is untrusted: only a checkpoint directory of ours (epoch-N) inside `dir`, and never through a symlink out, is removed.
  if (old !== undefined && OLD_CHECKPOINT_NAME.test(old) && existsSync(join(dir, old))) {
    rmSync(resolveContainedPath(dir, old, { source: join(dir, 'latest.json') }), { recursive: true, force: true });
  }
  rmSync(join(dir, 'latest.json'), { force: true });
}

/** The checkpoint directory an old latest.json names, unchecked (undefined when unreadable). */
function oldCheckpointName(dir: string): string | undefined {
  try {
    const { model } = JSON.parse(readRegularFile(join(dir, 'latest.json'), { maxBytes: MAX_STATE_BYTES }).toString('utf8'));
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined; // an unreadable latest.json names nothing to remove
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Loads the checkpoint of {@link fit} in `dir` (either format): the compiled model with its optimizer
 * state, and where the run stands. Any defect is a FileFormatError naming the file.
 */
export async function readFitCheckpoint(dir: string, options: LoadModelOptions): Promise<{ model: tf.LayersModel } & FitCheckpointState> {
  if (!hasCheckpoint(dir)) return readOldFitCheckpoint(dir, options);
  const path = join(dir, 'manifest.json');
  const checkpoint = readCheckpoint(dir, { expect: WRITER });
  const bad = (problem: string) => new FileFormatError({ path, problem, hint: 'It is not a checkpoint of fit or it is corrupt.' });
  const { epoch, step } = checkpoint.counters;
  if (!isCount(epoch) || !isCount(step))
    throw bad(`has counters ${JSON.stringify(checkpoint.counters)}, not {epoch, step} of whole numbers >= 0`);
  const { seed } = checkpoint.rng;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw bad(`has rng.seed ${JSON.stringify(seed)}, not a number`);
  const history = checkpoint.state['history'];
  if (!Array.isArray(history) || history.length !== epoch) throw bad(`has a state.history that is not the list of its ${epoch} epochs`);
  const { modelTopology, trainingConfig } = checkpoint.config;
  if (typeof modelTopology !== 'object' || modelTopology === null) throw bad('has no config.modelTopology');
  const spec = (group?: 'optimizer') => (a: CheckpointArray) => ({
    name: a.name,
    shape: a.shape,
    dtype: a.values instanceof Int32Array ? ('int32' as const) : ('float32' as const),
    ...(group ? { group } : {}),
  });
  const all = [...checkpoint.weights, ...checkpoint.optimizer];
  if (all.some((a) => a.values instanceof Uint8Array)) throw bad('holds uint8 weights, which fit never writes');
  const data = new Uint8Array(all.reduce((n, a) => n + a.values.byteLength, 0));
  let offset = 0;
  for (const { values } of all) {
    data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    offset += values.byteLength;
  }
  let model: tf.LayersModel;
  try {
    model = await modelFromArtifacts(
      {
        modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'],
        ...(trainingConfig ? { trainingConfig: trainingConfig as tf.io.TrainingConfig } : {}),
        weightSpecs: [...checkpoint.weights.map(spec()), ...checkpoint.optimizer.map(spec('optimizer'))],
        weightData: data.buffer,
      },
      options,
      dir,
    );
  } catch (error) {
    if (InvalidArgumentError.isInstance(error) || FileFormatError.isInstance(error)) throw error;
    throw new FileFormatError({
      path,
      problem: `does not restore a model (${(error as Error).message})`,
      hint: 'It is corrupt.',
      cause: error,
    });
  }
  return { model, epoch, step, seed, history: history as EpochLogs[] };
}

/** Loads a checkpoint of the format before core's: `latest.json` naming an `epoch-N` model directory. */
async function readOldFitCheckpoint(dir: string, options: LoadModelOptions): Promise<{ model: tf.LayersModel } & FitCheckpointState> {
  const latest = join(dir, 'latest.json');
  if (!existsSync(latest))
    throw new FileFormatError({
      path: join(dir, 'manifest.json'),
      problem: 'does not exist',
      hint: 'Nothing to resume: run fit with checkpoint: { dir } first.',
    });
  let state: FitCheckpointState & { model: string };
  try {
    state = JSON.parse(readRegularFile(latest, { maxBytes: MAX_STATE_BYTES }).toString('utf8'));
  } catch (cause) {
    throw new FileFormatError({ path: latest, problem: 'is not valid JSON', cause });
  }
  if (typeof state?.model !== 'string' || !OLD_CHECKPOINT_NAME.test(state.model)) {
    throw new FileFormatError({
      path: latest,
      problem: `names the checkpoint ${JSON.stringify(state?.model)}, not epoch-N`,
      hint: 'Refusing to load it.',
    });
  }
  const model = await loadModel(resolveContainedPath(dir, state.model, { source: latest }), options);
  return { model, epoch: state.epoch, step: state.step, seed: state.seed, history: state.history };
}
