/**
 * The Q-networks of the continuous-action agents (Stable-Baselines3's `ContinuousCritic`): `n`
 * independent MLPs `Q_i(s, a)` on the concatenated observation and ([-1, 1]-scaled) action, ReLU
 * between layers, one output each. SAC and TD3 use two (clipped double Q), DDPG one.
 */
import * as tf from '@tensorflow/tfjs';

import { Mlp } from './mlp';

/**
 * `n` critics `Q_i(s, a)`.
 * @example
 * ```ts
 * const critics = new ContinuousCritics(3, 1, [256, 256], [1, 2]);
 * const [q1, q2] = critics.apply(tf.zeros([8, 3]), tf.zeros([8, 1])); // each [8, 1]
 * ```
 * @category Agents
 */
export class ContinuousCritics {
  readonly nets: Mlp[];

  /** One critic per seed in `seeds`; `trainable: false` for target networks. */
  constructor(observationSize: number, actionSize: number, netArch: number[], seeds: number[], trainable = true) {
    const sizes = [observationSize + actionSize, ...netArch, 1];
    this.nets = seeds.map((seed) => new Mlp(sizes, { activation: 'relu', init: { kind: 'pytorch' }, seed, trainable }));
  }

  /** Every critic's values `[n, 1]` for a batch of observations and actions. Call inside `tf.tidy`. */
  apply(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor2D[] {
    const input = tf.concat([observations, actions], 1);
    return this.nets.map((net) => net.apply(input));
  }

  /** The variables of all critics (one optimizer trains them together, as sb3's critic optimizer). */
  get variables(): tf.Variable[] {
    return this.nets.flatMap((net) => net.variables);
  }

  /** Copies of every weight, critic after critic. */
  getWeights(): Float32Array[] {
    return this.nets.flatMap((net) => net.getWeights());
  }

  /** Sets every weight from arrays in {@link ContinuousCritics.getWeights} order. */
  setWeights(weights: Float32Array[]): void {
    let offset = 0;
    for (const net of this.nets) {
      net.setWeights(weights.slice(offset, offset + net.variables.length));
      offset += net.variables.length;
    }
  }

  /** Polyak update `this = tau * source + (1 - tau) * this`, critic by critic. */
  updateFrom(source: ContinuousCritics, tau = 1): void {
    this.nets.forEach((net, i) => net.updateFrom(source.nets[i], tau));
  }

  /** Frees the variables. */
  dispose(): void {
    this.nets.forEach((net) => net.dispose());
  }
}
