module.exports = require('../../jest.preset.cjs')('transfer', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
