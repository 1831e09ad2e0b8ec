module.exports = require('../../jest.preset.cjs')('gan', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
