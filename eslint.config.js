// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', 'data/**', '**/*.cjs', 'eslint.config.js', 'vitest.config.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      'no-console': 'error',
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 70, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'test/**/*.ts'],
    rules: {
      'max-lines': 'off',
      'max-lines-per-function': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      // Bench scripts set up, run and report one measurement each: longer, but still bounded.
      'max-lines': ['error', { max: 450 }],
      'max-lines-per-function': ['error', { max: 110, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['bench/**/*.ts', 'infra/entry/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The /ops page's browser script: plain JavaScript served as is, outside the TypeScript project.
    files: ['infra/entry/ops/*.js'],
    languageOptions: {
      sourceType: 'script',
      parserOptions: { project: false, projectService: false, program: null },
      globals: { document: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', uPlot: 'readonly' },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'max-lines-per-function': 'off' },
  },
);
