/**
 * The one checkpoint format of bigmodel (see docs/checkpoints.md): a directory holding
 * `manifest.json` and three binaries, `weights.<id>.bin` (model weights), `optimizer.<id>.bin`
 * (optimizer state) and `arrays.<id>.bin` (other arrays a run needs to resume, such as a replay
 * buffer). The manifest records the format and version, which package wrote it and of what kind,
 * the writer's config, its counters, its random state, free-form JSON state, and for each binary the
 * file name, its size and an index of named arrays (dtype, shape, byte offset and length).
 */

/**
 * The `format` field of every checkpoint manifest.
 *
 * @category Checkpoints
 */
export const CHECKPOINT_FORMAT = 'bigmodel-checkpoint';

/**
 * The version of the format that {@link writeCheckpoint} writes and {@link readCheckpoint} reads.
 *
 * @category Checkpoints
 */
export const CHECKPOINT_VERSION = 1;

/**
 * The manifest's file name inside a checkpoint directory; writing it is the commit of a checkpoint.
 *
 * @category Checkpoints
 */
export const CHECKPOINT_MANIFEST = 'manifest.json';

/**
 * The binaries of a checkpoint, one file each.
 *
 * @category Checkpoints
 */
export const CHECKPOINT_SECTIONS = ['weights', 'optimizer', 'arrays'] as const;

/**
 * One of {@link CHECKPOINT_SECTIONS}.
 *
 * @category Checkpoints
 */
export type CheckpointSection = (typeof CHECKPOINT_SECTIONS)[number];

/**
 * The element types a checkpoint array may have (stored little-endian).
 *
 * @category Checkpoints
 */
export type CheckpointDtype = 'float32' | 'int32' | 'uint8';

/**
 * A named array of a checkpoint; its dtype is that of `values`.
 *
 * @category Checkpoints
 */
export interface CheckpointArray {
  /** Unique within its section. */
  name: string;
  /** Whole numbers >= 0 whose product is `values.length`. */
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * What a checkpoint holds, as {@link writeCheckpoint} takes it and {@link readCheckpoint} returns it.
 *
 * @category Checkpoints
 */
export interface Checkpoint {
  /** Which package wrote it (`@bigmodel/rl`) and what (`dqn`, `dcgan`, `fit`). */
  writer: { package: string; kind: string };
  /** The writer's configuration, as JSON. */
  config: Record<string, unknown>;
  /** Progress counters (step, epoch, episodes), finite numbers. */
  counters: Record<string, number>;
  /** Model weights. */
  weights: CheckpointArray[];
  /** Optimizer state (iteration counts and slots). */
  optimizer: CheckpointArray[];
  /** The random state needed to continue draw for draw, as JSON (e.g. `{ state: rng.state }`). */
  rng: Record<string, unknown>;
  /** Any other JSON state of the writer. */
  state: Record<string, unknown>;
  /** Any other arrays of the writer (a replay buffer, the observations of episodes in progress). */
  arrays: CheckpointArray[];
}

/** One entry of a section's index in the manifest. */
export interface CheckpointArrayEntry {
  name: string;
  dtype: CheckpointDtype;
  shape: number[];
  /** Byte offset in the section's file; the arrays tile the file in order. */
  offset: number;
  /** Bytes: the product of the shape times the dtype's size. */
  length: number;
}

/** What `manifest.json` holds. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  writer: { package: string; kind: string };
  config: Record<string, unknown>;
  counters: Record<string, number>;
  rng: Record<string, unknown>;
  state: Record<string, unknown>;
  files: Record<CheckpointSection, { path: string; bytes: number; arrays: CheckpointArrayEntry[] }>;
}

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<CheckpointDtype, number> = { float32: 4, int32: 4, uint8: 1 };

/** The dtype of a typed array, or undefined for another type. */
export function dtypeOf(values: unknown): CheckpointDtype | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'uint8';
  return undefined;
}

/** The file names a writer gives its binaries (`weights.<id>.bin`), and their temp files. */
export const SECTION_FILE = /^(?:weights|optimizer|arrays)\.[0-9a-z-]+\.bin(?:\.tmp-\d+-\d+)?$/;
