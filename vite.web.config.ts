/**
 * The browser build: the same renderer as the desktop app, with the `browser` Platform
 * (downloads, file inputs, localStorage) chosen at run time because `window.convas` is absent.
 * `npm run web` serves it; the end-to-end tests drive the built bundle in dist-web/.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { cspPlugin } from './src/main/csp-plugin';

export default defineConfig({
  root: resolve(import.meta.dirname, 'src/renderer'),
  base: './',
  plugins: [react(), cspPlugin()],
  server: { port: 5173, strictPort: false },
  build: {
    outDir: resolve(import.meta.dirname, 'dist-web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
});
