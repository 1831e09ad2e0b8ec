/**
 * Weight decay toward the pretrained weights instead of toward zero: L2-SP (Li, Grandvalet and
 * Davoine, "Explicit Inductive Bias for Transfer Learning with Convolutional Networks", ICML 2018),
 * in the decoupled form of AdamW (Loshchilov and Hutter 2019). After every optimizer step each
 * anchored weight moves back toward its starting value:
 *
 *   w <- w - learningRate * strength * (w - w0)
 *
 * with `learningRate` the weight's own learning rate (its parameter group's) and `w0` its value when the
 * callback was made. A weight that does not train stays at `w0`, where the pull is zero.
 */
import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, type Callback } from '@bigmodel/core';

/**
 * One weight held near its starting value, and the learning rate its optimizer steps it with.
 *
 * @category Fine-tuning
 */
export interface Anchor {
  /** The weight (e.g. `layer.trainableWeights[i]`). */
  weight: tf.LayerVariable;
  /** The weight's learning rate (required; give this or the deprecated `lr`). */
  learningRate?: number;
  /** @deprecated The old name of `learningRate`, accepted for one release (not together with it). */
  lr?: number;
}

/**
 * A {@link Callback} for core's `fit` that pulls every anchored weight toward the value it has now
 * (see the file header) after each batch. Its snapshot is freed when training ends; make a new one
 * per training run that should anchor to the weights as they are then.
 *
 * @example
 * ```ts
 * const anchors = base.layers.flatMap((l) => l.trainableWeights.map((weight) => ({ weight, learningRate: 1e-4 })));
 * await fit(model, train, { epochs: 10, batchSize: 32, callbacks: [decayToPretrained(anchors, { strength: 10 })] });
 * ```
 * @category Fine-tuning
 */
export function decayToPretrained(anchors: Anchor[], options: { strength: number }): Callback {
  const { strength } = options;
  if (!(strength >= 0 && Number.isFinite(strength))) {
    throw new InvalidArgumentError({ parameter: 'options.strength', value: strength, message: 'Must be a finite number >= 0.' });
  }
  const rates = anchors.map(({ learningRate, lr }, i) => {
    if (learningRate !== undefined && lr !== undefined) {
      throw new InvalidArgumentError({
        parameter: `anchors[${i}].lr`,
        value: lr,
        message: '"lr" is the deprecated name of "learningRate"; give only "learningRate".',
      });
    }
    const rate = learningRate ?? lr;
    if (!(rate !== undefined && rate > 0 && Number.isFinite(rate) && rate * strength < 1)) {
      throw new InvalidArgumentError({
        parameter: `anchors[${i}].learningRate`,
        value: rate,
        message: `Must be a finite number > 0 with learningRate * strength < 1 (strength ${strength}).`,
      });
    }
    return rate;
  });
  let start: tf.Tensor[] | undefined = anchors.map(({ weight }) => tf.keep(weight.read().clone()));
  return {
    onBatchEnd() {
      if (!start || strength === 0) return;
      const origins = start;
      tf.tidy(() => {
        anchors.forEach(({ weight }, i) => {
          const w = weight.read();
          weight.write(tf.sub(w, tf.mul(tf.sub(w, origins[i]), rates[i] * strength)));
        });
      });
    },
    onTrainEnd() {
      tf.dispose(start ?? []);
      start = undefined;
    },
  };
}
