/**
 * rl's webgpu test project: the agents training on tfjs-backend-webgpu through Dawn (Mesa's
 * llvmpipe on a machine without a GPU), against the cpu backend. Run by the `rl:test-webgpu` target,
 * which rl's `test` target depends on.
 */
// Mesa's EGL without a display; set here, in the environment the Jest workers inherit (see core's).
if (!process.env.EGL_PLATFORM && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) process.env.EGL_PLATFORM = 'surfaceless';

module.exports = require('../../jest.preset.cjs')('rl-webgpu', {
  testMatch: ['<rootDir>/src/**/*.webgpu.spec.ts'],
  maxWorkers: 1,
  testTimeout: 600000, // llvmpipe compiles each kernel's shader on first use
});
