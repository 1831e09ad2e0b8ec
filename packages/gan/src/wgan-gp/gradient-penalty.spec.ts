import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@bigmodel/core';

import { GanTrainer } from '../training/gan-trainer';
import { gradientPenalty } from './gradient-penalty';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await initBackend({ backend: 'wasm' });
});

describe('gradientPenalty', () => {
  it('is lambda (||w|| - 1)^2 for a linear critic, with gradient 2 lambda (||w|| - 1) w / ||w||', () => {
    const w = tf.variable(tf.tensor4d([0.5, -1, 2, 0.25], [1, 2, 2, 1]));
    const norm = Math.hypot(0.5, -1, 2, 0.25);
    const critic = (x: tf.Tensor) => tf.sum(tf.mul(x, w), [1, 2, 3]).reshape([-1, 1]);
    const real = tf.randomUniform([3, 2, 2, 1], -1, 1, 'float32', 1) as tf.Tensor4D;
    const fake = tf.randomUniform([3, 2, 2, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    const epsilon = tf.tensor1d([0.1, 0.5, 0.9]);
    const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, epsilon, 10), [w]);
    expect(value.dataSync()[0]).toBeCloseTo(10 * (norm - 1) ** 2, 4);
    const expected = [0.5, -1, 2, 0.25].map((wi) => (2 * 10 * (norm - 1) * wi) / norm);
    Array.from(grads[w.name].dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 3));
    tf.dispose([w, real, fake, epsilon, value, grads[w.name]]);
  });

  it("matches central finite differences through the WGAN-GP critic's convolutions", () => {
    const trainer = GanTrainer.create({ kind: 'wgan-gp', imageShape: [8, 8, 1], nz: 4, ngf: 4, ndf: 2, batchSize: 8, criticSteps: 2 }, 3);
    const critic = (x: tf.Tensor) => trainer.discriminator.apply(x) as tf.Tensor;
    // Larger weights than the N(0, 0.02) init, so that the penalty depends on them visibly.
    for (const v of trainer.discriminatorVariables) v.assign(tf.mul(v, 30));
    const real = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    const fake = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
    const epsilon = tf.tensor1d([0.2, 0.4, 0.6, 0.8]);
    const kernel = trainer.discriminatorVariables[0];
    const penalty = () => gradientPenalty(critic, real, fake, epsilon, 10);
    const { grads } = tf.variableGrads(penalty, [kernel]);
    const analytic = grads[kernel.name].dataSync();
    const original = kernel.dataSync().slice();
    const h = 1e-2;
    for (const index of [0, 5, 11]) {
      const at = (delta: number) => {
        const shifted = original.slice();
        shifted[index] += delta;
        kernel.assign(tf.tensor(shifted, kernel.shape));
        return tf.tidy(() => penalty().dataSync()[0]);
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(numeric - analytic[index])).toBeLessThan(0.02 * Math.max(1, Math.abs(analytic[index])));
    }
    tf.dispose([real, fake, epsilon, grads[kernel.name]]);
    trainer.dispose();
  });
});
