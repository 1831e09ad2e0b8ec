module.exports = require('../../jest.preset.cjs')('core', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/testing/release-backends.ts'],
  maxWorkers: 2,
});
