#!/usr/bin/env node
/**
 * Runs before `npm start` and `npm run dev`: makes sure Electron's binary is there, downloading
 * it once if it is not, so that electron-vite can open the app.
 *
 * Why: Electron 45 has no install step — its binary is fetched on first use or by its
 * `install-electron` command (node_modules/electron/install.js), which writes
 * node_modules/electron/path.txt. electron-vite 6 reads only that file (or ELECTRON_EXEC_PATH)
 * and otherwise stops with "Electron uninstall" and a stack trace.
 *
 * Exit 0 when Electron is ready (silent when it already was). Where the download cannot happen
 * (no network, ELECTRON_SKIP_BINARY_DOWNLOAD set), one paragraph says what is missing, the
 * command that fetches it and that `npm run web` runs the same app in a browser; exit 1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FETCH_COMMAND = 'npx install-electron';
const WEB_HINT = '`npm run web` runs the same app in a browser (http://localhost:5173), training in a Web Worker.';

/** Wrap a paragraph at 100 columns (never inside a `command`), so it reads as one block. */
function paragraph(text) {
  const lines = [];
  let line = '';
  for (const word of text.match(/\S*`[^`]*`\S*|\S+/g)) {
    if (line && line.length + 1 + word.length > 100) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

function fail(text) {
  process.stderr.write(`\n${paragraph(text)}\n\n`);
  process.exit(1);
}

/** Truthy as the Electron tooling reads environment flags ("", "0" and "false" are off). */
function flagSet(name) {
  const v = process.env[name];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The installed `electron` package: its folder and version, or null. */
function electronPackage() {
  try {
    const pkgPath = createRequire(join(ROOT, 'package.json')).resolve('electron/package.json');
    return { dir: dirname(pkgPath), version: JSON.parse(readFileSync(pkgPath, 'utf8')).version };
  } catch {
    return null;
  }
}

/** The executable electron-vite will start, if it exists (the same files install.js checks). */
function installedExecutable(pkg) {
  try {
    const relPath = readFileSync(join(pkg.dir, 'path.txt'), 'utf8');
    const exe = join(pkg.dir, 'dist', relPath);
    const distVersion = readFileSync(join(pkg.dir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
    return relPath && distVersion === pkg.version && existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

function nodeNote() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = major > 22 || (major === 22 && minor >= 12);
  return ok ? '' : ` Electron's download tool declares Node.js 22.12 or newer (this is Node.js ${process.versions.node}).`;
}

function missing(pkg, why) {
  const where = relative(process.cwd(), join(pkg.dir, 'dist')) || join(pkg.dir, 'dist');
  fail(
    `Cannot open the Convas desktop app: Electron's binary (electron ${pkg.version}) is not installed ` +
      `in ${where}, ${why}.${nodeNote()} Fetch it with \`${FETCH_COMMAND}\` (it needs the internet, about ` +
      `100 MB, once), then run this command again. Without Electron, ${WEB_HINT}`,
  );
}

/** The first line of the downloader's output that says what went wrong (not a stack frame). */
function reason(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
  return lines[0] ?? 'no message';
}

function download(pkg) {
  const started = Date.now();
  process.stderr.write(`Electron ${pkg.version} is not installed yet: downloading it once (about 100 MB) with ${FETCH_COMMAND} …\n`);
  const ticker = setInterval(() => {
    process.stderr.write(`  … still downloading Electron (${Math.round((Date.now() - started) / 1000)} s)\n`);
  }, 15_000);
  return new Promise((resolve) => {
    // install.js prints a stack trace when it fails: keep its output, report one line of it.
    const child = spawn(process.execPath, [join(pkg.dir, 'install.js')], { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (t) => (output += t));
    child.stderr.setEncoding('utf8').on('data', (t) => (output += t));
    child.on('error', (e) => (output += `${e.message}\n`));
    child.on('close', (code) => {
      clearInterval(ticker);
      resolve({ ok: code === 0, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

async function main() {
  const override = process.env.ELECTRON_EXEC_PATH;
  if (override) {
    if (existsSync(override)) return;
    fail(`Cannot open the Convas desktop app: ELECTRON_EXEC_PATH is set to ${override}, which does not exist. Unset it to use (and, if needed, download) the Electron of node_modules/electron, or point it at an Electron executable. ${WEB_HINT}`);
  }
  const pkg = electronPackage();
  if (!pkg) fail(`Cannot open the Convas desktop app: the electron package is not installed in ${join(ROOT, 'node_modules')}. Run \`npm install\` in ${ROOT}, then this command again. ${WEB_HINT}`);
  if (installedExecutable(pkg)) return;
  if (flagSet('ELECTRON_SKIP_BINARY_DOWNLOAD')) missing(pkg, 'and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded');
  const result = await download(pkg);
  const exe = installedExecutable(pkg);
  if (result.ok && exe) {
    process.stderr.write(`Electron ${pkg.version} installed (${relative(process.cwd(), exe) || exe}, ${result.seconds.toFixed(0)} s).\n`);
    return;
  }
  missing(pkg, `and downloading it failed (${reason(result.output)}${result.ok ? '; the download finished but left no executable' : ''})`);
}

await main();
