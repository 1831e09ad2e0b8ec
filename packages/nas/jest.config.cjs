module.exports = require('../../jest.preset.cjs')('nas', {
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
});
