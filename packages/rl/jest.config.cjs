module.exports = require('../../jest.preset.cjs')('rl', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
