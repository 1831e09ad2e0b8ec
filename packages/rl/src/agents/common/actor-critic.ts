/**
 * The policy and value networks of the on-policy agents (PPO, A2C, REINFORCE), as
 * Stable-Baselines3's `ActorCriticPolicy` with separate networks: a categorical head for Discrete
 * actions, a diagonal Gaussian with a state-independent log standard deviation for Box actions,
 * orthogonal initialization (gain √2 hidden, 0.01 policy output, 1 value output).
 */
import * as tf from '@tensorflow/tfjs';

import type { Box } from '../../spaces/box';
import type { Discrete } from '../../spaces/discrete';
import type { Space } from '../../spaces/space';
import type { Rng } from '../../utils/rng';
import { Mlp, type Activation } from './mlp';
import { read, runSync, type Reads } from './reads';

/**
 * The action head: categorical over `n` actions, or a diagonal Gaussian of `size` dimensions.
 *
 * @category Agents
 */
export type ActionHead = { kind: 'categorical'; n: number } | { kind: 'gaussian'; size: number; low: Float64Array; high: Float64Array };

/**
 * The head that fits an action space (Discrete or Box).
 *
 * @category Agents
 */
export function actionHeadFor(space: Space<unknown>): ActionHead {
  const discrete = space as unknown as Discrete;
  if (typeof discrete.n === 'number' && !('shape' in space)) return { kind: 'categorical', n: discrete.n };
  const box = space as unknown as Box;
  return { kind: 'gaussian', size: box.size, low: box.low, high: box.high };
}

/**
 * What {@link ActorCritic.act} returns for `n` observations.
 *
 * @category Agents
 */
export interface ActResult {
  /** `n x actionSize` actions (Discrete: the index; Box: the unclipped sample). */
  actions: Float32Array;
  logProbs: Float32Array;
  values: Float32Array;
}

/**
 * The environment's action for sampled policy output `actions` (one row): the Discrete index, or
 * the Gaussian sample clipped to the Box bounds (Stable-Baselines3 clips; the buffer keeps the
 * unclipped sample).
 */
export function envAction(head: ActionHead, actions: ArrayLike<number>): number | Float32Array {
  if (head.kind === 'categorical') return actions[0];
  return Float32Array.from({ length: head.size }, (_, j) => Math.min(Math.max(actions[j], head.low[j]), head.high[j]));
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The logit of an invalid action in the differentiable (float32) masked distribution. */
const MASKED_LOGIT = -1e9;

/** `logits` (`rows x k`) with the invalid actions of `masks` at -Infinity; rows without a valid action unchanged. */
function maskLogits(logits: Float32Array, masks: Uint8Array, k: number): Float32Array {
  const out = Float32Array.from(logits);
  for (let i = 0; i < out.length / k; i++) {
    const row = masks.subarray(i * k, (i + 1) * k);
    if (!row.includes(1)) continue;
    for (let j = 0; j < k; j++) if (row[j] === 0) out[i * k + j] = -Infinity;
  }
  return out;
}

/**
 * Network shapes of {@link ActorCritic}.
 *
 * @category Agents
 */
export interface ActorCriticOptions {
  /** Hidden sizes of the policy network. */
  piArch: number[];
  /** Hidden sizes of the value network. */
  vfArch: number[];
  activation: Activation;
  /** Initial log standard deviation of the Gaussian head. */
  logStdInit: number;
  seed: number;
}

/**
 * Separate policy and value MLPs over the same observation.
 * @example
 * ```ts
 * const ac = new ActorCritic(4, { kind: 'categorical', n: 2 }, {
 *   piArch: [64, 64], vfArch: [64, 64], activation: 'tanh', logStdInit: 0, seed: 0,
 * });
 * ```
 * @category Agents
 */
export class ActorCritic {
  readonly pi: Mlp;
  readonly vf: Mlp;
  /** Log standard deviation per action dimension (Gaussian head only). */
  readonly logStd: tf.Variable | null;
  /** Numbers per action (1 for categorical). */
  readonly actionSize: number;

  constructor(
    readonly observationSize: number,
    readonly head: ActionHead,
    options: ActorCriticOptions,
  ) {
    const outputs = head.kind === 'categorical' ? head.n : head.size;
    const init = (outputGain: number) => ({ kind: 'orthogonal' as const, hiddenGain: Math.SQRT2, outputGain });
    this.pi = new Mlp([observationSize, ...options.piArch, outputs], {
      activation: options.activation,
      init: init(0.01),
      seed: options.seed,
    });
    this.vf = new Mlp([observationSize, ...options.vfArch, 1], { activation: options.activation, init: init(1), seed: options.seed + 1 });
    this.logStd = head.kind === 'gaussian' ? tf.tidy(() => tf.variable(tf.fill([head.size], options.logStdInit), true)) : null;
    this.actionSize = head.kind === 'categorical' ? 1 : head.size;
  }

  /** Every trainable variable. */
  get variables(): tf.Variable[] {
    return [...this.pi.variables, ...this.vf.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  /**
   * Samples (or, deterministic, picks the mode of) actions for `n` observations with `rng`;
   * returns the actions, their log-probabilities and the state values. With `masks` (categorical
   * head only, `n x actions`, 1 = valid) the distribution is the masked one: invalid actions have
   * probability exactly 0 and the log-probabilities are normalized over the valid ones; a row
   * without a valid action is not masked.
   */
  act(observations: Float32Array, n: number, rng: Rng, deterministic = false, masks: Uint8Array | null = null): ActResult {
    return runSync(this.actReads(observations, n, rng, deterministic, masks));
  }

  /** {@link ActorCritic.act} as {@link Reads}: one batched read of the policy output, values and log std. */
  *actReads(observations: Float32Array, n: number, rng: Rng, deterministic = false, masks: Uint8Array | null = null): Reads<ActResult> {
    const outputs = tf.tidy(() => {
      const x = tf.tensor2d(observations, [n, this.observationSize]);
      return [this.pi.apply(x), this.vf.apply(x), ...(this.logStd ? [tf.clone(this.logStd)] : [])];
    });
    const [policyOutput, values, logStdRead] = yield* read(...outputs);
    let out = policyOutput;
    const logStd = this.logStd ? logStdRead : null;
    const actions = new Float32Array(n * this.actionSize);
    const logProbs = new Float32Array(n);
    if (this.head.kind === 'categorical') {
      const k = this.head.n;
      if (masks) out = maskLogits(out, masks, k);
      for (let i = 0; i < n; i++) {
        let max = -Infinity;
        for (let j = 0; j < k; j++) max = Math.max(max, out[i * k + j]);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(out[i * k + j] - max);
        const logSum = max + Math.log(sum);
        let a = 0;
        if (deterministic) {
          for (let j = 1; j < k; j++) if (out[i * k + j] > out[i * k + a]) a = j;
        } else {
          const u = rng.random();
          let cumulative = 0;
          a = k - 1; // when rounding leaves u above the total: the last action of nonzero probability
          while (a > 0 && out[i * k + a] === -Infinity) a--;
          for (let j = 0; j < k; j++) {
            cumulative += Math.exp(out[i * k + j] - logSum);
            if (u < cumulative) {
              a = j;
              break;
            }
          }
        }
        actions[i] = a;
        logProbs[i] = out[i * k + a] - logSum;
      }
    } else {
      const d = this.head.size;
      const ls = logStd as Float32Array;
      for (let i = 0; i < n; i++) {
        let logProb = 0;
        for (let j = 0; j < d; j++) {
          const z = deterministic ? 0 : rng.normal();
          actions[i * d + j] = out[i * d + j] + Math.exp(ls[j]) * z;
          logProb += -0.5 * z * z - ls[j] - LOG_SQRT_2PI;
        }
        logProbs[i] = logProb;
      }
    }
    return { actions, logProbs, values: Float32Array.from(values) };
  }

  /** State values of `n` observations. */
  values(observations: Float32Array, n: number): Float32Array {
    return runSync(this.valuesReads(observations, n));
  }

  /** {@link ActorCritic.values} as {@link Reads}. */
  *valuesReads(observations: Float32Array, n: number): Reads<Float32Array> {
    const [values] = yield* read(tf.tidy(() => this.vf.apply(tf.tensor2d(observations, [n, this.observationSize]))));
    return Float32Array.from(values);
  }

  /**
   * Log-probabilities and entropies of `actions` and state values, differentiable (call inside
   * `tf.tidy` / a loss function). With `masks` (categorical head only, as in {@link ActorCritic.act})
   * both are those of the masked distribution: invalid logits are replaced by -1e9, so that their
   * probabilities are exactly 0 in float32 and add nothing to the entropy (sb3-contrib's
   * `MaskableCategorical` does the same with -1e8).
   */
  evaluateActions(
    observations: tf.Tensor2D,
    actions: tf.Tensor2D,
    masks: tf.Tensor2D | null = null,
  ): { logProb: tf.Tensor1D; entropy: tf.Tensor1D; value: tf.Tensor1D } {
    const out = this.pi.apply(observations);
    const value = tf.squeeze(this.vf.apply(observations), [1]) as tf.Tensor1D;
    if (this.head.kind === 'categorical') {
      // A row without a valid action is not masked (as in act).
      const keep = masks === null ? null : tf.logicalOr(tf.cast(masks, 'bool'), tf.equal(tf.sum(masks, 1, true), 0));
      const logP = tf.logSoftmax(keep === null ? out : tf.where(keep, out, tf.fill(out.shape, MASKED_LOGIT)));
      const mask = tf.oneHot(tf.cast(tf.squeeze(actions, [1]), 'int32'), this.head.n).cast('float32');
      const logProb = tf.sum(tf.mul(logP, mask), 1) as tf.Tensor1D;
      const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 1)) as tf.Tensor1D;
      return { logProb, entropy, value };
    }
    const logStd = this.logStd as tf.Variable;
    const z = tf.div(tf.sub(actions, out), tf.exp(logStd));
    const logProb = tf.sum(tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), logStd), LOG_SQRT_2PI), 1) as tf.Tensor1D;
    const entropyPerRow = tf.sum(tf.add(logStd, 0.5 + LOG_SQRT_2PI));
    const entropy = tf.mul(tf.onesLike(value), entropyPerRow) as tf.Tensor1D;
    return { logProb, entropy, value };
  }

  /** Copies of every weight (policy, value, log std). */
  getWeights(): Float32Array[] {
    return [
      ...this.pi.getWeights(),
      ...this.vf.getWeights(),
      ...(this.logStd ? [Float32Array.from(this.logStd.dataSync() as Float32Array)] : []),
    ];
  }

  /** Restores {@link ActorCritic.getWeights}' output. */
  setWeights(weights: Float32Array[]): void {
    const nPi = this.pi.variables.length;
    const nVf = this.vf.variables.length;
    this.pi.setWeights(weights.slice(0, nPi));
    this.vf.setWeights(weights.slice(nPi, nPi + nVf));
    if (this.logStd) tf.tidy(() => (this.logStd as tf.Variable).assign(tf.tensor1d(weights[nPi + nVf])));
  }

  /** Frees the variables. */
  dispose(): void {
    this.pi.dispose();
    this.vf.dispose();
    this.logStd?.dispose();
  }
}
