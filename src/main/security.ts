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

/**
 * The window may only ever show the app itself: the app's own origin (`app://convas`, see
 * app-protocol.ts) or, under `electron-vite dev`, the dev server's origin. Compared by scheme,
 * host and port: a custom scheme's URL has no web origin in Node (`origin` is "null").
 */
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
  return target.protocol === app.protocol && target.host === app.host && target.username === '' && target.password === '';
}

/**
 * Sites the app may hand to the system browser: documentation and papers the app links to.
 * Exact host names; https only.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['arxiv.org', 'github.com', 'pytorch.org', 'docs.pytorch.org', 'www.electronjs.org', 'developer.mozilla.org'];

/** Whether `url` may be opened with shell.openExternal: https, an allow-listed host, no credentials or port. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && EXTERNAL_HOSTS.includes(u.hostname) && u.port === '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * Convas asks the browser for no permission (camera, microphone, notifications, geolocation,
 * clipboard reads, HID, serial…): every request and every check is answered "no".
 * Electron calls the request handler for prompts and the check handler for synchronous queries
 * (navigator.permissions, device enumeration); both are installed.
 */
export function denyPermissionRequest(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}
