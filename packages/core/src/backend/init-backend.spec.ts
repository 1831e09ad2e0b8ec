import * as os from 'node:os';

import * as tf from '@tensorflow/tfjs';

import { BackendError, InvalidArgumentError } from '../errors';
import { formatBackendInfo, initBackend, parseBackendName } from './init-backend';

/** Whether a module can be required here (the native tfjs packages usually cannot be installed). */
function loads(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => tf.env().set('PROD', true));
afterEach(() => {
  delete process.env['BIGMODEL_BACKEND'];
  delete process.env['BIGMODEL_WASM_THREADS'];
});

describe('initBackend', () => {
  it('picks the first backend that loads, in the order webgpu, node-gpu, node, wasm, cpu, and says why it passed the others', async () => {
    const info = await initBackend();
    const order = ['webgpu', 'node-gpu', 'node', 'wasm', 'cpu'];
    expect(order).toContain(info.name);
    expect(info.forced).toBe(false);
    expect(info.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(info.name)));
    for (const { reason } of info.skipped) expect(reason.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe(info.tfBackend);
    // Automatic choice never takes a software adapter (llvmpipe and friends are slower than wasm).
    if (info.name === 'webgpu') expect(info.adapter?.software).toBe(false);
    if (info.name !== 'webgpu' && !loads('@tensorflow/tfjs-node-gpu') && !loads('@tensorflow/tfjs-node')) {
      const threads = Math.min(8, os.availableParallelism());
      expect(info).toMatchObject({ name: 'wasm', tfBackend: 'wasm', threads, simd: true, warnings: [] });
      expect(formatBackendInfo(info)).toBe(`wasm (${threads} thread${threads === 1 ? '' : 's'}, SIMD)`);
    }
  });

  it('forces a backend from the option and from BIGMODEL_BACKEND, the option winning', async () => {
    process.env['BIGMODEL_BACKEND'] = 'cpu';
    const fromEnv = await initBackend();
    expect(fromEnv).toMatchObject({ name: 'cpu', tfBackend: 'cpu', forced: true });
    expect(tf.getBackend()).toBe('cpu');
    const fromOption = await initBackend({ backend: 'wasm' });
    expect(fromOption).toMatchObject({ name: 'wasm', forced: true });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('throws a BackendError with install instructions when a forced native backend cannot load, never falling back', async () => {
    const wasBackend = tf.getBackend();
    for (const name of ['node', 'node-gpu'] as const) {
      const moduleName = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      if (loads(moduleName)) {
        await expect(initBackend({ backend: name })).resolves.toMatchObject({ name });
        continue;
      }
      const error = await initBackend({ backend: name }).catch((e: unknown) => e);
      expect(BackendError.isInstance(error)).toBe(true);
      expect((error as BackendError).backend).toBe(name);
      expect((error as Error).message).toContain(`npm install ${moduleName}`);
      expect(tf.getBackend()).toBe(wasBackend);
    }
  });

  it('rejects unknown backend names with an InvalidArgumentError naming the parameter and value', async () => {
    await expect(initBackend({ backend: 'tpu' as never })).rejects.toThrow(InvalidArgumentError);
    process.env['BIGMODEL_BACKEND'] = 'webgl2';
    const error = await initBackend().catch((e: unknown) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).parameter).toBe('BIGMODEL_BACKEND');
    expect((error as InvalidArgumentError).value).toBe('webgl2');
    expect((error as Error).message).toMatch(/"webgpu", "node-gpu", "node", "wasm", "cpu"/);
    expect(() => parseBackendName(3, 'flag')).toThrow(/Invalid argument for flag: 3/);
  });

  it('runs wasm on the requested number of threads, with the same numbers on 1 and 2 threads', async () => {
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(
          Float32Array.from({ length: 2 * 12 * 12 * 8 }, (_, i) => Math.sin(i)),
          [2, 12, 12, 8],
        );
        const w = tf.tensor4d(
          Float32Array.from({ length: 3 * 3 * 8 * 16 }, (_, i) => Math.cos(i)),
          [3, 3, 8, 16],
        );
        const y = tf.conv2d(x, w, 1, 'same');
        return Array.from(tf.matMul(y.reshape([-1, 16]), y.reshape([-1, 16]), true, false).dataSync());
      });
    const one = await initBackend({ backend: 'wasm', threads: 1 });
    expect(one.threads).toBe(1);
    const single = compute();
    process.env['BIGMODEL_WASM_THREADS'] = '2';
    const two = await initBackend({ backend: 'wasm' });
    expect(two.threads).toBe(2);
    expect(compute()).toEqual(single);
  });

  it('rejects thread counts outside 1-8 with an InvalidArgumentError', async () => {
    for (const threads of [0, 9, 1.5]) {
      await expect(initBackend({ backend: 'wasm', threads })).rejects.toThrow(/Invalid argument for options\.threads/);
    }
    process.env['BIGMODEL_WASM_THREADS'] = 'many';
    const error = await initBackend({ backend: 'wasm' }).catch((e: unknown) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).parameter).toBe('BIGMODEL_WASM_THREADS');
    expect((error as InvalidArgumentError).value).toBe('many');
  });
});
