/**
 * The browser build: the same renderer as the desktop app, with the `browser` Platform
 * (downloads, file inputs, localStorage) chosen at run time because `window.convas` is absent.
 * `npm run web` serves it; the end-to-end tests drive the built bundle in dist-web/.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { cspPlugin } from './src/main/csp-plugin';

export const CROSS_ORIGIN_ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react(), cspPlugin()],
  // Cross-origin isolation gives the training worker SharedArrayBuffer, which gpu.js's
  // WebAssembly backend needs for its threads (without it, it runs single-threaded).
  server: { port: 5173, strictPort: false, headers: CROSS_ORIGIN_ISOLATION },
  preview: { headers: CROSS_ORIGIN_ISOLATION },
  // The training worker is a module worker: ES output lets it load chunks on demand (the
  // built-in MNIST digits, 2 MB, only when a run uses them) instead of inlining them.
  worker: { format: 'es' },
  build: {
    outDir: resolve(import.meta.dirname, 'dist-web'),
    emptyOutDir: true,
    // gpu.js compiles kernels from their source text (Function#toString): a minifier reuses
    // names (a loop counter named like an array argument) and gpu.js then refuses the kernel
    // ("Unhandled binary expression between Array & Number"). The engine ships as written.
    minify: false,
    chunkSizeWarningLimit: 4000,
  },
});
