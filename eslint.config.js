import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'dist-web', 'release', 'scratch', 'tests/torch'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The engine runs in the worker process, the CLI and the browser alike: no UI, no Electron.
    files: ['src/engine/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'src/engine must not import React.' },
            { group: ['electron', 'electron/*'], message: 'src/engine must not import electron.' },
            { group: ['@xyflow/*', 'uplot', 'zustand', 'zustand/*'], message: 'src/engine must not import UI libraries.' },
            { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'src/engine must not import app code.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'src/engine must not use the DOM.' },
        { name: 'document', message: 'src/engine must not use the DOM.' },
        { name: 'HTMLElement', message: 'src/engine must not use the DOM.' },
        { name: 'localStorage', message: 'src/engine must not use the DOM.' },
      ],
    },
  },
);
