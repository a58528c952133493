/** The Content Security Policy and the navigation rules of the app window. */
import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy, denyPermissionCheck, denyPermissionRequest, EXTERNAL_HOSTS, isAppUrl, isExternalLink } from '../../src/main/security';

function directive(csp: string, name: string): string[] {
  const d = csp.split('; ').find((x) => x.startsWith(`${name} `));
  return d ? d.split(' ').slice(1) : [];
}

describe('contentSecurityPolicy', () => {
  const prod = contentSecurityPolicy('production');
  it('runs only bundled scripts in a build: no inline script, no eval', () => {
    expect(directive(prod, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directive(prod, 'default-src')).toEqual(["'self'"]);
    expect(directive(prod, 'object-src')).toEqual(["'none'"]);
    expect(directive(prod, 'connect-src')).toEqual(["'self'"]);
    expect(prod).not.toMatch(/'unsafe-eval'/);
  });
  it('relaxes only what the dev server needs', () => {
    const dev = contentSecurityPolicy('development');
    expect(directive(dev, 'script-src')).toContain("'unsafe-inline'");
    expect(directive(dev, 'connect-src')).toContain('ws:');
  });
});

describe('navigation rules', () => {
  it("accepts the app scheme's own host only", () => {
    const app = 'app://convas/index.html';
    expect(isAppUrl('app://convas/assets/index.js', app)).toBe(true);
    expect(isAppUrl('app://convas/index.html#/x', app)).toBe(true);
    expect(isAppUrl('app://evil/index.html', app)).toBe(false);
    expect(isAppUrl('app://user:pw@convas/index.html', app)).toBe(false);
    expect(isAppUrl('file:///opt/convas/out/renderer/index.html', app)).toBe(false);
    expect(isAppUrl('https://convas/index.html', app)).toBe(false);
  });
  it('accepts the bundled page and the dev server, nothing else', () => {
    const file = 'file:///opt/Convas/resources/app.asar/out/renderer/index.html';
    expect(isAppUrl(`${file}#/x`, file)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
    expect(isAppUrl('https://example.com/', file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', file)).toBe(false);
  });
  it('hands only https links to allow-listed hosts to the system browser', () => {
    expect(isExternalLink('https://arxiv.org/abs/1512.03385')).toBe(true);
    expect(isExternalLink('https://pytorch.org/docs/stable/nn.html')).toBe(true);
    for (const h of EXTERNAL_HOSTS) expect(isExternalLink(`https://${h}/`)).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('http://arxiv.org/abs/1512.03385')).toBe(false);
    expect(isExternalLink('https://evil.example/')).toBe(false);
    expect(isExternalLink('https://arxiv.org.evil.example/')).toBe(false);
    expect(isExternalLink('https://arxiv.org:8443/')).toBe(false);
    expect(isExternalLink('https://user@arxiv.org/')).toBe(false);
    expect(isExternalLink('ms-msdt:/id')).toBe(false);
    expect(isExternalLink('smb://server/share')).toBe(false);
  });
});

describe('permissions', () => {
  it('denies every permission request and every permission check', () => {
    const callback = vi.fn();
    denyPermissionRequest(null, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(denyPermissionCheck()).toBe(false);
  });
});
