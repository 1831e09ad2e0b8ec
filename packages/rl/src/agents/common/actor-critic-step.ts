import * as tf from '@tensorflow/tfjs';

import type { ActorCritic } from './actor-critic';
import { read, type Reads } from './reads';

/** A batch of experience for {@link actorCriticStep}: `n` rows, flat. */
export interface ActorCriticBatch {
  observations: ArrayLike<number>;
  actions: ArrayLike<number>;
  advantages: ArrayLike<number>;
  returns: ArrayLike<number>;
}

/** What {@link actorCriticStep} reports, keyed as the agents log it. */
export interface ActorCriticLosses {
  'losses/policyLoss': number;
  'losses/valueLoss': number;
  /** The mean entropy of the policy over the batch. */
  'losses/entropy': number;
}

/**
 * One gradient step of the vanilla policy-gradient loss with a learned value baseline (A2C's, and
 * REINFORCE's with a baseline): `-mean(A log pi) + vfCoef * mean((R - V)^2) - entCoef * mean(H)`.
 * Returns the policy loss, the value loss and the mean entropy, read back once, under the names the
 * agents log them by.
 *
 * @category Agents
 */
export function* actorCriticStep(
  policy: ActorCritic,
  optimizer: tf.Optimizer,
  batch: ActorCriticBatch,
  coefficients: { entCoef: number; vfCoef: number },
): Reads<ActorCriticLosses> {
  const n = batch.advantages.length;
  const kept = tf.tidy(() => {
    const obsT = tf.tensor2d(Float32Array.from(batch.observations), [n, policy.observationSize]);
    const actT = tf.tensor2d(Float32Array.from(batch.actions), [n, policy.actionSize]);
    const advT = tf.tensor1d(Float32Array.from(batch.advantages));
    const returnT = tf.tensor1d(Float32Array.from(batch.returns));
    let statsT: tf.Tensor | null = null;
    optimizer.minimize(
      () => {
        const { logProb, entropy, value } = policy.evaluateActions(obsT, actT);
        const policyLoss = tf.neg(tf.mean(tf.mul(advT, logProb)));
        const valueLoss = tf.mean(tf.square(tf.sub(returnT, value)));
        const entropyLoss = tf.neg(tf.mean(entropy));
        statsT = tf.keep(tf.stack([policyLoss, valueLoss, entropyLoss]));
        return tf.add(policyLoss, tf.add(tf.mul(entropyLoss, coefficients.entCoef), tf.mul(valueLoss, coefficients.vfCoef))) as tf.Scalar;
      },
      false,
      policy.variables,
    );
    // Kept out of minimize's scope to be read below (read() frees it).
    return statsT as unknown as tf.Tensor;
  });
  const [[policyLoss, valueLoss, entropyLoss]] = yield* read(kept);
  return { 'losses/policyLoss': policyLoss, 'losses/valueLoss': valueLoss, 'losses/entropy': -entropyLoss };
}
