/**
 * A tf.io handler that saves and loads models in a directory, in TensorFlow.js' stock format
 * (model.json + binary weight shards), without tfjs-node: `model.save(fileSystemHandler(dir))`,
 * `tf.loadLayersModel(fileSystemHandler(dir))`.
 *
 * Saves are crash-safe: shards get names unique to the save and are written atomically first,
 * model.json (which names them) is replaced atomically last, and only then are the previous
 * save's shards removed. A reader therefore always finds a complete model.
 *
 * Loads treat model.json as untrusted: every shard it lists must stay inside `dir` after symlinks
 * are resolved and be a regular file, and the shards' sizes (by `stat`) must add up to the bytes
 * the manifest's shapes declare before a byte of them is read.
 */
import { existsSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { FileFormatError, InvalidArgumentError } from '../errors';
import { readRegularFile } from './read-regular-file';
import { resolveContainedPath } from './resolve-contained-path';
import { writeFileAtomic } from './write-file-atomic';

const MODEL_JSON = 'model.json';
/** The names of the shards {@link fileSystemHandler} writes. */
const OWN_SHARD = /^weights-[a-z0-9]+-shard\d+of\d+\.bin$/;
/** Shard size of saved weights (as tfjs-converter writes them). */
const SHARD_BYTES = 4 * 1024 * 1024;
/** The largest model.json read (topology and manifest, no weights). */
const MAX_MODEL_JSON_BYTES = 256 * 1024 * 1024;

/** The weight bytes of a save, as one buffer. */
function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

function readJson(path: string): tf.io.ModelJSON {
  if (!existsSync(path)) {
    throw new FileFormatError({
      path,
      problem: 'does not exist',
      hint: 'Save a model there first (saveModel or model.save(fileSystemHandler(dir))).',
    });
  }
  try {
    return JSON.parse(readRegularFile(path, { maxBytes: MAX_MODEL_JSON_BYTES }).toString('utf8')) as tf.io.ModelJSON;
  } catch (cause) {
    if (FileFormatError.isInstance(cause)) throw cause;
    throw new FileFormatError({ path, problem: 'is not valid JSON', cause });
  }
}

/**
 * A tf.io.IOHandler for directory `dir` (created on save).
 *
 * @example
 * ```ts
 * await model.save(fileSystemHandler('models/cnn'), { includeOptimizer: true });
 * const again = await tf.loadLayersModel(fileSystemHandler('models/cnn'));
 * ```
 * @category IO
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new InvalidArgumentError({ parameter: 'dir', value: dir, message: 'Expected a directory path.' });
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new InvalidArgumentError({
          parameter: 'artifacts.modelTopology',
          value: 'ArrayBuffer',
          message: 'Only JSON topologies (LayersModel) are supported.',
        });
      }
      const weights = joinWeightData(artifacts.weightData);
      const stamp = `${Date.now().toString(36)}${process.pid.toString(36)}`;
      const count = Math.max(1, Math.ceil(weights.length / SHARD_BYTES));
      const paths = Array.from({ length: count }, (_, i) => `weights-${stamp}-shard${i + 1}of${count}.bin`);
      paths.forEach((name, i) => writeFileAtomic(join(dir, name), weights.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES)));
      const previous = existsSync(join(dir, MODEL_JSON))
        ? (readJson(join(dir, MODEL_JSON)).weightsManifest?.flatMap((g) => g.paths) ?? [])
        : [];
      const modelJson: tf.io.ModelJSON = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: '@bigmodel/core fileSystemHandler',
        modelTopology: artifacts.modelTopology as object,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      // Only the shards a save of ours names (no path in them: the name stays in this directory); a
      // model.json written by someone else cannot make a save delete anything else.
      for (const stale of previous) {
        if (!paths.includes(stale) && OWN_SHARD.test(stale) && lexists(join(dir, stale))) unlinkSync(join(dir, stale));
      }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      const modelJson = readJson(jsonPath);
      if (modelJson.modelTopology == null) throw new FileFormatError({ path: jsonPath, problem: 'has no modelTopology' });
      if (!Array.isArray(modelJson.weightsManifest)) throw new FileFormatError({ path: jsonPath, problem: 'has no weightsManifest' });
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.paths) && Array.isArray(g?.weights))) {
          throw new FileFormatError({ path: jsonPath, problem: 'has a weightsManifest that is not a list of {paths, weights} groups' });
        }
        const specs = manifest.flatMap((group) => group.weights);
        const expected = specs.reduce((sum, spec) => sum + declaredBytes(jsonPath, spec), 0);
        // Every shard located and sized before any is read: a shard of the wrong size is never read.
        const shards = manifest
          .flatMap((group) => group.paths)
          .map((name) => {
            const path = join(dir, String(name));
            const inside = relative(resolve(dir), resolve(path));
            if (typeof name !== 'string' || inside === '' || inside.startsWith('..') || isAbsolute(inside) || isAbsolute(name)) {
              throw new FileFormatError({
                path: jsonPath,
                problem: `lists weight path ${JSON.stringify(name)}, which is outside the model directory`,
                hint: 'Refusing to read it.',
              });
            }
            if (!lexists(path))
              throw new FileFormatError({ path, problem: 'is missing', hint: `${MODEL_JSON} lists it as a weight shard.` });
            const real = resolveContainedPath(dir, name, { source: jsonPath });
            const stat = statSync(real);
            if (!stat.isFile()) throw new FileFormatError({ path, problem: 'is not a regular file', hint: 'Refusing to read it.' });
            return { real, bytes: stat.size };
          });
        const found = shards.reduce((sum, shard) => sum + shard.bytes, 0);
        if (found !== expected) {
          throw new FileFormatError({
            path: join(dir, manifest[0]?.paths[0] ?? MODEL_JSON),
            problem: `holds ${found} bytes of weights where the manifest describes ${expected}`,
            hint: 'The save was truncated or shards were mixed.',
          });
        }
        const buffers = shards.map(({ real, bytes: size }) => {
          const bytes = readRegularFile(real, { expectedBytes: size, maxBytes: size });
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        });
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

const lexists = (path: string) => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

/** The bytes weight `spec` of the manifest in `jsonPath` declares (its shape's size times its dtype's width). */
function declaredBytes(jsonPath: string, spec: tf.io.WeightsManifestEntry): number {
  const shape: unknown = spec?.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FileFormatError({
      path: jsonPath,
      problem: `declares weight ${JSON.stringify(spec?.name)} with shape ${JSON.stringify(shape)}, not a list of whole numbers >= 0`,
    });
  }
  return shape.reduce((a: number, b: number) => a * b, 1) * bytesPer(spec.quantization?.dtype ?? spec.dtype);
}

function bytesPer(dtype: string): number {
  return dtype === 'bool' || dtype === 'uint8' ? 1 : dtype === 'float16' || dtype === 'int16' ? 2 : 4;
}
