/** @type {import('jest').Config} */
module.exports = {
  displayName: 'dashboard',
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@bigmodel/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
