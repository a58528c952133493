/**
 * A vite plugin that writes the Content Security Policy into index.html as a meta tag: strict
 * in builds, relaxed under the dev server (its inline refresh preamble and HMR websocket).
 * Build-time only; lives beside the policy it applies.
 */
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './security';

export function cspPlugin(): Plugin {
  let mode: 'production' | 'development' = 'production';
  return {
    name: 'convas-csp',
    configResolved(config) {
      mode = config.command === 'serve' ? 'development' : 'production';
    },
    transformIndexHtml(html) {
      const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(mode)}" />`;
      return html.replace('<!-- CSP -->', meta);
    },
  };
}
