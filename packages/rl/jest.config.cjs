module.exports = require('../../jest.preset.cjs')('rl', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.webgpu\\.spec\\.ts$'], // jest.webgpu.config.cjs runs these
});
