/**
 * The `webgpu` backend in Node: TensorFlow.js's WebGPU kernels (`@tensorflow/tfjs-backend-webgpu`)
 * on Dawn's Node bindings (the npm package `webgpu`, Dawn prebuilt in its tarball). Both are
 * optional peers of core, required only here, and only when webgpu is forced or probed.
 *
 * Why not the package's own registration: it registers a factory only if `navigator.gpu` exists
 * when it is imported, and that factory's device request fails in Node. So this file imports it
 * first, then gives it a `navigator.gpu` and the WebGPU globals it refers to (`GPUBufferUsage`,
 * `GPUBuffer`, ...; Node 20 has none), and registers the exported `WebGPUBackend` under the name
 * `webgpu` (its kernels are registered for that name) with an adapter chosen here:
 * - hardware: Dawn's default backend (Vulkan on Linux, Metal on macOS, D3D12 on Windows);
 * - software (only when webgpu is forced and no hardware adapter exists): Mesa's OpenGL ES on
 *   llvmpipe through EGL without a display (`EGL_PLATFORM=surfaceless`), at the compatibility
 *   feature level. Correct, and about as fast as the pure-JS cpu backend: a test path.
 *
 * Sync reads (`dataSync`, `arraySync`) cannot work here: tfjs-backend-webgpu reads synchronously
 * by drawing into an OffscreenCanvas (a browser-only object), and Dawn's Node bindings only map
 * buffers asynchronously. They throw a {@link BackendError} naming the async replacement.
 */
import * as tf from '@tensorflow/tfjs';

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { BackendError } from '../errors';
import { ADAM_UPDATE } from '../kernels/adam-update';
import { adamUpdateWebGpuConfig } from '../kernels/adam-update-webgpu';
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- named by {@link} in the doc comments below
import type { BackendInfo } from './init-backend';

/**
 * The WebGPU adapter the `webgpu` backend computes on, as Dawn describes it ({@link BackendInfo.adapter}).
 * @category Backend
 */
export interface WebGpuAdapterInfo {
  /** The GPU vendor (e.g. `nvidia`), empty when the driver does not say. */
  vendor: string;
  /** The GPU architecture (e.g. `hopper`), empty when the driver does not say. */
  architecture: string;
  /** The device name (e.g. `llvmpipe-llvm-15-0-6-256-bits-`). */
  device: string;
  /** The driver's description (e.g. `OpenGL version OpenGL ES 3.2 Mesa 22.3.6`). */
  description: string;
  /** Dawn's backend underneath: `vulkan`, `metal`, `d3d12` or `opengles`. */
  dawnBackend: string;
  /** `core` (full WebGPU) or `compatibility` (the reduced level OpenGL ES offers). */
  featureLevel: 'core' | 'compatibility';
  /** True for a CPU rasterizer posing as a GPU (llvmpipe, lavapipe, SwiftShader, a fallback adapter). */
  software: boolean;
}

/** Minimal shapes of the WebGPU objects used here (the `webgpu` package's types are not a dependency). */
interface GpuAdapter {
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}
interface GpuDevice {
  destroy(): void;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: string; featureLevel?: string }): Promise<GpuAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}
interface WebGpuBackendClass {
  new (
    device: GpuDevice,
    adapterInfo?: unknown,
  ): tf.KernelBackend & {
    tensorMap: { get(dataId: object): { values: unknown; dtype: string } | undefined };
    readSync(dataId: object): unknown;
  };
}

/**
 * What to install, said once for every way this backend can fail.
 *
 * @category Backend
 */
export const WEBGPU_INSTALL_HINT =
  'Needs the npm packages `webgpu@0.6.2` and `@tensorflow/tfjs-backend-webgpu@4.22.0` (optional peers of @bigmodel/core: ' +
  '`npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0`) and a GPU adapter: on Linux the GPU driver and the ' +
  'Vulkan loader (Debian/Ubuntu `libvulkan1`; NVIDIA: the driver package that installs its Vulkan ICD); on macOS Metal and ' +
  "on Windows D3D12 come with the system. Without a GPU, forcing webgpu on Linux runs on Mesa's software OpenGL ES " +
  '(Debian `libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri`), correct but slow.';

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render/i;

/** The Dawn prebuilt that the `webgpu` package ships for this platform. */
function dawnPath(): string {
  const packageDir = dirname(require.resolve('webgpu/package.json'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return join(packageDir, 'dist', `${process.platform}-${arch}`, 'dawn.node');
}

let dawn: DawnModule | undefined;

/** Loads Dawn's bindings and installs the WebGPU globals tfjs-backend-webgpu refers to. */
function loadDawn(): DawnModule {
  if (dawn) return dawn;
  // The `webgpu` package's entry is an ES module; its CommonJS-loadable core is the prebuilt addon itself.

  const loaded = require(dawnPath()) as DawnModule;
  for (const [name, value] of Object.entries(loaded.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  dawn = loaded;
  return dawn;
}

/**
 * True when both npm packages resolve (cheap: no module is loaded).
 *
 * @category Backend
 */
export function webGpuPackagesInstalled(): boolean {
  try {
    require.resolve('webgpu/package.json');
    require.resolve('@tensorflow/tfjs-backend-webgpu');
    return existsSync(dawnPath());
  } catch {
    return false;
  }
}

/**
 * Linux: whether a Vulkan loader is on the library path (checked before Dawn is loaded, so a probe costs nothing without one).
 *
 * @category Backend
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = [
    ...(env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib/x86_64-linux-gnu',
    '/lib/aarch64-linux-gnu',
  ];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

/**
 * Describes an adapter; `software` from the fallback flag or a known software rasterizer's name.
 *
 * @category Backend
 */
export function describeAdapter(adapter: GpuAdapter, dawnBackend: string): WebGpuAdapterInfo {
  const info = adapter.info ?? {};
  const described = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const software =
    Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || Object.values(described).some((text) => SOFTWARE_NAMES.test(text));
  const featureLevel = adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility';
  return { ...described, dawnBackend, featureLevel, software };
}

/** Rejects after `ms` (a probe must not hang start-up on a wedged driver). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function defaultDawnBackend(): string {
  return process.platform === 'darwin' ? 'metal' : process.platform === 'win32' ? 'd3d12' : 'vulkan';
}

/** Finds an adapter: hardware first; software only if `allowSoftware`. Throws with what is missing. */
async function findAdapter(allowSoftware: boolean, timeoutMs: number): Promise<{ adapter: GpuAdapter; info: WebGpuAdapterInfo; gpu: Gpu }> {
  if (!webGpuPackagesInstalled()) throw new Error('the npm packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` are not installed');
  const reasons: string[] = [];
  const hardwarePossible = process.platform !== 'linux' || vulkanLoaderPresent();
  if (hardwarePossible) {
    const gpu = loadDawn().create([]);
    const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs, 'requestAdapter');
    if (adapter) {
      const info = describeAdapter(adapter, defaultDawnBackend());
      if (!info.software) return { adapter, info, gpu };
      reasons.push(`the only ${info.dawnBackend} adapter is software (${info.device || info.description})`);
    } else {
      reasons.push(`Dawn found no ${defaultDawnBackend()} adapter`);
    }
  } else {
    reasons.push('no Vulkan loader (libvulkan.so.1) on the library path');
  }
  if (allowSoftware && process.platform === 'linux') {
    // Mesa's EGL needs a platform without a display to run headless.
    if (!process.env['EGL_PLATFORM'] && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
      process.env['EGL_PLATFORM'] = 'surfaceless';
    }
    const gpu = loadDawn().create(['backend=opengles']);
    const adapter = await withTimeout(gpu.requestAdapter({ featureLevel: 'compatibility' }), timeoutMs, 'requestAdapter');
    if (adapter) return { adapter, info: describeAdapter(adapter, 'opengles'), gpu };
    reasons.push('no OpenGL ES adapter either (Mesa EGL/GLES missing, or EGL_PLATFORM is not surfaceless on a machine without a display)');
  }
  throw new Error(reasons.join('; '));
}

/** The backend and device registered under `webgpu`, kept to destroy the device when the backend is replaced. */
let registered: { info: WebGpuAdapterInfo; device: GpuDevice } | undefined;

/**
 * Registers tfjs's WebGPU backend under the name `webgpu` on a Dawn adapter (hardware; software
 * only if `allowSoftware`) and returns the adapter. Throws an Error naming what is missing.
 * @category Backend
 */
export async function registerWebGpuBackend(options: { allowSoftware: boolean; timeoutMs?: number }): Promise<WebGpuAdapterInfo> {
  if (registered && tf.findBackendFactory('webgpu') && (options.allowSoftware || !registered.info.software)) return registered.info;
  const { adapter, info, gpu } = await findAdapter(options.allowSoftware, options.timeoutMs ?? 5000);

  // Imported before navigator.gpu exists, so that the package does not register its own factory.

  const { WebGPUBackend } = require('@tensorflow/tfjs-backend-webgpu') as { WebGPUBackend: WebGpuBackendClass };
  const global = globalThis as { navigator?: { gpu?: Gpu } };
  if (!global.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (!global.navigator!.gpu) Object.defineProperty(global.navigator!, 'gpu', { value: gpu, configurable: true, writable: true });

  const limits = adapter.limits;
  const requiredLimits = Object.fromEntries(
    [
      'maxComputeWorkgroupStorageSize',
      'maxComputeWorkgroupsPerDimension',
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxComputeWorkgroupSizeX',
      'maxComputeInvocationsPerWorkgroup',
      'maxStorageBuffersPerShaderStage', // the fused AMSGrad update binds 9 (kernels/adam-update-webgpu.ts)
    ].map((name) => [name, limits[name]]),
  );
  const requiredFeatures = ['timestamp-query'].filter((name) => adapter.features.has(name));
  const device = await withTimeout(adapter.requestDevice({ requiredFeatures, requiredLimits }), options.timeoutMs ?? 5000, 'requestDevice');

  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  registered?.device.destroy();
  registered = { info, device };
  tf.registerBackend(
    'webgpu',
    () => {
      const backend = new WebGPUBackend(device, adapter.info);
      const readSync = backend.readSync.bind(backend);
      backend.readSync = (dataId: object) => {
        const data = backend.tensorMap.get(dataId);
        if (data?.values != null || data?.dtype === 'string') return readSync(dataId);
        throw new BackendError({
          backend: 'webgpu',
          message: 'cannot read a GPU tensor synchronously in Node (dataSync, arraySync, bufferSync).',
          hint: 'Use `await tensor.data()` / `await tensor.array()` instead.',
        });
      };
      return backend;
    },
    0,
  ); // lowest priority: tfjs never picks it on its own; initBackend selects it by name
  // core's own kernels for webgpu (as registerWasmKernels does for wasm): the fused Adam update.
  if (!tf.getKernel(ADAM_UPDATE, 'webgpu')) tf.registerKernel(adamUpdateWebGpuConfig);
  return info;
}

/**
 * A short description of an adapter, for logs.
 *
 * @example
 * ```ts
 * const info = await initBackend({ backend: 'webgpu' });
 * formatWebGpuAdapter(info.adapter!); // 'llvmpipe-llvm-15-0-6-256-bits- (opengles, compatibility, software)'
 * ```
 * @category Backend
 */
export function formatWebGpuAdapter(info: WebGpuAdapterInfo): string {
  const name = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || info.description || 'unnamed adapter';
  return `${name} (${[info.dawnBackend, info.featureLevel, ...(info.software ? ['software'] : [])].join(', ')})`;
}
