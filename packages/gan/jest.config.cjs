module.exports = require('../../jest.preset.cjs')('gan', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.webgpu\\.spec\\.ts$'], // jest.webgpu.config.cjs runs these
});
