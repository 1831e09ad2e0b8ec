import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { initBackend } from './init-backend';
import { describeAdapter, formatWebGpuAdapter, vulkanLoaderPresent, WEBGPU_INSTALL_HINT } from './webgpu-backend';

/** An adapter as Dawn's Node bindings present one. */
function adapter(info: Record<string, unknown>, features: string[] = []) {
  return { features: new Set(features), limits: {}, info, requestDevice: () => Promise.reject(new Error('unused')) };
}

describe('describeAdapter', () => {
  it('calls llvmpipe, lavapipe, SwiftShader and fallback adapters software, and a named GPU hardware', () => {
    const software = [
      adapter({ vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL ES 3.2 Mesa 22.3.6' }),
      adapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: 'lavapipe' }),
      adapter({ vendor: 'google', architecture: 'swiftshader', device: 'SwiftShader Device (Subzero)' }),
      adapter({ vendor: 'someone', device: 'unknown', isFallbackAdapter: true }),
    ];
    expect(software.map((a) => describeAdapter(a, 'vulkan').software)).toEqual([true, true, true, true]);
    const h100 = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100', description: '' };
    const gpu = describeAdapter(adapter(h100, ['core-features-and-limits']), 'vulkan');
    expect(gpu).toEqual({ ...h100, dawnBackend: 'vulkan', featureLevel: 'core', software: false });
    expect(formatWebGpuAdapter(gpu)).toBe('nvidia hopper NVIDIA H100 (vulkan, core)');
    const llvmpipe = formatWebGpuAdapter(describeAdapter(software[0], 'opengles'));
    expect(llvmpipe).toBe('llvmpipe-llvm-15-0-6-256-bits- (opengles, compatibility, software)');
  });
});

describe('the webgpu probe', () => {
  it('finds a Vulkan loader on LD_LIBRARY_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vulkan-'));
    try {
      writeFileSync(join(dir, 'libvulkan.so.1'), '');
      expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: `/nowhere:${dir}` })).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('costs nothing at start-up without a Vulkan loader: webgpu is skipped with the reason, Dawn never loaded', async () => {
    if (process.platform !== 'linux' || vulkanLoaderPresent()) return; // a machine that can have a hardware adapter
    const info = await initBackend({ threads: 1 });
    expect(info.skipped[0]).toEqual({ name: 'webgpu', reason: 'no Vulkan loader (libvulkan.so.1) on the library path' });
    expect('GPUBufferUsage' in globalThis).toBe(false);
  });

  it('says what to install: both npm packages at their versions, the driver and Vulkan loader, and Mesa for the software path', () => {
    const npm = 'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0';
    const parts = [npm, 'libvulkan1', 'libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri'];
    for (const part of parts) {
      expect(WEBGPU_INSTALL_HINT).toContain(part);
    }
  });
});
