module.exports = require('../../jest.preset.cjs')('dashboard', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
