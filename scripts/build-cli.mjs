#!/usr/bin/env node
/**
 * Build the `convas` command to plain JavaScript, so that it starts without transpiling
 * TypeScript: src/cli/index.ts and the training worker it forks (src/engine/worker/node-host.node.ts)
 * are bundled by esbuild into out/cli/<build>/convas.mjs and training-worker.mjs. Packages stay
 * in node_modules (imported as they are); commands are split into chunks that load on demand, so
 * only the commands that run kernels load gpu.js.
 *
 * Not minified: gpu.js compiles a kernel from its function's source text.
 *
 * Each build goes to its own folder and out/cli/build.json, written last by an atomic rename,
 * names the current one with the source files it was made from. bin/convas.js runs the build
 * only while none of those files is newer than it, and falls back to the sources through tsx
 * otherwise. A process still running an older build keeps its folder: builds are removed only
 * when a newer build is made and they are neither the current nor the previous one and more
 * than a day old.
 *
 *   node scripts/build-cli.mjs            build (exit 1 on a build error)
 *   node scripts/build-cli.mjs --prepare  as npm's `prepare` step: on failure warn, exit 0
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'out/cli');
const ENTRIES = { convas: 'src/cli/index.ts', 'training-worker': 'src/engine/worker/node-host.node.ts' };

/**
 * Packages stay external, imported by the name the source uses — unless Node's ESM resolver
 * cannot find that name (an extensionless subpath such as `protobufjs/minimal`, which bundlers
 * and tsx accept): then the file esbuild found, named from its package (`protobufjs/minimal.js`).
 */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    // bare specifiers (packages); relative and absolute paths are our sources, bundled
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:') || args.pluginData === 'inner') return undefined;
      if (nodeResolves(args.path)) return { path: args.path, external: true };
      const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'inner' });
      const inPackage = found.errors.length === 0 && found.path.includes('/node_modules/') ? found.path.split('/node_modules/').pop() : null;
      if (inPackage && nodeResolves(inPackage)) return { path: inPackage, external: true };
      return { errors: [{ text: `Node cannot import "${args.path}" (imported by ${args.importer}): name the file, e.g. with its extension` }] };
    });
  },
};

/** Whether Node's ESM loader finds `specifier` from this project (import.meta.resolve does not check that a package's subpath file exists). */
function nodeResolves(specifier) {
  try {
    const url = import.meta.resolve(specifier);
    return !url.startsWith('file:') || statSync(fileURLToPath(url)).isFile();
  } catch {
    return false;
  }
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const builtAt = Date.now();
  const result = await esbuild({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19', // the oldest Node package.json's engines allows
    plugins: [externalPackages],
    outExtension: { '.js': '.mjs' },
    // beside the entries: the worker client finds training-worker.mjs next to its own module
    chunkNames: '[name]-[hash]',
    outdir: 'out/cli/next',
    write: false,
    metafile: true,
    minify: false,
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  const hash = createHash('sha256');
  for (const f of result.outputFiles) hash.update(relative(join(ROOT, 'out/cli/next'), f.path)).update(f.contents);
  const id = `b-${hash.digest('hex').slice(0, 12)}`;
  const dir = join(OUT, id);
  const staging = join(OUT, `.${id}.${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  for (const f of result.outputFiles) {
    const path = join(staging, relative(join(ROOT, 'out/cli/next'), f.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.contents);
  }
  // The same sources give the same folder: keep the one that is there (a process may be using it).
  if (existsSync(dir)) rmSync(staging, { recursive: true, force: true });
  else renameSync(staging, dir);
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes('node_modules/')).sort();
  const manifest = { dir: id, builtAt, node: process.versions.node, entries: Object.keys(ENTRIES).map((e) => `${e}.mjs`), inputs };
  const tmp = join(OUT, `.build.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  const previous = readPrevious();
  renameSync(tmp, join(OUT, 'build.json'));
  removeOldBuilds([id, previous]);
  return { id, inputs: inputs.length, ms: Date.now() - builtAt };
}

function readPrevious() {
  try {
    return JSON.parse(readFileSync(join(OUT, 'build.json'), 'utf8')).dir;
  } catch {
    return null;
  }
}

/** Remove builds other than `keep` that are more than a day old (a long training run may still use one). */
function removeOldBuilds(keep) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of readdirSync(OUT)) {
    const path = join(OUT, name);
    if (name.startsWith('b-') && !keep.includes(name) && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}

const prepare = process.argv.includes('--prepare');
try {
  const { id, inputs, ms } = await build();
  process.stderr.write(`convas CLI built: out/cli/${id}/convas.mjs (${inputs} source files, ${ms} ms)\n`);
} catch (e) {
  const first = (e?.errors?.[0] && `${e.errors[0].location ? `${e.errors[0].location.file}:${e.errors[0].location.line}: ` : ''}${e.errors[0].text}`) || (e instanceof Error ? e.message : String(e));
  process.stderr.write(`convas CLI build failed: ${first}\n`);
  if (prepare) process.stderr.write('`npx convas` will run from the TypeScript sources instead (slower start); `npm run build:cli` retries.\n');
  process.exit(prepare ? 0 : 1);
}
