module.exports = require('../../jest.preset.cjs')('packaging', {
  testMatch: ['<rootDir>/**/*.spec.ts'],
  testTimeout: 300000,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] },
});
