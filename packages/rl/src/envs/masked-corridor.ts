/**
 * MaskedCorridor: a toy environment for action masking (this package's own; no Gymnasium
 * counterpart). Most actions are invalid in every state and end the episode with a penalty, so an
 * agent that is told the valid actions (`info.actionMask`) skips learning to avoid them.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { BaseEnv, type ResetOptions, type ResetResult, type RgbFrame, type StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Discrete } from '../spaces/discrete';
import { renderGrid } from './frozen-lake';

/**
 * Options of {@link MaskedCorridor}.
 *
 * @category Environments
 */
export interface MaskedCorridorOptions {
  /** Cells before the goal (default 8); the goal is cell `length`. */
  length?: number;
  /** Number of actions, at least 3 (default 8); three of them are valid in each cell. */
  nActions?: number;
}

/**
 * Walk a corridor of `length` cells to the goal at its end. In cell `s`, three of the `nActions`
 * actions are valid: forward `(3s) mod n`, stay `(3s + floor(n/3)) mod n` and back
 * `(3s + floor(2n/3)) mod n` (n = `nActions`); every other action is invalid.
 *
 * - Action Space: `Discrete(nActions)` (default 8).
 * - Observation Space: `Discrete(length + 1)`: the cell, 0 to `length` (the goal).
 * - Rewards: +1 for a step forward, -1 for a step back (none in cell 0, where back stays put), 0 for
 *   staying, -1 for an invalid action. An episode's return is the cell it ends in, or that minus 1
 *   when it ends with an invalid action.
 * - Starting State: cell 0.
 * - Episode End: terminated on reaching the goal or on an invalid action (the agent does not move);
 *   truncated after 32 steps by `make('MaskedCorridor-v0')`.
 * - Action mask: `info.actionMask` (Uint8Array of `nActions`, 1 = valid) on reset and every step;
 *   all zeros at the goal, where the episode is over.
 *
 * `position` is the current cell, readable and writable.
 * @example
 * ```ts
 * const env = make('MaskedCorridor-v0');
 * const { info } = env.reset({ seed: 0 });
 * info.actionMask; // Uint8Array [1, 0, 1, 0, 0, 1, 0, 0]: forward 0, stay 2, back 5 in cell 0
 * env.step(0); // { observation: 1, reward: 1, terminated: false, ... }
 * ```
 * @category Environments
 */
export class MaskedCorridor extends BaseEnv<number, number> {
  readonly actionSpace: Discrete;
  readonly observationSpace: Discrete;
  readonly length: number;
  /** The current cell (null before the first reset). */
  position: number | null = null;

  constructor(options: MaskedCorridorOptions = {}) {
    super();
    this.length = options.length ?? 8;
    const nActions = options.nActions ?? 8;
    if (!Number.isInteger(this.length) || this.length < 1)
      throw new InvalidArgumentError({ parameter: 'length', value: this.length, message: 'Must be a positive integer.' });
    if (!Number.isInteger(nActions) || nActions < 3)
      throw new InvalidArgumentError({
        parameter: 'nActions',
        value: nActions,
        message: 'Must be an integer >= 3 (three actions are valid per cell).',
      });
    this.actionSpace = new Discrete(nActions);
    this.observationSpace = new Discrete(this.length + 1);
  }

  /** The forward, stay and back actions of `cell`. */
  validActions(cell: number): { forward: number; stay: number; back: number } {
    const n = this.actionSpace.n;
    return { forward: (3 * cell) % n, stay: (3 * cell + Math.floor(n / 3)) % n, back: (3 * cell + Math.floor((2 * n) / 3)) % n };
  }

  /** The action mask of `cell` (all zeros at the goal). */
  actionMask(cell: number): Uint8Array {
    const mask = new Uint8Array(this.actionSpace.n);
    if (cell >= this.length) return mask;
    const { forward, stay, back } = this.validActions(cell);
    mask[forward] = mask[stay] = mask[back] = 1;
    return mask;
  }

  override reset(options: ResetOptions = {}): ResetResult<number> {
    super.reset(options);
    this.position = 0;
    return { observation: 0, info: { actionMask: this.actionMask(0) } };
  }

  step(action: number): StepResult<number> {
    if (!this.actionSpace.contains(action))
      throw new InvalidArgumentError({
        parameter: 'action',
        value: action,
        message: `MaskedCorridor takes an integer in [0, ${this.actionSpace.n}).`,
      });
    if (this.position === null) throw new ResetNeededError('Call reset before using step.');
    const cell = this.position;
    const { forward, stay, back } = this.validActions(cell);
    let reward = -1;
    let terminated = true;
    if (action === forward) {
      this.position = cell + 1;
      reward = 1;
      terminated = this.position === this.length;
    } else if (action === stay) {
      reward = 0;
      terminated = false;
    } else if (action === back) {
      this.position = Math.max(cell - 1, 0);
      reward = this.position - cell;
      terminated = false;
    }
    return { observation: this.position, reward, terminated, truncated: false, info: { actionMask: this.actionMask(this.position) } };
  }

  /** A frame of 64-pixel cells: start, corridor, goal and the agent. */
  render(): RgbFrame {
    const row = 'S' + 'F'.repeat(this.length - 1) + 'G';
    return renderGrid([row], this.position ?? 0, { S: [240, 240, 240], F: [240, 240, 240], G: [60, 180, 75] });
  }
}
