/**
 * A fixed-capacity ring buffer of transitions for off-policy agents (Stable-Baselines3's
 * `ReplayBuffer`): sampled uniformly with replacement. `terminated` is the MDP's end only; a
 * time-limit truncation is stored as not done, with the final observation as next observation, so
 * that the target bootstraps from it. With `maskSize` it also keeps each next observation's action
 * mask, for a masked max in the target.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import type { Rng } from '../../utils/rng';
import { decodeFloat32, decodeUint8, encodeArray, type EncodedArray } from '../checkpoint';

/**
 * A sampled batch, row after row.
 *
 * @category Agents
 */
export interface ReplayBatch {
  observations: Float32Array;
  nextObservations: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  /** 1 where the transition ended the episode by termination. */
  terminated: Float32Array;
  /** The action masks of the next observations (`batchSize x maskSize`), when the buffer keeps masks. */
  nextActionMasks?: Float32Array;
}

/**
 * Transitions `(s, a, r, s', terminated)` of one environment.
 * @example
 * ```ts
 * const buffer = new ReplayBuffer(100_000, 4);
 * buffer.add(obs, nextObs, 1, 1.0, false);
 * const batch = buffer.sample(64, new Rng(0));
 * ```
 * @category Agents
 */
export class ReplayBuffer {
  private readonly observations: Float32Array;
  private readonly nextObservations: Float32Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly terminated: Uint8Array;
  private readonly nextActionMasks: Uint8Array;
  /** Where the next transition goes. */
  position = 0;
  /** Whether the buffer has wrapped around. */
  full = false;

  constructor(
    readonly capacity: number,
    readonly observationSize: number,
    readonly actionSize = 1,
    /** Length of the next observations' action masks to keep (0, the default, keeps none). */
    readonly maskSize = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new InvalidArgumentError({ parameter: 'capacity', value: capacity, message: 'Must be a positive integer.' });
    this.observations = new Float32Array(capacity * observationSize);
    this.nextObservations = new Float32Array(capacity * observationSize);
    this.actions = new Float32Array(capacity * actionSize);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Uint8Array(capacity);
    this.nextActionMasks = new Uint8Array(capacity * maskSize);
  }

  /** Number of stored transitions. */
  get size(): number {
    return this.full ? this.capacity : this.position;
  }

  /** Stores one transition, overwriting the oldest when full. */
  add(
    observation: ArrayLike<number>,
    nextObservation: ArrayLike<number>,
    action: number | ArrayLike<number>,
    reward: number,
    terminated: boolean,
    nextActionMask?: ArrayLike<number> | null,
  ): void {
    const i = this.position;
    if (this.maskSize > 0) {
      if (nextActionMask) this.nextActionMasks.set(nextActionMask, i * this.maskSize);
      else this.nextActionMasks.fill(1, i * this.maskSize, (i + 1) * this.maskSize);
    }
    this.observations.set(observation, i * this.observationSize);
    this.nextObservations.set(nextObservation, i * this.observationSize);
    if (typeof action === 'number') this.actions[i] = action;
    else this.actions.set(action, i * this.actionSize);
    this.rewards[i] = reward;
    this.terminated[i] = terminated ? 1 : 0;
    this.position = (i + 1) % this.capacity;
    if (this.position === 0) this.full = true;
  }

  /** `batchSize` transitions drawn uniformly with replacement. */
  sample(batchSize: number, rng: Rng): ReplayBatch {
    if (this.size === 0)
      throw new InvalidArgumentError({
        parameter: 'batchSize',
        value: batchSize,
        message: 'The replay buffer is empty; add transitions before sampling.',
      });
    const [o, a] = [this.observationSize, this.actionSize];
    const batch: ReplayBatch = {
      observations: new Float32Array(batchSize * o),
      nextObservations: new Float32Array(batchSize * o),
      actions: new Float32Array(batchSize * a),
      rewards: new Float32Array(batchSize),
      terminated: new Float32Array(batchSize),
      ...(this.maskSize > 0 ? { nextActionMasks: new Float32Array(batchSize * this.maskSize) } : {}),
    };
    const w = this.maskSize;
    for (let k = 0; k < batchSize; k++) {
      const i = rng.integer(0, this.size);
      batch.observations.set(this.observations.subarray(i * o, (i + 1) * o), k * o);
      batch.nextObservations.set(this.nextObservations.subarray(i * o, (i + 1) * o), k * o);
      batch.actions.set(this.actions.subarray(i * a, (i + 1) * a), k * a);
      batch.rewards[k] = this.rewards[i];
      batch.terminated[k] = this.terminated[i];
      batch.nextActionMasks?.set(this.nextActionMasks.subarray(i * w, (i + 1) * w), k * w);
    }
    return batch;
  }

  /** Everything, for a checkpoint. */
  toJSON(): object {
    const n = this.size;
    const [o, a] = [this.observationSize, this.actionSize];
    return {
      capacity: this.capacity,
      position: this.position,
      full: this.full,
      observations: encodeArray(this.observations.subarray(0, n * o)),
      nextObservations: encodeArray(this.nextObservations.subarray(0, n * o)),
      actions: encodeArray(this.actions.subarray(0, n * a)),
      rewards: encodeArray(this.rewards.subarray(0, n)),
      terminated: encodeArray(this.terminated.subarray(0, n)),
      ...(this.maskSize > 0 ? { nextActionMasks: encodeArray(this.nextActionMasks.subarray(0, n * this.maskSize)) } : {}),
    };
  }

  /** Restores what {@link ReplayBuffer.toJSON} saved (into a buffer of the same capacity and sizes). */
  load(saved: Record<string, unknown>): void {
    if (saved['capacity'] !== this.capacity)
      throw new InvalidArgumentError({
        parameter: 'bufferSize',
        value: saved['capacity'],
        message: `The checkpoint's buffer holds ${saved['capacity']} transitions, this one ${this.capacity}.`,
      });
    const { position, full } = saved;
    if (
      !(Number.isSafeInteger(position) && (position as number) >= 0 && (position as number) < this.capacity) ||
      typeof full !== 'boolean'
    ) {
      throw new InvalidArgumentError({
        parameter: 'buffer',
        value: { position, full },
        message: `Expected a position in [0, ${this.capacity}) and full true or false.`,
      });
    }
    // It holds n transitions; each array must hold exactly theirs.
    const n = full ? this.capacity : (position as number);
    const [o, a] = [this.observationSize, this.actionSize];
    const terminated = decodeUint8(saved['terminated'] as EncodedArray, 'buffer.terminated');
    if (terminated.length !== n)
      throw new InvalidArgumentError({
        parameter: 'buffer.terminated',
        value: `${terminated.length} bytes`,
        message: `Expected ${n}.`,
      });
    this.observations.set(decodeFloat32(saved['observations'] as EncodedArray, 'buffer.observations', n * o));
    this.nextObservations.set(decodeFloat32(saved['nextObservations'] as EncodedArray, 'buffer.nextObservations', n * o));
    this.actions.set(decodeFloat32(saved['actions'] as EncodedArray, 'buffer.actions', n * a));
    this.rewards.set(decodeFloat32(saved['rewards'] as EncodedArray, 'buffer.rewards', n));
    this.terminated.set(terminated);
    // A checkpoint from before masks were kept has none: every action counts as valid.
    if (this.maskSize > 0 && saved['nextActionMasks'] === undefined) this.nextActionMasks.fill(1, 0, n * this.maskSize);
    else if (this.maskSize > 0) {
      const masks = decodeUint8(saved['nextActionMasks'] as EncodedArray, 'buffer.nextActionMasks');
      if (masks.length !== n * this.maskSize)
        throw new InvalidArgumentError({
          parameter: 'buffer.nextActionMasks',
          value: `${masks.length} bytes`,
          message: `Expected ${n * this.maskSize}.`,
        });
      this.nextActionMasks.set(masks);
    }
    this.position = position as number;
    this.full = full;
  }
}
