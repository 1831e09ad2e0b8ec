import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { loadModel, saveModel } from '../io';
import { relativeError, useWasm } from '../testing/backend-comparison';
import { trainMse } from '../testing/mse-training';
import { LazyGradConv2D, lazyGradConv2d, type LazyGradConv2DArgs } from '.';

beforeAll(useWasm);
afterEach(async () => {
  await tf.setBackend('wasm');
});

const backends = ['wasm', 'cpu'] as const;

/** The layer configurations compared with tfjs-layers' Conv2D. */
const cases: LazyGradConv2DArgs[] = [
  { filters: 5, kernelSize: 3 },
  { filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
  { filters: 6, kernelSize: 4, strides: 2, padding: 'same', useBias: false },
  { filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: 'valid', activation: 'relu' },
  { filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' },
  { filters: 7, kernelSize: 1, activation: 'sigmoid', useBias: false },
  { filters: 4, kernelSize: 2, padding: 'same', activation: 'elu' },
];

/**
 * A stock tf.layers.conv2d and a LazyGradConv2D with the same args, built on [2, 9, 8, 3] inputs,
 * the lazy one holding the stock one's weights (with a non-zero bias).
 */
function pair(args: LazyGradConv2DArgs) {
  const stock = tf.layers.conv2d({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
  const lazy = lazyGradConv2d({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) });
  stock.build([2, 9, 8, 3]);
  lazy.build([2, 9, 8, 3]);
  if (stock.weights.length === 2) stock.weights[1].write(tf.randomUniform(stock.weights[1].shape as number[], -1, 1, 'float32', 4));
  const initialKernelsEqual = tf.tidy(() => tf.all(tf.equal(lazy.weights[0].read(), stock.weights[0].read())).dataSync()[0] === 1);
  lazy.setWeights(stock.getWeights());
  const x = tf.randomUniform([2, 9, 8, 3], -1, 1, 'float32', 5);
  return { stock, lazy, x, initialKernelsEqual, dispose: () => [...stock.weights, ...lazy.weights, x].forEach((t) => t.dispose()) };
}

/** sum(y * r) for a fixed r: a scalar whose gradient w.r.t. y is r. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.randomUniform(y.shape, -1, 1, 'float32', 6)));
}

/** Gradients of weightedSum(layer(x)) w.r.t. x and every weight of the layer, as arrays. */
function gradients(layer: tf.layers.Layer, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const xVar = tf.variable(x);
    const { grads } = tf.variableGrads(() => weightedSum(layer.apply(xVar) as tf.Tensor), [xVar, ...variables]);
    const values = [xVar, ...variables].map((v) => Float32Array.from(grads[v.name].dataSync()));
    xVar.dispose();
    return values;
  }) as unknown as Float32Array[];
}

/**
 * layer(x) computed inside a gradient, where the lazy layer takes its own path. The gradient is
 * w.r.t. a scalar added to the result, so the tape prunes the convolution's own gradient (which
 * tfjs lacks for dilations > 1).
 */
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

/** Names of the kernels `f` runs. */
async function kernelsRun(f: () => tf.TensorContainer): Promise<string[]> {
  const profile = await tf.profile(() => {
    const out = f();
    return out;
  });
  tf.dispose(profile.result as tf.TensorContainer);
  return profile.kernels.map((k) => k.name);
}

describe('LazyGradConv2D', () => {
  it('is tfjs-layers Conv2D: same class name, weight names, shapes, seeded initial kernel and config', () => {
    const args: LazyGradConv2DArgs = { filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' };
    const { stock, lazy, initialKernelsEqual, dispose } = pair(args);
    expect(initialKernelsEqual).toBe(true); // the same seeded initializer draws the same kernel
    expect(lazy).toBeInstanceOf(LazyGradConv2D);
    expect(lazy).toBeInstanceOf(stock.constructor);
    expect(lazy.getClassName()).toBe('Conv2D');
    expect(lazy.weights.map((w) => [w.originalName.split('/').pop(), w.shape])).toEqual([
      ['kernel', [3, 3, 3, 4]],
      ['bias', [4]],
    ]);
    const withoutName = (config: tf.serialization.ConfigDict) => ({ ...config, name: undefined });
    expect(withoutName(lazy.getConfig())).toEqual(withoutName(stock.getConfig()));
    expect(lazy.computeOutputShape([2, 9, 8, 3])).toEqual([2, 5, 4, 4]);
    dispose();
  });

  it('computes the forward pass of tfjs-layers Conv2D with the same weights inside a gradient, dilations included (relative error <= 1e-5) on wasm and cpu', async () => {
    const failures: unknown[] = [];
    for (const backend of backends) {
      await tf.setBackend(backend);
      for (const args of cases) {
        const { stock, lazy, x, dispose } = pair(args);
        const expected = tf.tidy(() => stock.apply(x) as tf.Tensor);
        const actual = applyInGradient(lazy, x);
        const error = relativeError(actual.dataSync(), expected.dataSync());
        if (!(error <= 1e-5) || actual.shape.join() !== expected.shape.join()) failures.push({ backend, args, error, shape: actual.shape });
        tf.dispose([actual, expected]);
        dispose();
      }
    }
    expect(failures).toEqual([]);
  });

  it('runs the stock fused call outside a gradient (bitwise the stock values) and its own unfused one inside', async () => {
    for (const backend of backends) {
      await tf.setBackend(backend);
      for (const args of cases) {
        const { stock, lazy, x, dispose } = pair(args);
        const expected = tf.tidy(() => stock.apply(x) as tf.Tensor);
        const actual = tf.tidy(() => lazy.apply(x) as tf.Tensor);
        expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
        tf.dispose([actual, expected]);
        dispose();
      }
    }
    const { lazy, x, dispose } = pair({ filters: 4, kernelSize: 3, activation: 'relu' });
    expect(await kernelsRun(() => lazy.apply(x) as tf.Tensor)).toContain('FusedConv2D');
    const inGradient = await kernelsRun(() => applyInGradient(lazy, x));
    expect(inGradient).toContain('Conv2D');
    expect(inGradient).not.toContain('FusedConv2D');
    dispose();
  });

  it('gives the gradients of tfjs-layers Conv2D w.r.t. its input and its weights (relative error <= 1e-5) on wasm and cpu', async () => {
    for (const backend of backends) {
      await tf.setBackend(backend);
      // tfjs has no convolution gradient for dilations > 1, in either layer.
      for (const args of cases.filter((c) => c.dilationRate === undefined)) {
        const { stock, lazy, x, dispose } = pair(args);
        const expected = gradients(stock, x);
        const actual = gradients(lazy, x);
        expect(actual.length).toBe(args.useBias === false ? 2 : 3);
        actual.forEach((values, i) => expect(relativeError(values, expected[i])).toBeLessThanOrEqual(1e-5));
        dispose();
      }
    }
  });

  it('runs no Conv2DBackpropFilter for a gradient w.r.t. its input only, where the stock layer runs one', async () => {
    // Linear activation: the stock layer takes tf.fused.conv2d's fused path inside a gradient.
    const { stock, lazy, x, dispose } = pair({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' });
    const inputGradient = (layer: tf.layers.Layer) => () => tf.grad((input: tf.Tensor) => weightedSum(layer.apply(input) as tf.Tensor))(x);
    const stockKernels = await kernelsRun(inputGradient(stock));
    const lazyKernels = await kernelsRun(inputGradient(lazy));
    expect(stockKernels).toContain('Conv2DBackpropFilter');
    expect(stockKernels).toContain('Conv2DBackpropInput');
    expect(lazyKernels).not.toContain('Conv2DBackpropFilter');
    expect(lazyKernels).toContain('Conv2DBackpropInput');
    dispose();
  });

  it('runs no Conv2DBackpropInput for a gradient w.r.t. its weights from data input, where the stock layer runs one', async () => {
    const { stock, lazy, x, dispose } = pair({ filters: 4, kernelSize: 3, padding: 'same' });
    const weightGradient = (layer: tf.layers.Layer) => () =>
      tf.variableGrads(
        () => weightedSum(layer.apply(x) as tf.Tensor),
        layer.trainableWeights.map((w) => w.read() as tf.Variable),
      );
    const stockKernels = await kernelsRun(weightGradient(stock));
    const lazyKernels = await kernelsRun(weightGradient(lazy));
    expect(stockKernels).toContain('Conv2DBackpropInput');
    expect(stockKernels).toContain('Conv2DBackpropFilter');
    expect(lazyKernels).not.toContain('Conv2DBackpropInput');
    expect(lazyKernels).toContain('Conv2DBackpropFilter');
    dispose();
  });

  it('saves with saveModel and loads with loadModel as a stock Conv2D giving the same predictions', async () => {
    const model = tf.sequential({
      layers: [
        lazyGradConv2d({ inputShape: [9, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const x = tf.randomUniform([3, 9, 8, 3], -1, 1, 'float32', 7);
    const dir = mkdtempSync(join(tmpdir(), 'bigmodel-layers-'));
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers[0].getClassName()).toBe('Conv2D');
    expect(loaded.layers[0]).not.toBeInstanceOf(LazyGradConv2D);
    const before = model.predict(x) as tf.Tensor;
    const after = loaded.predict(x) as tf.Tensor;
    expect(relativeError(after.dataSync(), before.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });

  it('trains a small model on wasm with a decreasing loss and a stable tensor count', () => {
    const model = tf.sequential({
      layers: [
        lazyGradConv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        lazyGradConv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const x = tf.randomUniform([16, 8, 8, 1], -1, 1, 'float32', 8);
    const y = tf.tidy(() => tf.sum(x, [1, 2]));
    const { first, last, tensorsAfterFirst, tensorsAfterLast } = trainMse(model, x, y, 30);
    expect(tensorsAfterLast).toBe(tensorsAfterFirst);
    expect(last).toBeLessThan(first / 2);
    tf.dispose([x, y]);
    model.dispose();
  });
});
