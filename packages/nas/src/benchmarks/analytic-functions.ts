/**
 * Analytic benchmark functions with known minima, on the `branin` and `hartmann6` spaces
 * (Dixon & Szego 1978; the constants as in Surjanovic & Bingham's Virtual Library of Simulation
 * Experiments). Strategies maximize, so a benchmark's score is the negated function.
 */
import type { Config } from '../space/search-space';

/**
 * The Branin-Hoo function on x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887 at
 * (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475).
 * @example
 * ```ts
 * branin({ x1: Math.PI, x2: 2.275 }); // 0.397887...
 * ```
 * @category Benchmarks
 */
export function branin(config: Config): number {
  const x1 = config['x1'] as number;
  const x2 = config['x2'] as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/**
 * Branin's global minimum.
 *
 * @category Benchmarks
 */
export const BRANIN_MINIMUM = 0.39788735772973816;

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/**
 * The 6-dimensional Hartmann function on [0, 1]^6; global minimum -3.32237 at
 * (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
 * @example
 * ```ts
 * hartmann6({ x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 }); // -3.32237
 * ```
 * @category Benchmarks
 */
export function hartmann6(config: Config): number {
  const x = [1, 2, 3, 4, 5, 6].map((i) => config[`x${i}`] as number);
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H_A[i][j] * (x[j] - H_P[i][j]) ** 2;
    sum += H_ALPHA[i] * Math.exp(-inner);
  }
  return -sum;
}

/**
 * Hartmann-6's global minimum.
 *
 * @category Benchmarks
 */
export const HARTMANN6_MINIMUM = -3.322368011415515;
