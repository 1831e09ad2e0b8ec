/**
 * FrozenLake, as Gymnasium 1.x `gymnasium/envs/toy_text/frozen_lake.py`: the same transition table
 * (slippery moves go to the intended direction or one of the two perpendicular ones, 1/3 each),
 * rewards, terminal states and start distribution.
 */
import { InvalidArgumentError } from '@bigmodel/core';

import { BaseEnv, type ResetOptions, type ResetResult, type RgbFrame, type StepResult } from '../env/env';
import { ResetNeededError } from '../env/errors';
import { categoricalSample } from '../internal/gymnasium-utils';
import { Discrete } from '../spaces/discrete';
import { Canvas, type Color } from '../utils/canvas';

/**
 * One outcome of a transition: probability, next state, reward, terminated.
 *
 * @category Environments
 */
export type Transition = readonly [probability: number, nextState: number, reward: number, terminated: boolean];

/**
 * The maps Gymnasium ships.
 *
 * @category Environments
 */
export const FROZEN_LAKE_MAPS: Record<'4x4' | '8x8', readonly string[]> = {
  '4x4': ['SFFF', 'FHFH', 'FFFH', 'HFFG'],
  '8x8': ['SFFFFFFF', 'FFFFFFFF', 'FFFHFFFF', 'FFFFFHFF', 'FFFHFFFF', 'FHHFFFHF', 'FHFFHFHF', 'FFFHFFFG'],
};

/**
 * Options of {@link FrozenLake}.
 *
 * @category Environments
 */
export interface FrozenLakeOptions {
  /** A custom map, rows of `S` (start), `F` (frozen), `H` (hole), `G` (goal). */
  desc?: readonly string[];
  /** One of Gymnasium's maps (default `4x4`; ignored when `desc` is given). */
  mapName?: '4x4' | '8x8';
  /** Whether moves slip (default true). */
  isSlippery?: boolean;
  /** Probability of moving in the intended direction when slippery (default 1/3; the two perpendicular ones share the rest). */
  successRate?: number;
}

const LEFT = 0,
  DOWN = 1,
  RIGHT = 2,
  UP = 3;

/**
 * Cross a frozen lake from start to goal without falling into a hole; the ice may be slippery.
 *
 * - Action Space: `Discrete(4)`: 0 left, 1 down, 2 right, 3 up.
 * - Observation Space: `Discrete(rows * cols)`: `row * cols + col`.
 * - Rewards: 1 on reaching the goal, else 0.
 * - Starting State: the `S` cell.
 * - Episode End: terminated in a hole or at the goal; truncated at 100 steps (4x4) or 200 (8x8).
 *
 * `state` is the current cell index, readable and writable; `P[s][a]` is the transition table.
 * @example
 * ```ts
 * const env = new FrozenLake({ isSlippery: false });
 * env.reset({ seed: 0 });
 * env.step(2); // right
 * ```
 * @category Environments
 */
export class FrozenLake extends BaseEnv<number, number> {
  /** The map rows. */
  readonly desc: readonly string[];
  readonly nrow: number;
  readonly ncol: number;
  readonly actionSpace = new Discrete(4);
  readonly observationSpace: Discrete;
  /** `P[state][action]`: the possible outcomes. */
  readonly P: Transition[][][];
  private readonly initialStateDistribution: number[];
  /** The current cell (null before the first reset). */
  state: number | null = null;
  /** The last action taken (null after reset), for rendering. */
  lastAction: number | null = null;

  constructor(options: FrozenLakeOptions = {}) {
    super();
    const desc = options.desc ?? FROZEN_LAKE_MAPS[options.mapName ?? '4x4'];
    if (!desc || desc.length === 0 || desc.some((row) => row.length !== desc[0].length || /[^SFHG]/.test(row))) {
      throw new InvalidArgumentError({ parameter: 'desc', value: desc, message: 'Expected equal-length rows of S, F, H and G.' });
    }
    const isSlippery = options.isSlippery ?? true;
    const successRate = options.successRate ?? 1 / 3;
    if (!(successRate >= 0 && successRate <= 1))
      throw new InvalidArgumentError({ parameter: 'successRate', value: successRate, message: 'Must be in [0, 1].' });
    this.desc = desc;
    this.nrow = desc.length;
    this.ncol = desc[0].length;
    const nS = this.nrow * this.ncol;
    this.observationSpace = new Discrete(nS);
    const starts = desc
      .join('')
      .split('')
      .map((c) => (c === 'S' ? 1 : 0));
    const total = starts.reduce((a: number, b) => a + b, 0);
    this.initialStateDistribution = starts.map((c) => c / total);
    const at = (row: number, col: number) => desc[row][col];
    const move = (row: number, col: number, a: number): [number, number] => {
      if (a === LEFT) col = Math.max(col - 1, 0);
      else if (a === DOWN) row = Math.min(row + 1, this.nrow - 1);
      else if (a === RIGHT) col = Math.min(col + 1, this.ncol - 1);
      else if (a === UP) row = Math.max(row - 1, 0);
      return [row, col];
    };
    const outcome = (row: number, col: number, a: number): [number, number, boolean] => {
      const [r, c] = move(row, col, a);
      const letter = at(r, c);
      return [r * this.ncol + c, letter === 'G' ? 1 : 0, letter === 'G' || letter === 'H'];
    };
    const failRate = (1 - successRate) / 2;
    this.P = [];
    for (let row = 0; row < this.nrow; row++) {
      for (let col = 0; col < this.ncol; col++) {
        const s = row * this.ncol + col;
        this.P[s] = [];
        for (let a = 0; a < 4; a++) {
          const letter = at(row, col);
          if (letter === 'G' || letter === 'H') this.P[s][a] = [[1.0, s, 0, true]];
          else if (isSlippery) {
            this.P[s][a] = [(a + 3) % 4, a, (a + 1) % 4].map(
              (b) => [b === a ? successRate : failRate, ...outcome(row, col, b)] as Transition,
            );
          } else this.P[s][a] = [[1.0, ...outcome(row, col, a)]];
        }
      }
    }
  }

  override reset(options: ResetOptions = {}): ResetResult<number> {
    super.reset(options);
    this.state = categoricalSample(this.initialStateDistribution, this.npRandom);
    this.lastAction = null;
    return { observation: this.state, info: { prob: 1 } };
  }

  step(action: number): StepResult<number> {
    if (!this.actionSpace.contains(action))
      throw new InvalidArgumentError({
        parameter: 'action',
        value: action,
        message: 'FrozenLake takes 0 (left), 1 (down), 2 (right) or 3 (up).',
      });
    if (this.state === null) throw new ResetNeededError('Call reset before using step.');
    const transitions = this.P[this.state][action];
    const [p, s, r, t] =
      transitions[
        categoricalSample(
          transitions.map((x) => x[0]),
          this.npRandom,
        )
      ];
    this.state = s;
    this.lastAction = action;
    return { observation: s, reward: r, terminated: t, truncated: false, info: { prob: p } };
  }

  /** A frame of 64-pixel cells: ice, holes, goal, and the agent. */
  render(): RgbFrame {
    return renderGrid(this.desc, this.state ?? 0, { S: [200, 230, 255], F: [200, 230, 255], H: [30, 60, 120], G: [60, 180, 75] });
  }
}

/**
 * Draws a character grid with a color per letter and the agent's cell marked.
 *
 * @category Environments
 */
export function renderGrid(rows: readonly string[], agent: number, colors: Record<string, Color>): RgbFrame {
  const cell = 64;
  const nrow = rows.length,
    ncol = rows[0].length;
  const canvas = new Canvas(ncol * cell, nrow * cell);
  for (let r = 0; r < nrow; r++) {
    for (let c = 0; c < ncol; c++) {
      const y = (nrow - 1 - r) * cell;
      canvas.rect(c * cell + 1, y + 1, cell - 2, cell - 2, colors[rows[r][c]] ?? [255, 255, 255]);
    }
  }
  const [ar, ac] = [Math.floor(agent / ncol), agent % ncol];
  canvas.circle(ac * cell + cell / 2, (nrow - 1 - ar) * cell + cell / 2, cell / 4, [220, 50, 50]);
  return canvas.frame();
}
