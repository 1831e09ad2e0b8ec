/**
 * Backend selection: one call that picks the best TensorFlow.js backend that actually loads.
 *
 * Order: webgpu on a hardware adapter (tfjs-backend-webgpu on Dawn; optional peers, probed only
 * when installed and, on Linux, when a Vulkan loader exists, so that start-up without them costs
 * nothing; see webgpu-backend.ts), tfjs-node-gpu, tfjs-node (native libtensorflow; optional peers,
 * used when they load), then wasm (the default on machines where the native bindings cannot install, completed and sped
 * up for training by {@link registerWasmKernels}), then the pure-JS cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import * as os from 'node:os';

import { BackendError, InvalidArgumentError } from '../errors';
import { registerWasmKernels } from '../kernels';
import { guardWasmHeap } from './guard-wasm-heap';
import { registerThreadedWasm } from './threaded-wasm';
import { registerWebGpuBackend, WEBGPU_INSTALL_HINT, formatWebGpuAdapter, type WebGpuAdapterInfo } from './webgpu-backend';

/**
 * The backends bigmodel can select, best first.
 *
 * @category Backend
 */
export const BACKEND_NAMES = ['webgpu', 'node-gpu', 'node', 'wasm', 'cpu'] as const;

/**
 * A bigmodel backend name: `webgpu` is `@tensorflow/tfjs-backend-webgpu` on Dawn (npm `webgpu`), `node-gpu` and
 * `node` are `@tensorflow/tfjs-node(-gpu)`, `wasm` and `cpu` ship with tfjs.
 * @category Backend
 */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * Options for {@link initBackend}.
 *
 * @category Backend
 */
export interface InitBackendOptions {
  /**
   * Force one backend. Default: the `BIGMODEL_BACKEND` environment variable, else automatic.
   * A forced backend that cannot load throws a {@link BackendError}; it never falls back.
   */
  backend?: BackendName;
  /**
   * Threads for the wasm backend. Default: the `BIGMODEL_WASM_THREADS` environment variable, else
   * the number of logical cores (at most 8). With more than one, tfjs's threaded wasm build is
   * loaded (see threaded-wasm.ts); if it cannot start, wasm runs on one thread and
   * {@link BackendInfo.warnings} says why. A thread count asked for explicitly must start.
   */
  threads?: number;
}

/**
 * What {@link initBackend} chose, for CLIs and logs to print.
 *
 * @category Backend
 */
export interface BackendInfo {
  /** The bigmodel backend name. */
  name: BackendName;
  /** The TensorFlow.js backend name behind it (`webgpu`, `tensorflow`, `wasm`, `cpu`). */
  tfBackend: string;
  /** Threads the backend computes with (wasm: its pthread pool size; native: 0, TensorFlow sizes its own pool). */
  threads: number;
  /** Whether WebAssembly SIMD is in use (wasm only). */
  simd: boolean;
  /** Whether the choice was forced (option or `BIGMODEL_BACKEND`) rather than automatic. */
  forced: boolean;
  /** Why each better backend was passed over, in order, when the choice was automatic. */
  skipped: { name: BackendName; reason: string }[];
  /** Anything that did not go as asked but did not stop the backend (e.g. wasm threads unavailable). */
  warnings: string[];
  /** The GPU adapter (webgpu only): vendor, architecture, device, Dawn backend, feature level, software or not. */
  adapter?: WebGpuAdapterInfo;
}

const INSTALL_HINTS: Record<BackendName, string> = {
  webgpu: WEBGPU_INSTALL_HINT,
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
    case 'webgpu':
      return 'webgpu'; // registered by activate, which needs to know whether a software adapter is acceptable
    case 'node-gpu':
    case 'node': {
      const moduleName = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      // The native packages register the 'tensorflow' backend as a side effect of loading.

      require(moduleName);
      if (name === 'node-gpu' && !nativeSeesGpu()) {
        throw new Error('@tensorflow/tfjs-node-gpu loaded but TensorFlow lists no GPU device');
      }
      return 'tensorflow';
    }
    case 'wasm':
      require('@tensorflow/tfjs-backend-wasm');
      return 'wasm';
    case 'cpu':
      return 'cpu';
  }
}

function nativeSeesGpu(): boolean {
  try {
    const binding = require('@tensorflow/tfjs-node-gpu/dist/tfjs_binding') as { isUsingGpuDevice?: () => boolean };
    return binding.isUsingGpuDevice?.() ?? true;
  } catch {
    return true;
  }
}

/** The wasm thread count in force, and the stock single-threaded factory to go back to. */
let wasmThreads = 1;
let stockWasmFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | undefined;

/** Makes the `wasm` backend compute on `threads` threads (re-registering it if that changes). */
async function selectWasmThreads(threads: number): Promise<void> {
  if (threads === wasmThreads && tf.findBackendFactory('wasm')) return;
  stockWasmFactory ??= tf.findBackendFactory('wasm') ?? undefined;
  if (threads > 1) {
    registerThreadedWasm(threads);
  } else if (stockWasmFactory) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', stockWasmFactory, 2);
  }
  wasmThreads = threads;
}

async function setTfBackend(tfBackend: string): Promise<void> {
  const ok = await tf.setBackend(tfBackend);
  if (!ok || tf.getBackend() !== tfBackend) throw new Error(`tf.setBackend('${tfBackend}') did not succeed`);
  await tf.ready();
}

async function activate(name: BackendName, wasmOptions: { threads: number; explicit: boolean }, forced = false): Promise<BackendInfo> {
  const tfBackend = await load(name);
  const warnings: string[] = [];
  let adapter: WebGpuAdapterInfo | undefined;
  if (name === 'webgpu') {
    // Automatic choice takes a hardware adapter only; forced, a software one (llvmpipe) is accepted with a warning.
    adapter = await registerWebGpuBackend({ allowSoftware: forced });
    if (adapter.software) warnings.push(`software adapter ${formatWebGpuAdapter(adapter)}: correct but slow, a test path`);
  }
  if (name === 'wasm') {
    await selectWasmThreads(wasmOptions.threads);
    try {
      await setTfBackend(tfBackend);
    } catch (error) {
      if (wasmOptions.threads === 1 || wasmOptions.explicit) throw error;
      warnings.push(`wasm threads unavailable (${describe(error)}); computing on 1 thread`);
      await selectWasmThreads(1);
      await setTfBackend(tfBackend);
    }
  } else {
    await setTfBackend(tfBackend);
  }
  let threads = 1;
  let simd = false;
  if (name === 'wasm') {
    registerWasmKernels();
    guardWasmHeap(tf.backend() as BackendWasm);

    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    threads = wasm.getThreadsCount();
    simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  } else if (name === 'node' || name === 'node-gpu') {
    threads = 0; // TensorFlow's own thread pool, sized by TensorFlow
  } else if (name === 'webgpu') {
    threads = 0; // the GPU's
  }
  return { name, tfBackend, threads, simd, forced: false, skipped: [], warnings, ...(adapter ? { adapter } : {}) };
}

/** The wasm thread count from the option, `BIGMODEL_WASM_THREADS`, or the core count (max 8). */
function resolveWasmThreads(options: InitBackendOptions): { threads: number; explicit: boolean } {
  const fromEnv = process.env['BIGMODEL_WASM_THREADS'];
  const [value, parameter] =
    options.threads !== undefined
      ? [options.threads, 'options.threads']
      : fromEnv !== undefined && fromEnv !== ''
        ? [Number(fromEnv), 'BIGMODEL_WASM_THREADS']
        : [undefined, ''];
  if (value === undefined) {
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    return { threads: Math.max(1, Math.min(8, cores)), explicit: false };
  }
  if (!Number.isInteger(value) || value < 1 || value > 8) {
    throw new InvalidArgumentError({
      parameter,
      value: parameter === 'BIGMODEL_WASM_THREADS' ? fromEnv : value,
      message: 'Expected an integer from 1 to 8 (tfjs-backend-wasm pre-creates 8 pthread workers).',
    });
  }
  return { threads: value, explicit: true };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

/**
 * Parses a backend name given by a user (option, CLI flag or `BIGMODEL_BACKEND`).
 *
 * @category Backend
 */
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
 * Automatic choice tries webgpu (a hardware adapter only), node-gpu, node, wasm, cpu and keeps the first that loads. A backend forced
 * by `options.backend` or the `BIGMODEL_BACKEND` environment variable must load, or a
 * {@link BackendError} says why and how to install it. On wasm, bigmodel's training kernels are
 * registered (see {@link registerWasmKernels}).
 *
 * @example
 * ```ts
 * import { initBackend } from '@bigmodel/core';
 * const info = await initBackend();            // e.g. { name: 'wasm', threads: 2, simd: true, ... }
 * await initBackend({ backend: 'cpu' });       // force one
 * await initBackend({ backend: 'wasm', threads: 1 });
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

  const wasmOptions = resolveWasmThreads(options);
  if (forcedName) {
    const previous = tf.getBackend();
    try {
      return { ...(await activate(forcedName, wasmOptions, true)), forced: true };
    } catch (error) {
      // tfjs may be left pointing at the failed backend; go back to the one that worked.
      if (previous && tf.getBackend() !== previous) await tf.setBackend(previous).catch(() => false);
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
      return { ...(await activate(name, wasmOptions)), skipped };
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

/**
 * One line describing a backend choice, for CLIs: `wasm (2 threads, SIMD)`, or with the adapter:
 * `webgpu (nvidia hopper NVIDIA H100 (vulkan, core), forced)`.
 * @category Backend
 */
export function formatBackendInfo(info: BackendInfo): string {
  const details: string[] = [];
  if (info.threads > 0) details.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  if (info.name === 'wasm') details.push(info.simd ? 'SIMD' : 'no SIMD');
  if (info.adapter) details.push(formatWebGpuAdapter(info.adapter));
  if (info.forced) details.push('forced');
  return `${info.name}${details.length ? ` (${details.join(', ')})` : ''}`;
}
