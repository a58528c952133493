/** The Content Security Policy and the navigation rules of the app window. */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, isAppUrl, isExternalLink } from '../../src/main/security';

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
  it('accepts the bundled page and the dev server, nothing else', () => {
    const file = 'file:///opt/Convas/resources/app.asar/out/renderer/index.html';
    expect(isAppUrl(`${file}#/x`, file)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', file)).toBe(false);
    expect(isAppUrl('https://example.com/', file)).toBe(false);
    expect(isAppUrl('http://localhost:5173/index.html', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', file)).toBe(false);
  });
  it('hands only web links to the system browser', () => {
    expect(isExternalLink('https://arxiv.org/abs/1512.03385')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });
});
