/**
 * The app:// scheme that serves the renderer: only files inside the built renderer folder, with
 * their types and the CSP header; traversal (plain, encoded, backslashed, NUL), other hosts and
 * other schemes refused; a symlink or file outside the folder never read.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, handleAppProtocol, registerAppScheme, resolveAppPath, serveAppFile } from '../../src/main/app-protocol';

let dir: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-protocol-'));
  root = join(dir, 'out', 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Convas</title>');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'gpu.wasm'), new Uint8Array([0, 97, 115, 109]));
  // a secret beside the renderer folder, and one whose name starts like it
  writeFileSync(join(dir, 'out', 'secret.txt'), 'SECRET');
  mkdirSync(join(dir, 'out', 'renderer-evil'));
  writeFileSync(join(dir, 'out', 'renderer-evil', 'x.js'), 'SECRET');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the page and its assets with their types, and the CSP on the page', async () => {
    const page = await serveAppFile(root, APP_INDEX_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'wasm-unsafe-eval'.*frame-ancestors 'none'/);
    expect(await page.text()).toContain('<title>Convas</title>');
    expect((await serveAppFile(root, 'app://convas/')).status).toBe(200);
    const js = await serveAppFile(root, 'app://convas/assets/index-abc.js?v=1#x');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe('console.log(1)');
    expect((await serveAppFile(root, 'app://convas/assets/gpu.wasm')).headers.get('content-type')).toBe('application/wasm');
  });

  it('answers 404 for missing files and folders', async () => {
    expect((await serveAppFile(root, 'app://convas/nope.js')).status).toBe(404);
    expect((await serveAppFile(root, 'app://convas/assets')).status).toBe(404);
  });

  it.each([
    'app://convas/..%2fsecret.txt',
    'app://convas/assets/..%2F..%2Fsecret.txt',
    'app://convas/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    'app://convas/..%5csecret.txt',
    'app://convas/assets%5c..%5c..%5csecret.txt',
    'app://convas/index.html%00.js',
    'app://convas/..%2frenderer-evil%2fx.js',
    'app://convas/%E0%A4%A',
    'app://evil/index.html',
    'file:///etc/passwd',
    'https://convas/index.html',
  ])('refuses %s', async (url) => {
    const r = await serveAppFile(root, url);
    expect(r.status).toBe(403);
    expect(await r.text()).not.toContain('SECRET');
    expect(resolveAppPath(root, url)).toBeInstanceOf(Error);
  });

  it('keeps plain ../ inside: the URL parser folds it before the handler sees it', async () => {
    // app://convas/../secret.txt is app://convas/secret.txt by the time it is a URL
    expect(resolveAppPath(root, 'app://convas/../secret.txt')).toBe(join(root, 'secret.txt'));
    expect((await serveAppFile(root, 'app://convas/../secret.txt')).status).toBe(404);
    expect(resolveAppPath(root, 'app://convas/%2e%2e/secret.txt')).toBe(join(root, 'secret.txt'));
  });

  it('refuses a symlink inside the folder that leads out of it', async () => {
    symlinkSync(join(dir, 'out', 'secret.txt'), join(root, 'assets', 'link.js'));
    symlinkSync(join(dir, 'out', 'renderer-evil'), join(root, 'linked-dir'));
    for (const url of ['app://convas/assets/link.js', 'app://convas/linked-dir/x.js']) {
      const r = await serveAppFile(root, url);
      expect(r.status).toBe(403);
      expect(await r.text()).not.toContain('SECRET');
    }
  });

  it('registers a privileged, standard, secure scheme and a handler that serves from the folder', async () => {
    const api = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
    registerAppScheme(api);
    expect(api.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    handleAppProtocol(api, root);
    const [scheme, handler] = api.handle.mock.calls[0] as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect(await (await handler(new Request('app://convas/index.html'))).text()).toContain('Convas');
    expect((await handler(new Request('app://convas/..%2fsecret.txt'))).status).toBe(403);
  });
});
