import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The engine runs in the worker process, the CLI and the browser alike: no UI, no Electron. */
const ENGINE_PATTERNS = [
  { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'src/engine must not import React.' },
  { group: ['electron', 'electron/*'], message: 'src/engine must not import electron.' },
  { group: ['@xyflow/*', 'uplot', 'zustand', 'zustand/*'], message: 'src/engine must not import UI libraries.' },
  { group: ['**/renderer/**', '**/main/**', '**/preload/**'], message: 'src/engine must not import app code.' },
];

/** What loads gpu.js: only the training worker, the CLI's kernel-running commands and tests may. */
/** Node's built-ins: only in `*.node.ts` files, since the engine's other files also run in the browser. */
const NODE_FREE_PATTERNS = [
  { group: ['node:*'], message: 'node: built-ins only in src/engine/**/*.node.ts (imported as ./x.node.js): this file also runs in the browser.' },
];

const GPU_FREE_PATTERNS = [
  { group: ['gpu.js', 'gpu.js/*'], message: 'gpu.js runs only in the training worker, the CLI and tests: import names from src/engine/io/settings.ts.' },
  { group: ['**/backend/device', '**/backend/device.js', '**/backend/device.node', '**/backend/device.node.js'], message: 'backend/device loads gpu.js: import names from src/engine/io/settings.ts.' },
  {
    group: ['**/train/network', '**/train/network.js', '**/train/optimizers', '**/train/optimizers.js', '**/worker/session', '**/worker/session.js', '**/train/layer-harness', '**/train/layer-harness.js'],
    message: 'training code compiles gpu.js kernels: not from here.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'dist-web', 'release', 'scratch', 'tests/torch', '.device'] },
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
          patterns: ENGINE_PATTERNS,
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
  {
    // gpu.js stays behind the worker wall: the editor, Electron main, the preload and the
    // engine's gpu-free floors (graph, layers' shape rules, shapes, formats) never load it —
    // shared names live in src/engine/io/settings.ts.
    files: ['src/renderer/**/*.{ts,tsx}', 'src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: GPU_FREE_PATTERNS,
        },
      ],
    },
  },
  {
    // Node's built-ins only in files that say so: the engine's other files also run in the browser.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/**/*.node.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...ENGINE_PATTERNS, ...NODE_FREE_PATTERNS] },
      ],
    },
  },
  {
    // The engine's gpu-free floors: graph, layers' shape rules, shapes, formats.
    files: ['src/engine/graph/**/*.ts', 'src/engine/layers/**/*.ts', 'src/engine/shapes/**/*.ts', 'src/engine/io/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_PATTERNS, ...GPU_FREE_PATTERNS] }] },
  },
  {
    // … and those floors' browser files, which get both rules (a later block replaces a rule's options).
    files: ['src/engine/graph/**/*.ts', 'src/engine/layers/**/*.ts', 'src/engine/shapes/**/*.ts', 'src/engine/io/**/*.ts'],
    ignores: ['src/engine/**/*.node.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_PATTERNS, ...GPU_FREE_PATTERNS, ...NODE_FREE_PATTERNS] }] },
  },
);
