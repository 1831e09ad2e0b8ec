// One lint configuration for the whole workspace: typescript-eslint's recommended rules on every
// TypeScript file, with the few rules this codebase settles differently stated here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/out-tsc/**',
      '.gpu-check/**',
      '**/node_modules/**',
      'docs/api/**',
      '**/*.cjs',
      '**/*.mjs',
      '**/*.js',
      'runs/**',
      '.nx/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are errors, except those marked unused with a leading underscore.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Optional peers (tfjs-node, webgpu) are loaded lazily with require().
      '@typescript-eslint/no-require-imports': 'off',
      // Library code never prints; CLIs, examples, benchmarks and tests may.
      'no-console': 'error',
    },
  },
  {
    files: [
      '**/cli/**/*.ts',
      'examples/**/*.ts',
      'bench/**/*.ts',
      'tools/**/*.ts',
      '**/*.spec.ts',
      '**/testing/**/*.ts',
      '**/scripts/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
