/**
 * electron-vite: builds main (ESM), the sandboxed preload (CommonJS: a sandboxed preload cannot
 * be an ES module) and the renderer (the same React app the browser build serves).
 * The training worker (the engine's node-host.node.ts) and the data-preview worker are further main
 * entries, each spawned by main as an Electron utilityProcess. Nothing that carries gpu.js
 * kernels is minified: gpu.js compiles a kernel from its source text, and a minifier's renamed
 * variables break that.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { cspPlugin } from './src/main/csp-plugin';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      minify: false,
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          'training-worker': resolve(import.meta.dirname, 'src/engine/worker/node-host.node.ts'),
          // describes data folders for the panel in a utility process (main decodes no data)
          'preview-worker': resolve(import.meta.dirname, 'src/main/preview-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [react(), cspPlugin()],
    // as in the browser build: the module worker loads chunks (built-in data) on demand
    worker: { format: 'es' },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      minify: false,
      rolldownOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') },
    },
  },
});
