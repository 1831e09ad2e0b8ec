/**
 * Backend selection: one call that picks the best TensorFlow.js backend that actually loads.
 *
 * Order: tfjs-node-gpu, tfjs-node (native libtensorflow; optional peers, used when they load),
 * then wasm (the default on machines where the native bindings cannot install, completed and sped
 * up for training by {@link registerWasmKernels}), then the pure-JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, InvalidArgumentError } from '../errors';
import { registerWasmKernels } from '../kernels';

/** The backends bigmodel can select, best first. */
export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;

/** A bigmodel backend name: `node-gpu` and `node` are `@tensorflow/tfjs-node(-gpu)`, `wasm` and `cpu` ship with tfjs. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Options for {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force one backend. Default: the `BIGMODEL_BACKEND` environment variable, else automatic.
   * A forced backend that cannot load throws a {@link BackendError}; it never falls back.
   */
  backend?: BackendName;
}

/** What {@link initBackend} chose, for CLIs and logs to print. */
export interface BackendInfo {
  /** The bigmodel backend name. */
  name: BackendName;
  /** The TensorFlow.js backend name behind it (`tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** Threads the backend computes with (wasm in Node: 1; native: TensorFlow's own pool). */
  threads: number;
  /** Whether WebAssembly SIMD is in use (wasm only). */
  simd: boolean;
  /** Whether the choice was forced (option or `BIGMODEL_BACKEND`) rather than automatic. */
  forced: boolean;
  /** Why each better backend was passed over, in order, when the choice was automatic. */
  skipped: { name: BackendName; reason: string }[];
}

const INSTALL_HINTS: Record<BackendName, string> = {
  'node-gpu':
    'Install it with `npm install @tensorflow/tfjs-node-gpu` (needs CUDA 11.2 and cuDNN 8.1, and network access to ' +
    'download libtensorflow at install time; under npm 11 allow its install script).',
  node:
    'Install it with `npm install @tensorflow/tfjs-node` (its install script downloads libtensorflow; behind a ' +
    'mirror set TFJS_NODE_CDN_STORAGE; under npm 11 allow its install script).',
  wasm: 'Install it with `npm install @tensorflow/tfjs-backend-wasm@4.22.0` (a peer dependency of @bigmodel/core).',
  cpu: 'The cpu backend ships with @tensorflow/tfjs; reinstall @tensorflow/tfjs.',
};

/** Makes a backend available to tfjs, or throws with the reason. Returns the tfjs backend name. */
async function load(name: BackendName): Promise<string> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      const moduleName = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      // The native packages register the 'tensorflow' backend as a side effect of loading.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(moduleName);
      if (name === 'node-gpu' && !nativeSeesGpu()) {
        throw new Error('@tensorflow/tfjs-node-gpu loaded but TensorFlow lists no GPU device');
      }
      return 'tensorflow';
    }
    case 'wasm':
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    case 'cpu':
      return 'cpu';
  }
}

function nativeSeesGpu(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = require('@tensorflow/tfjs-node-gpu/dist/tfjs_binding') as { isUsingGpuDevice?: () => boolean };
    return binding.isUsingGpuDevice?.() ?? true;
  } catch {
    return true;
  }
}

async function activate(name: BackendName): Promise<BackendInfo> {
  const tfBackend = await load(name);
  const ok = await tf.setBackend(tfBackend);
  if (!ok || tf.getBackend() !== tfBackend) throw new Error(`tf.setBackend('${tfBackend}') did not succeed`);
  await tf.ready();
  let threads = 1;
  let simd = false;
  if (name === 'wasm') {
    registerWasmKernels();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } else if (name === 'node' || name === 'node-gpu') {
    threads = 0; // TensorFlow's own thread pool, sized by TensorFlow
  }
  return { name, tfBackend, threads, simd, forced: false, skipped: [] };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/** Parses a backend name given by a user (option, CLI flag or `BIGMODEL_BACKEND`). */
export function parseBackendName(value: unknown, parameter = 'backend'): BackendName {
  if (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new InvalidArgumentError({
    parameter,
    value,
    message: `Expected one of ${BACKEND_NAMES.map((n) => `"${n}"`).join(', ')}.`,
  });
}

/**
 * Selects the TensorFlow.js backend bigmodel computes on and reports what it chose.
 *
 * Automatic choice tries node-gpu, node, wasm, cpu and keeps the first that loads. A backend forced
 * by `options.backend` or the `BIGMODEL_BACKEND` environment variable must load, or a
 * {@link BackendError} says why and how to install it. On wasm, bigmodel's training kernels are
 * registered (see {@link registerWasmKernels}).
 *
 * @example
 * ```ts
 * import { initBackend } from '@bigmodel/core';
 * const info = await initBackend();            // e.g. { name: 'wasm', threads: 1, simd: true, ... }
 * await initBackend({ backend: 'cpu' });       // force one
 * ```
 * @category Backend
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const fromEnv = process.env['BIGMODEL_BACKEND'];
  const forcedName =
    options.backend !== undefined
      ? parseBackendName(options.backend, 'options.backend')
      : fromEnv !== undefined && fromEnv !== ''
        ? parseBackendName(fromEnv, 'BIGMODEL_BACKEND')
        : undefined;

  if (forcedName) {
    try {
      return { ...(await activate(forcedName)), forced: true };
    } catch (error) {
      throw new BackendError({
        backend: forcedName,
        message: `was requested but cannot be used: ${describe(error)}.`,
        hint: INSTALL_HINTS[forcedName],
        cause: error,
      });
    }
  }

  const skipped: BackendInfo['skipped'] = [];
  for (const name of BACKEND_NAMES) {
    try {
      return { ...(await activate(name)), skipped };
    } catch (error) {
      skipped.push({ name, reason: describe(error) });
    }
  }
  throw new BackendError({
    backend: 'cpu',
    message: `no backend could be loaded (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}).`,
    hint: INSTALL_HINTS.cpu,
  });
}

/** One line describing a backend choice, for CLIs: `wasm (1 thread, SIMD)`. */
export function formatBackendInfo(info: BackendInfo): string {
  const details: string[] = [];
  if (info.threads > 0) details.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  if (info.name === 'wasm') details.push(info.simd ? 'SIMD' : 'no SIMD');
  if (info.forced) details.push('forced');
  return `${info.name}${details.length ? ` (${details.join(', ')})` : ''}`;
}
