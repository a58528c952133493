/**
 * The renderer is served from `app://convas/…` instead of `file://`: a privileged, standard,
 * secure custom scheme that serves only files inside the built renderer folder. Unlike a
 * file:// page, the app then has an origin of its own (CSP 'self' means the app, not the whole
 * disk) and a compromised page cannot fetch or frame other local files.
 * `electron-vite dev` still loads the dev server's http URL (see window.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { contentSecurityPolicy } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'convas';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged, before the app is ready: standard (real origins,
 * relative URLs), secure (like https), fetch and module scripts allowed, no CORS bypass, no
 * service workers.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true } as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file inside `root` that `url` names, or an Error saying why it is refused: another scheme
 * or host, a malformed escape, a NUL or backslash, or a path that leaves `root`.
 */
export function resolveAppPath(root: string, url: string): string | Error {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return new Error(`not a URL: ${url}`);
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return new Error(`not an ${APP_ORIGIN} URL: ${url}`);
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return new Error(`malformed escape in ${url}`);
  }
  if (rel.includes('\0') || rel.includes('\\')) return new Error(`refused ${url}: NUL or backslash in the path`);
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${rel}`);
  const inside = path.relative(base, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return new Error(`refused ${url}: outside the app folder`);
  return file;
}

// the callback form: Electron's asar support patches it (the page is read from app.asar)
const realpath = promisify(fs.realpath);
const readFile = promisify(fs.readFile);

const refuse = (status: number, message: string) => new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Answer one request of the app scheme from `root` (the built renderer folder). */
export async function serveAppFile(root: string, url: string): Promise<Response> {
  const file = resolveAppPath(root, url);
  if (file instanceof Error) return refuse(403, file.message);
  let body: Buffer;
  try {
    // a symlink inside the folder must not lead out of it
    const [realRoot, real] = await Promise.all([realpath(path.resolve(root)), realpath(file)]);
    const inside = path.relative(realRoot, real);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return refuse(403, `refused ${url}: it leads outside the app folder`);
    body = await readFile(real);
  } catch {
    return refuse(404, `not found: ${url}`);
  }
  const ext = path.extname(file).toLowerCase();
  const headers: Record<string, string> = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' };
  // the meta tag carries the same policy; as a header it also covers what a meta tag cannot
  if (ext === '.html') headers['content-security-policy'] = `${contentSecurityPolicy('production')}; frame-ancestors 'none'`;
  return new Response(new Uint8Array(body), { status: 200, headers });
}

/** The protocol module's parts this file uses (Electron's `protocol`). */
export interface ProtocolApi {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: typeof APP_SCHEME_PRIVILEGES }[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: ProtocolApi): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

/** After ready: serve the app scheme from `root`. */
export function handleAppProtocol(protocol: ProtocolApi, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppFile(root, request.url));
}
