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
});

describe('initBackend', () => {
  it('picks the first backend that loads, in the order node-gpu, node, wasm, cpu, and says why it passed the others', async () => {
    const info = await initBackend();
    const order = ['node-gpu', 'node', 'wasm', 'cpu'];
    expect(order).toContain(info.name);
    expect(info.forced).toBe(false);
    expect(info.skipped.map((s) => s.name)).toEqual(order.slice(0, order.indexOf(info.name)));
    for (const { reason } of info.skipped) expect(reason.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe(info.tfBackend);
    if (!loads('@tensorflow/tfjs-node-gpu') && !loads('@tensorflow/tfjs-node')) {
      expect(info).toMatchObject({ name: 'wasm', tfBackend: 'wasm', threads: 1, simd: true });
      expect(formatBackendInfo(info)).toBe('wasm (1 thread, SIMD)');
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
    expect((error as Error).message).toMatch(/"node-gpu", "node", "wasm", "cpu"/);
    expect(() => parseBackendName(3, 'flag')).toThrow(/Invalid argument for flag: 3/);
  });
});
