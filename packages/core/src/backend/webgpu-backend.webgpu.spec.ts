/**
 * The webgpu backend against the cpu backend, on whatever adapter `initBackend({ backend: 'webgpu' })`
 * finds: in CI, Mesa's llvmpipe through OpenGL ES (see .ci/run for the packages). Run by the
 * `core:test-webgpu` target (jest.webgpu.config.cjs), which `npm test` runs before core's tests.
 *
 * Time: ~2 minutes on llvmpipe on an idle 2-core machine, most of it compiling shaders (first use of each
 * kernel) and the cpu backend's convolutions; the timeouts below allow for a busy machine.
 *
 * The cases and runs live in ../testing/webgpu-checks.ts (tools/gpu-check runs them on a real GPU);
 * the tolerance is stated there: |v - c| <= 1e-4 * max(1, max |c|).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { Adam } from '../optimizers';
import { ADAM_UPDATE } from '../kernels/adam-update';
import { webGpuAdamFits } from '../kernels/adam-update-webgpu';
import { TensorDataset } from '../data';
import { hingeLoss } from '../losses';
import { fit, resumeFit, type CustomModel } from '../training';
import { BackendError } from '../errors';
import { CASES, RTOL, adamSteps, runOn, scaledError, trainDcgan, trainReferenceCnn, values } from '../testing/webgpu-checks';
import { formatBackendInfo, initBackend, type BackendInfo } from './init-backend';

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
    const kernels = (await tf.profile(() => adamSteps('webgpu', { learningRate: 0.01 }, 1))).kernelNames;
    expect(kernels).toContain(ADAM_UPDATE);
    expect(kernels).not.toContain('Sqrt'); // the composed update's square root is gone
    const cpu = await adamSteps('cpu', { learningRate: 0.01 }, 5);
    const gpu = await adamSteps('webgpu', { learningRate: 0.01 }, 5);
    cpu.forEach((expected, i) => expect(scaledError(gpu[i], expected)).toBeLessThanOrEqual(RTOL));
  });

  it('core Adam with weight decay, beta1 0.5 and AMSGrad: eight steps on webgpu give what cpu gives', async () => {
    const config = { learningRate: 0.02, beta1: 0.5, weightDecay: 0.01, amsgrad: true };
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
        optimizer: new Adam({ learningRate: 0.05 }),
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
        model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
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
    for (const name of await kernelsOf(() => adamSteps('webgpu', { learningRate: 0.01 }, 1))) checked.add(name); // the fused Adam update
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
