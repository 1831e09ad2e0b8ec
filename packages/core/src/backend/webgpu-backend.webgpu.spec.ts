/**
 * The webgpu backend against the cpu backend, on whatever adapter `initBackend({ backend: 'webgpu' })`
 * finds: in CI, Mesa's llvmpipe through OpenGL ES (see .ci/run for the packages). Run by the
 * `core:test-webgpu` target (jest.webgpu.config.cjs), which `npm test` runs before core's tests.
 *
 * Time: ~2 minutes on llvmpipe on an idle 2-core machine, most of it compiling shaders (first use of each
 * kernel) and the cpu backend's convolutions; the timeouts below allow for a busy machine.
 *
 * Tolerance: every value v of a webgpu result and c of the cpu result agree to
 * |v - c| <= 1e-4 * max(1, max |c|) (float32 sums taken in another order; a wrong index or a
 * missing term is off by far more).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { Adam, type AdamConfig } from '../optimizers';
import { ADAM_UPDATE } from '../kernels/adam-update';
import { webGpuAdamFits } from '../kernels/adam-update-webgpu';
import { TensorDataset } from '../data';
import { hingeLoss } from '../losses';
import { fit, resumeFit, type CustomModel } from '../training';
import { createReferenceCnn } from '../models';
import { mulberry32 } from '../random';
import { BackendError } from '../errors';
import { formatBackendInfo, initBackend, type BackendInfo } from './init-backend';

const RTOL = 1e-4;

/** Seeded values in [-1, 1). */
function values(size: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

/** Largest |a - b| over max(1, max |b|): the error measure the tolerance above is stated in. */
function scaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
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
interface KernelCase {
  name: string;
  shapes: number[][];
  forward: (...inputs: tf.Tensor[]) => tf.Tensor;
  /** Inputs that must stay positive (variances, say). */
  positive?: number[];
  /** Skip gradients (int outputs, or ops without one). */
  noGradient?: boolean;
}

const CASES: KernelCase[] = [
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
async function runOn(backend: string, kernelCase: KernelCase, withGradient: boolean): Promise<Float32Array[]> {
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
function dcganPair(seed: number): { generator: tf.Sequential; discriminator: tf.Sequential } {
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
async function trainReferenceCnn(backend: string, steps: number, batch: number) {
  tf.setBackend(backend);
  const model = createReferenceCnn({ seed: 3 });
  model.compile({ optimizer: new Adam({ lr: 1e-3 }), loss: 'categoricalCrossentropy' });
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
async function trainDcgan(backend: string, steps: number, batch: number) {
  tf.setBackend(backend);
  const { generator, discriminator } = dcganPair(5);
  const dOptimizer = new Adam({ lr: 2e-4, beta1: 0.5 });
  const gOptimizer = new Adam({ lr: 2e-4, beta1: 0.5 });
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
async function adamSteps(backend: string, config: AdamConfig, steps: number): Promise<Float32Array[]> {
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

describe('webgpu backend (tfjs-backend-webgpu on Dawn), against cpu', () => {
  let info: BackendInfo;

  beforeAll(async () => {
    info = await initBackend({ backend: 'webgpu' });
  });

  it('loads when forced and names its adapter', () => {
    expect(info.name).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.adapter?.featureLevel).toMatch(/^(core|compatibility)$/);
    expect(info.adapter!.device || info.adapter!.description).not.toBe('');
    expect(formatBackendInfo(info)).toContain(info.adapter!.dawnBackend);
    if (info.adapter!.software) expect(info.warnings.join(' ')).toContain('software adapter');
  });

  it('turns a sync read of a GPU tensor into a BackendError that names the async replacement', () => {
    tf.setBackend('webgpu');
    const t = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
    let error: unknown;
    try {
      t.dataSync();
    } catch (caught) {
      error = caught;
    }
    tf.dispose(t);
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('await tensor.data()');
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: forward and gradients equal cpu within 1e-4 (scaled)', async (_, kernelCase) => {
    const expected = await runOn('cpu', kernelCase, !kernelCase.noGradient);
    const actual = await runOn('webgpu', kernelCase, !kernelCase.noGradient);
    const errors = expected.map((e, i) => scaledError(actual[i], e));
    expect(errors.map((e) => e <= RTOL)).toEqual(expected.map(() => true));
  });

  it('core Adam: five steps on webgpu (the fused WGSL update, one dispatch per variable) give the variables cpu gives', async () => {
    tf.setBackend('webgpu');
    const kernels = (await tf.profile(() => adamSteps('webgpu', { lr: 0.01 }, 1))).kernelNames;
    expect(kernels).toContain(ADAM_UPDATE);
    expect(kernels).not.toContain('Sqrt'); // the composed update's square root is gone
    const cpu = await adamSteps('cpu', { lr: 0.01 }, 5);
    const gpu = await adamSteps('webgpu', { lr: 0.01 }, 5);
    cpu.forEach((expected, i) => expect(scaledError(gpu[i], expected)).toBeLessThanOrEqual(RTOL));
  });

  it('core Adam with weight decay, beta1 0.5 and AMSGrad: eight steps on webgpu give what cpu gives', async () => {
    const config = { lr: 0.02, beta1: 0.5, weightDecay: 0.01, amsgrad: true };
    tf.setBackend('webgpu');
    // AMSGrad's fused update binds 9 storage buffers; on a device allowing only 8 Adam composes ops.
    const kernels = (await tf.profile(() => adamSteps('webgpu', config, 1))).kernelNames;
    expect(kernels.includes(ADAM_UPDATE)).toBe(webGpuAdamFits(true));
    const cpu = await adamSteps('cpu', config, 8);
    const gpu = await adamSteps('webgpu', config, 8);
    cpu.forEach((expected, i) => expect(scaledError(gpu[i], expected)).toBeLessThanOrEqual(RTOL));
  });

  it("core's hingeLoss maps {0, 1} labels on the device, as cpu does", async () => {
    const run = async (backend: string) => {
      tf.setBackend(backend);
      const p = tf.tensor2d(values(40, 41), [8, 5]);
      const zeroOne = tf.tensor2d(
        Array.from({ length: 40 }, (_, i) => (i * 3) % 2),
        [8, 5],
      );
      const signs = tf.tensor2d(
        Array.from({ length: 40 }, (_, i) => ((i * 3) % 2) * 2 - 1),
        [8, 5],
      );
      const losses = [hingeLoss(zeroOne, p), hingeLoss(signs, p), hingeLoss(zeroOne, p, { reduction: 'none' })];
      const out = tf.concat(losses.map((t) => t.reshape([-1])));
      const read = Float32Array.from(await out.data());
      tf.dispose([p, zeroOne, signs, out]);
      return read;
    };
    expect(scaledError(await run('webgpu'), await run('cpu'))).toBeLessThanOrEqual(RTOL);
  });

  it('fit trains a custom model with class validation on webgpu (no sync reads), with the history cpu gives', async () => {
    const data = new TensorDataset(
      values(48 * 6, 51),
      [6],
      Int32Array.from({ length: 48 }, (_, i) => i % 3),
      { classes: 3 },
    );
    const validation = new TensorDataset(
      values(12 * 6, 52),
      [6],
      Int32Array.from({ length: 12 }, (_, i) => (i * 2) % 3),
      { classes: 3 },
    );
    const run = async (backend: string) => {
      tf.setBackend(backend);
      const w = tf.variable(tf.tensor2d(values(18, 53), [6, 3]));
      const b = tf.variable(tf.zeros([3]));
      const model: CustomModel = {
        variables: [w, b],
        forward: (xs) => tf.add(tf.matMul(xs, w), b),
        loss: (ys, logits) => tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar,
        optimizer: new Adam({ lr: 0.05 }),
      };
      const before = tf.memory().numTensors;
      const history = await fit(model, data, { epochs: 2, batchSize: 16, seed: 4, validation });
      const leaked = tf.memory().numTensors - before;
      tf.dispose([w, b]);
      model.optimizer.dispose();
      return { logs: history.epochs.flatMap((e) => [e['loss'], e['valLoss'], e['valAccuracy'], e['valMacroF1']]), leaked };
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(scaledError(gpu.logs as number[], cpu.logs as number[])).toBeLessThanOrEqual(RTOL);
    expect(gpu.logs.every((v) => typeof v === 'number')).toBe(true);
    expect(gpu.leaked).toBe(cpu.leaked);
  });

  it('fit checkpoints a LayersModel with its Adam state on webgpu, and resumeFit continues it as cpu does', async () => {
    const data = new TensorDataset(
      values(32 * 5, 61),
      [5],
      Int32Array.from({ length: 32 }, (_, i) => i % 2),
      { classes: 2 },
    );
    const run = async (backend: string) => {
      tf.setBackend(backend);
      const dir = mkdtempSync(join(tmpdir(), `webgpu-checkpoint-${backend}-`));
      try {
        const kernelInitializer = tf.initializers.glorotUniform({ seed: 1 });
        const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2, activation: 'softmax', kernelInitializer })] });
        model.compile({ optimizer: new Adam({ lr: 0.05 }), loss: 'categoricalCrossentropy' });
        await fit(model, data, { epochs: 1, batchSize: 8, seed: 2, checkpoint: { dir } });
        model.dispose();
        const resumed = await resumeFit(dir, data, { epochs: 2, batchSize: 8, seed: 2 });
        resumed.model.dispose();
        return resumed.history.epochs.map((e) => e['loss']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(gpu).toHaveLength(2);
    expect(scaledError(gpu, cpu)).toBeLessThanOrEqual(RTOL);
  });

  it('every kernel a reference-CNN or DCGAN training step runs on webgpu is one the cases above check', async () => {
    tf.setBackend('webgpu');
    const kernelsOf = async (f: () => Promise<unknown>) => new Set((await tf.profile(f as () => Promise<tf.TensorContainer>)).kernelNames);
    const training = new Set([
      ...(await kernelsOf(() => trainReferenceCnn('webgpu', 1, 4))),
      ...(await kernelsOf(() => trainDcgan('webgpu', 1, 4))),
    ]);
    const checked = new Set<string>();
    for (const kernelCase of CASES) {
      for (const name of await kernelsOf(() => runOn('webgpu', kernelCase, !kernelCase.noGradient))) checked.add(name);
    }
    for (const name of await kernelsOf(() => runOn('webgpu', CASES[0], false))) checked.add(name);
    for (const name of await kernelsOf(() => adamSteps('webgpu', { lr: 0.01 }, 1))) checked.add(name); // the fused Adam update
    expect([...training].filter((name) => !checked.has(name)).sort()).toEqual([]);
  });

  it('the reference CNN trains 3 steps with the losses cpu gives, without tensor or GPU-buffer growth', async () => {
    // The cpu backend's convolution gradients are slow (seconds per step even at batch 2): it makes 2 steps, webgpu 3.
    const cpu = await trainReferenceCnn('cpu', 2, 2);
    const gpu = await trainReferenceCnn('webgpu', 3, 2);
    expect(scaledError(gpu.losses.slice(0, 2), cpu.losses)).toBeLessThanOrEqual(RTOL);
    expect(gpu.losses[2]).toBeLessThan(gpu.losses[0]);
    // After the first step (which creates the optimizer's slots), nothing grows: tensors, bytes, and the GPU buffer pool.
    const [, second, third] = gpu.memory as (tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number })[];
    const counts = (m: typeof second) => [m.numTensors, m.numBytesInGPU, m.numBytesAllocatedInGPU];
    expect(counts(third)).toEqual(counts(second));
  });

  it('a DCGAN-shaped pair trains 3 steps with the losses cpu gives, without tensor or GPU-buffer growth', async () => {
    const cpu = await trainDcgan('cpu', 3, 4);
    const gpu = await trainDcgan('webgpu', 3, 4);
    expect(scaledError(gpu.losses.flat(), cpu.losses.flat())).toBeLessThanOrEqual(RTOL);
    const [, second, third] = gpu.memory as (tf.MemoryInfo & { numBytesInGPU: number; numBytesAllocatedInGPU: number })[];
    const counts = (m: typeof second) => [m.numTensors, m.numBytesInGPU, m.numBytesAllocatedInGPU];
    expect(counts(third)).toEqual(counts(second));
  });
});
