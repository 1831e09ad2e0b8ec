import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { InvalidArgumentError, ShapeError } from '../errors';
import { Adam } from '../optimizers';
import { relativeError, useWasm } from '../testing/backend-comparison';
import {
  binaryCrossEntropy,
  categoricalCrossEntropy,
  getLoss,
  halfSquaredError,
  hingeLoss,
  huberLoss,
  klDivergence,
  meanAbsoluteError,
  meanSquaredError,
  smoothL1Loss,
  sparseCategoricalCrossEntropy,
  type Reduction,
} from '.';

beforeAll(useWasm);

/** Written by fixtures/pytorch/make_fixtures.py with PyTorch (see its header). */
const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/pytorch/losses.json'), 'utf8')) as {
  torch: string;
  inputs: Record<string, number[] | number[][]>;
  values: Record<string, Record<Reduction, number | number[] | number[][]> | number>;
};
const x = fixtures.inputs;

const cases: Record<string, (reduction: Reduction) => tf.Tensor> = {
  mse: (reduction) => meanSquaredError(x.regressionTrue, x.regressionPred, { reduction }),
  mae: (reduction) => meanAbsoluteError(x.regressionTrue, x.regressionPred, { reduction }),
  huber_delta1: (reduction) => huberLoss(x.regressionTrue, x.regressionPred, { reduction, delta: 1 }),
  'huber_delta0.5': (reduction) => huberLoss(x.regressionTrue, x.regressionPred, { reduction, delta: 0.5 }),
  'smoothL1_beta0.5': (reduction) => smoothL1Loss(x.regressionTrue, x.regressionPred, { reduction, beta: 0.5 }),
  sparseCE_logits: (reduction) => sparseCategoricalCrossEntropy(x.labels, x.logits, { reduction, fromLogits: true }),
  sparseCE_logits_weighted_smoothed: (reduction) =>
    sparseCategoricalCrossEntropy(x.labels, x.logits, {
      reduction,
      fromLogits: true,
      classWeights: x.weights as number[],
      labelSmoothing: 0.1,
    }),
  categoricalCE_logits_soft: (reduction) => categoricalCrossEntropy(x.soft, x.logits, { reduction, fromLogits: true }),
  categoricalCE_logits_soft_weighted_smoothed: (reduction) =>
    categoricalCrossEntropy(x.soft, x.logits, { reduction, fromLogits: true, classWeights: x.weights as number[], labelSmoothing: 0.2 }),
  categoricalCE_probs_soft: (reduction) => categoricalCrossEntropy(x.soft, x.probs, { reduction }),
  binaryCE_probs: (reduction) => binaryCrossEntropy(x.binaryTrue, x.binaryProbs, { reduction }),
  binaryCE_logits_posweight: (reduction) =>
    binaryCrossEntropy(x.binaryTrue, x.binaryLogits, { reduction, fromLogits: true, posWeight: x.posWeight as number[] }),
  klDivergence: (reduction) => klDivergence(x.soft, x.q, { reduction }),
  hinge: (reduction) => hingeLoss(x.signs, x.binaryLogits, { reduction }),
};

describe(`losses against PyTorch ${fixtures.torch}`, () => {
  it.each(Object.keys(cases))('%s equals PyTorch under none, mean and sum (relative 1e-6)', (name) => {
    const expected = fixtures.values[name] as Record<Reduction, number | number[]>;
    for (const reduction of ['none', 'mean', 'sum'] as const) {
      const out = cases[name](reduction);
      const want = [expected[reduction]].flat(2) as number[];
      expect({ reduction, error: relativeError(out.dataSync(), want) <= 1e-6 }).toEqual({ reduction, error: true });
      out.dispose();
    }
  });

  it('halfSquaredError summed is L = 1/2 sum (y - yhat)^2', () => {
    const out = halfSquaredError(x.regressionTrue, x.regressionPred, { reduction: 'sum' });
    expect(relativeError(out.dataSync(), [fixtures.values['halfSumSquares'] as number])).toBeLessThanOrEqual(1e-6);
    out.dispose();
  });

  it('categorical cross-entropy from probabilities is -sum y log p on a hand-worked case', () => {
    const out = categoricalCrossEntropy([[0, 1, 0]], [[0.25, 0.5, 0.25]], { reduction: 'sum' });
    expect(out.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    out.dispose();
  });
});

describe('losses in use', () => {
  it('train a model through model.compile by name, with tensors stable', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 3, activation: 'softmax', kernelInitializer: 'zeros' })],
    });
    model.compile({ optimizer: new Adam({ learningRate: 0.1 }), loss: getLoss('categoricalCrossEntropy', { labelSmoothing: 0.05 }) });
    const xs = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
      [0, 2],
      [2, 2],
    ]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3).toFloat();
    const first = await model.fit(xs, ys, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const later = await model.fit(xs, ys, { epochs: 100, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect((later.history['loss'] as number[]).pop()!).toBeLessThan(0.5 * (first.history['loss'][0] as number));
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('train a custom loop on sparse labels, with tensors stable', () => {
    const w = tf.variable(tf.zeros([2, 3]));
    const xs = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 0],
    ]);
    const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
    const optimizer = new Adam({ learningRate: 0.1 });
    const step = () =>
      optimizer.minimize(() => sparseCategoricalCrossEntropy(labels, tf.matMul(xs, w), { fromLogits: true }) as tf.Scalar, true, [w])!;
    const first = step();
    const start = first.dataSync()[0];
    first.dispose();
    const before = tf.memory().numTensors;
    let last = 0;
    for (let i = 0; i < 100; i++) {
      const loss = step();
      last = loss.dataSync()[0];
      loss.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.5 * start);
    optimizer.dispose();
    tf.dispose([w, xs, labels]);
  });

  it('reject bad input with typed errors naming the parameter', () => {
    expect(() => meanSquaredError([[1, 2]], [1, 2])).toThrow(ShapeError);
    expect(() => meanSquaredError([[1, 2]], [1, 2])).toThrow(/yPred: expected the shape of yTrue \[1, 2\]/);
    expect(() => sparseCategoricalCrossEntropy([0, 1, 2], [[0.5, 0.5]])).toThrow(ShapeError);
    expect(() => categoricalCrossEntropy([[1, 0]], [[0.5, 0.5]], { classWeights: [1] })).toThrow(/options\.classWeights/);
    expect(() => huberLoss([1], [2], { delta: -1 })).toThrow(InvalidArgumentError);
    expect(() => getLoss('crossEntropyish')).toThrow(/Unknown loss; expected one of meanSquaredError/);
    expect(() => meanSquaredError([1], [2], { reduction: 'max' as never })).toThrow(/options\.reduction/);
  });
});
