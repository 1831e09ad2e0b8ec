/**
 * CliffWalking (Sutton & Barto, Example 6.6), as Gymnasium 1.x `gymnasium/envs/toy_text/cliff_walking.py`.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { BaseEnv, type ResetOptions, type ResetResult, type RgbFrame, type StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { Discrete } from '../spaces/discrete';
import { renderGrid, type Transition } from './frozen-lake';

const ROWS = 4,
  COLS = 12;
const START = 3 * COLS;
const DELTAS: readonly [number, number][] = [
  [-1, 0],
  [0, 1],
  [1, 0],
  [0, -1],
];

/**
 * Walk from the bottom-left corner to the bottom-right one of a 4x12 grid without stepping off the
 * cliff between them.
 *
 * - Action Space: `Discrete(4)`: 0 up, 1 right, 2 down, 3 left.
 * - Observation Space: `Discrete(48)`: `row * 12 + col`.
 * - Rewards: -1 per step; -100 for stepping into the cliff, which sends the agent back to the start.
 * - Starting State: 36 (row 3, column 0).
 * - Episode End: terminated at the goal, 47; no time limit in the registry.
 *
 * `state` is the current cell index, readable and writable.
 * @example
 * ```ts
 * const env = new CliffWalking();
 * env.reset({ seed: 0 });
 * env.step(0); // up
 * ```
 * @category Environments
 */
export class CliffWalking extends BaseEnv<number, number> {
  readonly actionSpace = new Discrete(4);
  readonly observationSpace = new Discrete(ROWS * COLS);
  /** `P[state][action]`: the (single) outcome. */
  readonly P: Transition[][][] = [];
  /** The current cell (null before the first reset). */
  state: number | null = null;

  constructor() {
    super();
    const isCliff = (r: number, c: number) => r === 3 && c >= 1 && c <= 10;
    for (let s = 0; s < ROWS * COLS; s++) {
      const [row, col] = [Math.floor(s / COLS), s % COLS];
      this.P[s] = DELTAS.map(([dr, dc]) => {
        const r = Math.min(Math.max(row + dr, 0), ROWS - 1);
        const c = Math.min(Math.max(col + dc, 0), COLS - 1);
        if (isCliff(r, c)) return [[1.0, START, -100, false] as Transition];
        const next = r * COLS + c;
        return [[1.0, next, -1, r === 3 && c === COLS - 1] as Transition];
      });
    }
  }

  override reset(options: ResetOptions = {}): ResetResult<number> {
    super.reset(options);
    this.state = START;
    return { observation: START, info: { prob: 1 } };
  }

  step(action: number): StepResult<number> {
    if (!this.actionSpace.contains(action))
      throw new InvalidArgumentError({
        parameter: 'action',
        value: action,
        message: 'CliffWalking takes 0 (up), 1 (right), 2 (down) or 3 (left).',
      });
    if (this.state === null) throw new ResetNeededError('Call reset before using step.');
    const [p, s, r, t] = this.P[this.state][action][0];
    this.state = s;
    return { observation: s, reward: r, terminated: t, truncated: false, info: { prob: p } };
  }

  /** A frame of 64-pixel cells: cliff, start, goal and the agent. */
  render(): RgbFrame {
    const rows = ['FFFFFFFFFFFF', 'FFFFFFFFFFFF', 'FFFFFFFFFFFF', 'SCCCCCCCCCCG'];
    return renderGrid(rows, this.state ?? START, { S: [240, 240, 240], F: [240, 240, 240], C: [90, 60, 40], G: [60, 180, 75] });
  }
}
