/**
 * The webgpu test project: core on tfjs-backend-webgpu through Dawn, checked against the cpu backend.
 * Needs a WebGPU adapter; on a machine without a GPU, Mesa's software OpenGL ES (see .ci/run and
 * docs/backends.md). Run by the `core:test-webgpu` target, which core's `test` target depends on.
 */
// Mesa's EGL without a display. bigmodel sets this itself when unset, but inside a Jest worker process.env is a
// copy that native code never sees, so it is set here, in the real environment the workers inherit.
if (!process.env.EGL_PLATFORM && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) process.env.EGL_PLATFORM = 'surfaceless';

module.exports = require('../../jest.preset.cjs')('core-webgpu', {
  testMatch: ['<rootDir>/src/**/*.webgpu.spec.ts'],
  maxWorkers: 1,
  testTimeout: 600000, // llvmpipe compiles each kernel's shader on first use; a busy machine stretches that
});
