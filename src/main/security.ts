/**
 * Content Security Policy and navigation rules for the app window. Pure functions: the vite
 * configs put the policy into index.html, main applies the navigation rules, tests check both.
 */

/**
 * The page runs only its own bundled scripts. Styles allow inline because React Flow positions
 * nodes with style attributes. Workers may come from blob: (the future training web worker and
 * gpu.js kernels); `'wasm-unsafe-eval'` lets gpu.js's WebAssembly backend compile its modules.
 */
export function contentSecurityPolicy(mode: 'production' | 'development'): string {
  const dev = mode === 'development';
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // Vite's dev server injects the React refresh preamble inline and talks over a websocket.
    'script-src': dev ? ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"] : ["'self'", "'wasm-unsafe-eval'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': dev ? ["'self'", 'ws:', 'http://localhost:*'] : ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** The window may only ever show the app itself: same origin (dev server) or the bundled file. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  return target.origin === app.origin;
}

/** Links the app may hand to the system browser (documentation, papers). */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
