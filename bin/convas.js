#!/usr/bin/env node
// The `convas` executable. Runs the built CLI (out/cli, made by scripts/build-cli.mjs at
// `npm install` and by `npm run build`) while it is up to date with the sources it was built
// from; otherwise runs the TypeScript sources through tsx (slower to start, always current).
// CONVAS_FROM_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/** The current build's entry URL, or null when there is none or a source file is newer. */
function builtEntry() {
  if (process.env.CONVAS_FROM_SOURCE) return null;
  try {
    const manifest = JSON.parse(readFileSync(new URL('out/cli/build.json', root), 'utf8'));
    for (const input of manifest.inputs) {
      if (statSync(new URL(input, root)).mtimeMs > manifest.builtAt) return null;
    }
    return new URL(`out/cli/${manifest.dir}/convas.mjs`, root);
  } catch {
    return null; // no build, or a source file it was built from is gone
  }
}

const entry = builtEntry();
let cli;
if (entry) {
  cli = await import(entry.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli/index.ts');
}
await cli.runAsProcess(process.argv.slice(2));
