import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError } from '../errors';
import { Adam } from '../optimizers';
import { useWasm } from '../testing/backend-comparison';
import { L1L2, l1, l2 } from './l1l2';

beforeAll(useWasm);

describe('L1L2 regularizers', () => {
  it('compute l1 sum|w| + l2 sum w^2 (hand-worked)', () => {
    const w = tf.tensor1d([1, -2, 3]);
    expect(l1(0.1).apply(w).dataSync()[0]).toBeCloseTo(0.6, 6);
    expect(l2(0.1).apply(w).dataSync()[0]).toBeCloseTo(1.4, 6);
    expect(new L1L2({ l1: 0.1, l2: 0.1 }).apply(w).dataSync()[0]).toBeCloseTo(2.0, 6);
    w.dispose();
  });

  it('shrink the weights of a layer that trains with them, and come back with a saved model', async () => {
    const build = (regularizer?: L1L2) => {
      const model = tf.sequential({
        layers: [tf.layers.dense({ inputShape: [4], units: 1, kernelInitializer: 'ones', kernelRegularizer: regularizer as never })],
      });
      model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
      return model;
    };
    const xs = tf.randomNormal([64, 4], 0, 1, 'float32', 1);
    const ys = tf.sum(xs, 1, true);
    const norms: number[] = [];
    for (const regularizer of [undefined, l2(0.5)]) {
      const model = build(regularizer);
      await model.fit(xs, ys, { epochs: 40, verbose: 0 });
      norms.push(tf.norm(model.layers[0].getWeights()[0]).dataSync()[0]);
      if (regularizer) {
        const restored = await tf.models.modelFromJSON(model.toJSON(null, false) as never);
        const config = (restored.layers[0].getConfig() as { kernelRegularizer: { className: string; config: object } }).kernelRegularizer;
        expect(config).toEqual({ className: 'BigModelL1L2', config: { l1: 0, l2: 0.5 } });
        restored.dispose();
      }
      model.dispose();
    }
    expect(norms[1]).toBeLessThan(0.8 * norms[0]);
    tf.dispose([xs, ys]);
  });

  it('reject negative rates with InvalidArgumentError', () => {
    expect(() => l2(-1)).toThrow(InvalidArgumentError);
    expect(() => new L1L2({ l1: NaN })).toThrow(/Invalid argument for l1: NaN/);
  });
});
