/**
 * The Jest configuration every project shares: Node environment, TypeScript through ts-jest, and
 * workspace packages resolved to their sources (the `@bigmodel/source` export condition).
 * @param {string} displayName the project's name in test output
 * @param {import('jest').Config} overrides project-specific settings
 * @returns {import('jest').Config}
 */
module.exports = function bigmodelJestConfig(displayName, overrides = {}) {
  return {
    displayName,
    testEnvironment: 'node',
    testEnvironmentOptions: { customExportConditions: ['@bigmodel/source', 'node', 'require', 'default'] },
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
    },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testTimeout: 120000,
    ...overrides,
  };
};
