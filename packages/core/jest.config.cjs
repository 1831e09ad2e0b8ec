module.exports = require('../../jest.preset.cjs')('core', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.webgpu\\.spec\\.ts$'], // jest.webgpu.config.cjs runs these
  setupFilesAfterEnv: ['<rootDir>/src/testing/release-backends.ts'],
  maxWorkers: 2,
});
