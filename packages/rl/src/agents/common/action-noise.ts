/**
 * Exploration noise added to a deterministic policy's actions (Stable-Baselines3's
 * `NormalActionNoise` and `OrnsteinUhlenbeckActionNoise`), in the [-1, 1]-scaled action space,
 * drawn from the agent's generator so that runs replay and resume bitwise.
 */
import type { Rng } from '../../utils/rng';

/**
 * `normal`: independent N(0, sigma^2) per step. `ornstein-uhlenbeck`: temporally correlated,
 * `x += theta * (0 - x) * dt + sigma * sqrt(dt) * N(0, 1)` with theta 0.15 and dt 0.01 (sb3's
 * defaults), reset to 0 at the end of each episode.
 *
 * @category Agents
 */
export type ActionNoiseKind = 'normal' | 'ornstein-uhlenbeck';

/**
 * Action noise of one kind and scale, with the Ornstein-Uhlenbeck process's state.
 * @example
 * ```ts
 * const noise = new ActionNoise('normal', 0.1, 1);
 * const exploring = noise.sample(new Rng(0)); // Float32Array [N(0, 0.01)]
 * ```
 * @category Agents
 */
export class ActionNoise {
  /** The Ornstein-Uhlenbeck process's current value (zeros for normal noise). */
  state: Float64Array;
  static readonly THETA = 0.15;
  static readonly DT = 1e-2;

  constructor(
    readonly kind: ActionNoiseKind,
    readonly sigma: number,
    readonly size: number,
  ) {
    this.state = new Float64Array(size);
  }

  /** The next noise vector. */
  sample(rng: Rng): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      if (this.kind === 'normal') {
        out[i] = this.sigma * rng.normal();
      } else {
        const { THETA, DT } = ActionNoise;
        this.state[i] += THETA * -this.state[i] * DT + this.sigma * Math.sqrt(DT) * rng.normal();
        out[i] = this.state[i];
      }
    }
    return out;
  }

  /** Restarts the process (at the end of an episode). */
  reset(): void {
    this.state.fill(0);
  }
}
