import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { loadModel, saveModel } from '../io';
import { relativeError, useWasm } from '../testing/backend-comparison';
import { trainMse } from '../testing/mse-training';
import { LazyGradDense, lazyGradDense, type LazyGradDenseArgs } from '.';

beforeAll(useWasm);
afterEach(async () => {
  await tf.setBackend('wasm');
});

const backends = ['wasm', 'cpu'] as const;

/** The layer configurations compared with tfjs-layers' Dense (input [5, 7], or [2, 3, 7] for rank 3). */
const cases: (LazyGradDenseArgs & { rank?: 3 })[] = [
  { units: 6 },
  { units: 4, useBias: false },
  { units: 3, activation: 'relu' },
  { units: 5, activation: 'sigmoid', useBias: false },
  { units: 4, activation: 'tanh' },
  { units: 4, rank: 3 },
];

/** A stock tf.layers.dense and a LazyGradDense with the same args and weights (a non-zero bias). */
function pair({ rank, ...args }: LazyGradDenseArgs & { rank?: 3 }) {
  const inputShape = rank === 3 ? [2, 3, 7] : [5, 7];
  const stock = tf.layers.dense({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
  const lazy = lazyGradDense({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
  stock.build(inputShape);
  lazy.build(inputShape);
  const initialKernelsEqual = tf.tidy(() => tf.all(tf.equal(lazy.weights[0].read(), stock.weights[0].read())).dataSync()[0] === 1);
  if (stock.weights.length === 2) stock.weights[1].write(tf.randomUniform(stock.weights[1].shape as number[], -1, 1, 'float32', 4));
  lazy.setWeights(stock.getWeights());
  const x = tf.randomUniform(inputShape, -1, 1, 'float32', 5);
  return { stock, lazy, x, initialKernelsEqual, dispose: () => [...stock.weights, ...lazy.weights, x].forEach((t) => t.dispose()) };
}

/** sum(y * r) for a fixed r: a scalar whose gradient w.r.t. y is r. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 6)));
}

/** layer(x) computed inside a gradient (w.r.t. a scalar added to the result), where the lazy layer takes its own path. */
function applyInGradient(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  let y: tf.Tensor | undefined;
  const offset = tf.scalar(0);
  const dOffset = tf.grad((t: tf.Tensor) => {
    y = tf.keep(layer.apply(x) as tf.Tensor);
    return tf.add(t, tf.sum(y));
  })(offset);
  tf.dispose([offset, dOffset]);
  return y!;
}

/** Gradients of weightedSum(layer(x)) w.r.t. x and every weight of the layer, as arrays. */
function gradients(layer: tf.layers.Layer, x: tf.Tensor): Float32Array[] {
  const xVar = tf.variable(x);
  const variables = [xVar, ...layer.trainableWeights.map((w) => w.read() as tf.Variable)];
  const { value, grads } = tf.variableGrads(() => weightedSum(layer.apply(xVar) as tf.Tensor), variables);
  const values = variables.map((v) => Float32Array.from(grads[v.name].dataSync()));
  tf.dispose([value, xVar, ...Object.values(grads)]);
  return values;
}

/** How many matrix-product kernels (BatchMatMul, _FusedMatMul) `f` runs. */
async function productsRun(f: () => tf.TensorContainer): Promise<number> {
  const profile = await tf.profile(f);
  tf.dispose(profile.result as tf.TensorContainer);
  return profile.kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
}

describe('LazyGradDense', () => {
  it('is tfjs-layers Dense: same class name, weights, seeded initial kernel and config', () => {
    const { stock, lazy, initialKernelsEqual, dispose } = pair({ units: 4, activation: 'relu' });
    expect(initialKernelsEqual).toBe(true);
    expect(lazy).toBeInstanceOf(LazyGradDense);
    expect(lazy).toBeInstanceOf(stock.constructor);
    expect(lazy.getClassName()).toBe('Dense');
    expect(lazy.weights.map((w) => [w.originalName.split('/').pop(), w.shape])).toEqual([
      ['kernel', [7, 4]],
      ['bias', [4]],
    ]);
    const withoutName = (config: tf.serialization.ConfigDict) => ({ ...config, name: undefined });
    expect(withoutName(lazy.getConfig())).toEqual(withoutName(stock.getConfig()));
    dispose();
  });

  it('computes the forward pass of tfjs-layers Dense inside a gradient (relative error <= 1e-5) and bitwise outside one, on wasm and cpu', async () => {
    const failures: unknown[] = [];
    for (const backend of backends) {
      await tf.setBackend(backend);
      for (const args of cases) {
        const { stock, lazy, x, dispose } = pair(args);
        const expected = tf.tidy(() => stock.apply(x) as tf.Tensor);
        const inGradient = applyInGradient(lazy, x);
        const outside = tf.tidy(() => lazy.apply(x) as tf.Tensor);
        const error = relativeError(inGradient.dataSync(), expected.dataSync());
        if (!(error <= 1e-5) || inGradient.shape.join() !== expected.shape.join()) failures.push({ backend, args, error });
        if (Array.from(outside.dataSync()).join() !== Array.from(expected.dataSync()).join())
          failures.push({ backend, args, outside: 'differs' });
        tf.dispose([expected, inGradient, outside]);
        dispose();
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives the gradients of tfjs-layers Dense w.r.t. its input and its weights (relative error <= 1e-5) on wasm and cpu', async () => {
    for (const backend of backends) {
      await tf.setBackend(backend);
      for (const args of cases) {
        const { stock, lazy, x, dispose } = pair(args);
        const expected = gradients(stock, x);
        const actual = gradients(lazy, x);
        expect(actual.length).toBe(args.useBias === false ? 2 : 3);
        actual.forEach((values, i) => expect(relativeError(values, expected[i])).toBeLessThanOrEqual(1e-5));
        dispose();
      }
    }
  });

  it('runs one product for the backward pass w.r.t. its input only, and one w.r.t. its weights only, where the stock layer runs two', async () => {
    // Linear activation: the stock layer takes tf.fused.matMul's fused path inside a gradient.
    const { stock, lazy, x, dispose } = pair({ units: 6 });
    const inputGradient = (layer: tf.layers.Layer) => () => tf.grad((input: tf.Tensor) => weightedSum(layer.apply(input) as tf.Tensor))(x);
    const weightGradient = (layer: tf.layers.Layer) => () =>
      tf.variableGrads(
        () => weightedSum(layer.apply(x) as tf.Tensor),
        layer.trainableWeights.map((w) => w.read() as tf.Variable),
      );
    // One product forward, then one per gradient computed.
    expect(await productsRun(inputGradient(stock))).toBe(3);
    expect(await productsRun(inputGradient(lazy))).toBe(2);
    expect(await productsRun(weightGradient(stock))).toBe(3);
    expect(await productsRun(weightGradient(lazy))).toBe(2);
    dispose();
  });

  it('saves with saveModel and loads with loadModel as a stock Dense giving the same predictions, and trains with a stable tensor count', async () => {
    const model = tf.sequential({
      layers: [lazyGradDense({ inputShape: [7], units: 8, activation: 'relu' }), lazyGradDense({ units: 1 })],
    });
    const x = tf.randomUniform([32, 7], -1, 1, 'float32', 7);
    const y = tf.tidy(() => tf.sum(tf.abs(x), 1, true));
    const { first, last, tensorsAfterFirst, tensorsAfterLast } = trainMse(model, x, y, 40);
    expect(tensorsAfterLast).toBe(tensorsAfterFirst);
    expect(last).toBeLessThan(first / 2);

    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-layers-'));
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    expect(loaded.layers[0]).not.toBeInstanceOf(LazyGradDense);
    const before = model.predict(x) as tf.Tensor;
    const after = loaded.predict(x) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    tf.dispose([x, y, before, after]);
    model.dispose();
    loaded.dispose();
  });
});
