/**
 * The webgpu correctness checks, shared by core's webgpu test project
 * (backend/webgpu-backend.webgpu.spec.ts) and the real-GPU script (tools/gpu-check): kernel cases
 * run forward and backward on a backend, Adam steps, and short reference-CNN and DCGAN trainings,
 * each returning what the cpu backend is compared with.
 *
 * Tolerance: every value v of a webgpu result and c of the cpu result agree to
 * |v - c| <= 1e-4 * max(1, max |c|) (float32 sums taken in another order; a wrong index or a
 * missing term is off by far more).
 */
import * as tf from '@tensorflow/tfjs';

import { Adam, type AdamConfig } from '../optimizers';
import { createReferenceCnn } from '../models';
import { mulberry32 } from '../random';

export const RTOL = 1e-4;

/** Seeded values in [-1, 1). */
export function values(size: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

/** Largest |a - b| over max(1, max |b|): the error measure the tolerance above is stated in. */
export function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return Number.isNaN(worst) ? Infinity : worst / scale;
}

/** One kernel case: inputs by shape, a forward function; gradients are taken w.r.t. every float input. */
export interface KernelCase {
  name: string;
  shapes: number[][];
  forward: (...inputs: tf.Tensor[]) => tf.Tensor;
  /** Inputs that must stay positive (variances, say). */
  positive?: number[];
  /** Skip gradients (int outputs, or ops without one). */
  noGradient?: boolean;
}

export const CASES: KernelCase[] = [
  {
    name: 'matMul',
    shapes: [
      [33, 47],
      [47, 29],
    ],
    forward: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'matMul transposed',
    shapes: [
      [47, 33],
      [29, 47],
    ],
    forward: (a, b) => tf.matMul(a, b, true, true),
  },
  {
    name: 'batched matMul',
    shapes: [
      [3, 8, 5],
      [3, 5, 6],
    ],
    forward: (a, b) => tf.matMul(a, b),
  },
  {
    name: 'fused matMul + bias + relu',
    shapes: [[16, 40], [40, 24], [24]],
    forward: (a, b, bias) => tf.fused.matMul({ a, b, bias, activation: 'relu' }),
  },
  {
    name: 'conv2d valid',
    shapes: [
      [2, 9, 9, 3],
      [3, 3, 3, 4],
    ],
    forward: (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'),
  },
  {
    name: 'conv2d stride 2 same',
    shapes: [
      [2, 10, 10, 3],
      [4, 4, 3, 5],
    ],
    forward: (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'),
  },
  {
    name: 'fused conv2d + bias + relu',
    shapes: [[2, 8, 8, 3], [3, 3, 3, 6], [6]],
    forward: (x, filter, bias) =>
      tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: 1, pad: 'same', bias, activation: 'relu' }),
  },
  {
    name: 'conv2dTranspose stride 2 (DCGAN generator)',
    shapes: [
      [2, 4, 4, 6],
      [4, 4, 3, 6],
    ],
    forward: (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [2, 8, 8, 3], 2, 'same'),
  },
  { name: 'maxPool 2x2', shapes: [[2, 8, 8, 3]], forward: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'avgPool 2x2', shapes: [[2, 8, 8, 3]], forward: (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'relu', shapes: [[257]], forward: (x) => tf.relu(x) },
  { name: 'elu', shapes: [[257]], forward: (x) => tf.elu(x) },
  { name: 'leakyRelu 0.2', shapes: [[257]], forward: (x) => tf.leakyRelu(x, 0.2) },
  { name: 'sigmoid', shapes: [[257]], forward: (x) => tf.sigmoid(x) },
  { name: 'tanh', shapes: [[257]], forward: (x) => tf.tanh(x) },
  { name: 'softplus', shapes: [[257]], forward: (x) => tf.softplus(x) },
  {
    name: 'batchNorm',
    shapes: [[4, 5, 5, 3], [3], [3], [3], [3]],
    positive: [2],
    forward: (x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
  },
  { name: 'moments over batch and space', shapes: [[4, 5, 5, 3]], forward: (x) => tf.stack(Object.values(tf.moments(x, [0, 1, 2]))) },
  { name: 'softmax', shapes: [[7, 10]], forward: (x) => tf.softmax(x) },
  { name: 'logSoftmax', shapes: [[7, 10]], forward: (x) => tf.logSoftmax(x) },
  {
    name: 'softmax cross-entropy',
    shapes: [
      [7, 10],
      [7, 10],
    ],
    forward: (y, logits) => tf.losses.softmaxCrossEntropy(tf.softmax(y), logits),
  },
  {
    name: 'sigmoid cross-entropy',
    shapes: [
      [7, 10],
      [7, 10],
    ],
    forward: (y, logits) => tf.losses.sigmoidCrossEntropy(tf.sigmoid(y), logits),
  },
  {
    name: 'sum / mean / max / min',
    shapes: [[6, 7, 8]],
    forward: (x) => tf.concat([tf.sum(x, 0).flatten(), tf.mean(x, [1, 2]), tf.max(x, 2).flatten(), tf.min(x, 1).flatten()]),
  },
  { name: 'argMax', shapes: [[9, 13]], forward: (x) => tf.argMax(x, 1), noGradient: true },
  {
    name: 'elementwise arithmetic',
    shapes: [[5, 6], [6]],
    positive: [1],
    forward: (a, b) => tf.add(tf.mul(a, b), tf.div(tf.sub(a, b), tf.add(b, 1))),
  },
  {
    name: 'exp / log / sqrt / square / abs',
    shapes: [[64]],
    positive: [0],
    forward: (x) => tf.concat([tf.exp(x), tf.log(x), tf.sqrt(x), tf.square(x), tf.abs(tf.neg(x))]),
  },
  {
    name: 'clipByValue / maximum / minimum',
    shapes: [[64], [64]],
    forward: (a, b) => tf.concat([tf.clipByValue(a, -0.5, 0.5), tf.maximum(a, b), tf.minimum(a, b)]),
  },
  {
    name: 'transpose / reshape / slice / pad / tile',
    shapes: [[3, 4, 5]],
    forward: (x) =>
      tf.tile(
        tf.pad(tf.slice(tf.transpose(x, [2, 0, 1]), [1, 0, 1], [3, 3, 3]), [
          [0, 1],
          [1, 0],
          [0, 0],
        ]),
        [2, 1, 1],
      ),
  },
  { name: 'gather (embedding)', shapes: [[10, 4]], forward: (x) => tf.gather(x, tf.tensor1d([3, 1, 3, 9, 0], 'int32')) },
  { name: 'oneHot', shapes: [], forward: () => tf.oneHot(tf.tensor1d([0, 3, 2, 9], 'int32'), 10), noGradient: true },
  {
    name: 'fill / zerosLike / onesLike',
    shapes: [[3, 5]],
    forward: (x) => tf.concat([tf.fill([3, 5], 0.25), tf.zerosLike(x), tf.onesLike(x)]),
    noGradient: true,
  },
];

/** Runs `fn` with fresh inputs on `backend` and reads every output back asynchronously. */
export async function runOn(backend: string, kernelCase: KernelCase, withGradient: boolean): Promise<Float32Array[]> {
  tf.setBackend(backend);
  const inputs = kernelCase.shapes.map((shape, i) => {
    const data = values(tf.util.sizeFromShape(shape), 100 + i);
    return tf.tensor(kernelCase.positive?.includes(i) ? data.map((v) => Math.abs(v) + 0.1) : data, shape);
  });
  const outputs = tf.tidy(() => {
    const y = kernelCase.forward(...inputs);
    if (!withGradient) return [y];
    const dy = tf.tensor(values(y.size, 7), y.shape);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(kernelCase.forward(...xs), dy)))(inputs);
    return [y, ...grads];
  });
  const read = await Promise.all(outputs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([...inputs, ...outputs]);
  return read;
}

/** A DCGAN-shaped generator and discriminator at toy size (the gan package's layers, without depending on it). */
export function dcganPair(seed: number): { generator: tf.Sequential; discriminator: tf.Sequential } {
  let next = seed;
  const init = () => tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: next++ });
  const generator = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [8], units: 4 * 4 * 16, useBias: false, kernelInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.reshape({ targetShape: [4, 4, 16] }),
      tf.layers.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: init() }),
    ],
  });
  const discriminator = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 8, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: init() }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }),
      tf.layers.batchNormalization(),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 1, kernelInitializer: init() }),
    ],
  });
  return { generator, discriminator };
}

/** `steps` Adam steps of the reference CNN on fixed data; returns each step's loss and the memory after each. */
export async function trainReferenceCnn(backend: string, steps: number, batch: number) {
  tf.setBackend(backend);
  const model = createReferenceCnn({ seed: 3 });
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor4d(
    values(batch * 28 * 28, 11).map((v) => (v + 1) / 2),
    [batch, 28, 28, 1],
  );
  const ys = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => (i * 7) % 10),
        'int32',
      ),
      10,
    )
    .toFloat();
  const losses: number[] = [];
  const memory: tf.MemoryInfo[] = [];
  for (let step = 0; step < steps; step++) {
    losses.push((await model.trainOnBatch(xs, ys)) as number);
    memory.push(tf.memory());
  }
  tf.dispose([xs, ys]);
  model.dispose();
  return { losses, memory };
}

/** `steps` DCGAN steps (discriminator on real and fake, then generator), with core's Adam; returns both losses per step. */
export async function trainDcgan(backend: string, steps: number, batch: number) {
  tf.setBackend(backend);
  const { generator, discriminator } = dcganPair(5);
  const dOptimizer = new Adam({ learningRate: 2e-4, beta1: 0.5 });
  const gOptimizer = new Adam({ learningRate: 2e-4, beta1: 0.5 });
  const real = tf.tensor4d(values(batch * 16 * 16, 21), [batch, 16, 16, 1]);
  const noise = tf.tensor2d(values(batch * 8, 22), [batch, 8]);
  const bce = (labels: number, logits: tf.Tensor) => tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, labels), logits);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[][] = [];
  const memory: tf.MemoryInfo[] = [];
  for (let step = 0; step < steps; step++) {
    const dLoss = dOptimizer.minimize(
      () => {
        const fake = generator.apply(noise, { training: true }) as tf.Tensor;
        const onReal = discriminator.apply(real, { training: true }) as tf.Tensor;
        const onFake = discriminator.apply(fake, { training: true }) as tf.Tensor;
        return tf.add(bce(1, onReal), bce(0, onFake)) as tf.Scalar;
      },
      true,
      dVars,
    )!;
    const gLoss = gOptimizer.minimize(
      () => {
        const verdict = discriminator.apply(generator.apply(noise, { training: true }), { training: true }) as tf.Tensor;
        return bce(1, verdict) as tf.Scalar;
      },
      true,
      gVars,
    )!;
    const [d, g] = await Promise.all([dLoss.data(), gLoss.data()]);
    tf.dispose([dLoss, gLoss]);
    losses.push([d[0], g[0]]);
    memory.push(tf.memory());
  }
  tf.dispose([real, noise]);
  generator.dispose();
  discriminator.dispose();
  dOptimizer.dispose();
  gOptimizer.dispose();
  return { losses, memory };
}

/**
 * `steps` Adam steps on two variables (one of 1,200 values, one of 100,003: more workgroups than a
 * multiple of 64) toward fixed targets; returns the variables, then the optimizer's m and v slots.
 */
export async function adamSteps(backend: string, config: AdamConfig, steps: number): Promise<Float32Array[]> {
  tf.setBackend(backend);
  const w = [tf.variable(tf.tensor2d(values(40 * 30, 31), [40, 30])), tf.variable(tf.tensor1d(values(100_003, 33)))];
  const targets = [tf.tensor2d(values(40 * 30, 32), [40, 30]), tf.tensor1d(values(100_003, 34))];
  const optimizer = new Adam(config);
  const loss = () => tf.addN(w.map((x, i) => tf.sum(tf.square(tf.sub(x, targets[i]))))) as tf.Scalar;
  for (let step = 0; step < steps; step++) tf.dispose(optimizer.minimize(loss, true)!);
  const slots = (await optimizer.getWeights()).slice(1).map((s) => s.tensor); // [0] is the step count
  const out = await Promise.all([...w, ...slots].map(async (t) => Float32Array.from(await t.data())));
  tf.dispose([...w, ...targets]);
  optimizer.dispose();
  return out;
}
