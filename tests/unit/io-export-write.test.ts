/**
 * Exports on disk go through the same rules as every other writer: a single-file export is
 * written by the shared atomic writer, and a device, FIFO or symbolic link as the target is
 * refused even with --force (as root, --force used to remove /dev/null and put a file there);
 * the partial folder of a killed folder export is removed by the next export to that name.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textFile, type Artifact } from '../../src/engine/io/export/artifact';
import { writeArtifact } from '../../src/engine/io/export/write.node.js';

const dir = mkdtempSync(join(tmpdir(), 'convas-export-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const one = (text: string): Artifact => ({ kind: 'file', files: [textFile('model.onnx', text)] });

describe('writeArtifact', () => {
  it('writes and, with --force, replaces a single-file export atomically, counting its bytes', async () => {
    const f = join(dir, 'model.onnx');
    expect(await writeArtifact(f, one('first'), false)).toEqual({ 'model.onnx': 5 });
    await expect(writeArtifact(f, one('second'), false)).rejects.toThrow(/already exists: pass --force/);
    expect(await writeArtifact(f, one('second'), true)).toEqual({ 'model.onnx': 6 });
    expect(readFileSync(f, 'utf8')).toBe('second');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the partial folder and scratch file a killed export left, and keeps a live one’s', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    const live = spawn('sleep', ['30']);
    try {
      mkdirSync(join(dir, `.pt.partial-${dead}`));
      writeFileSync(join(dir, `.pt.partial-${dead}`, 'model.py'), 'half');
      mkdirSync(join(dir, `.pt.partial-${live.pid}`));
      // a Keras export's HDF5 before it is zipped
      writeFileSync(join(dir, `.pt.scratch-${dead}.weights.h5`), 'half');
      writeFileSync(join(dir, `.pt.scratch-${live.pid}.weights.h5`), 'half');
      const folder: Artifact = { kind: 'folder', files: [textFile('model.py', 'print(1)'), textFile('README.md', '#')] };
      expect(await writeArtifact(join(dir, 'pt'), folder, false)).toEqual({ 'model.py': 8, 'README.md': 1 });
      expect(readdirSync(dir).filter((n) => n.startsWith('.pt.partial-') || n.startsWith('.pt.scratch-')).sort()).toEqual([`.pt.partial-${live.pid}`, `.pt.scratch-${live.pid}.weights.h5`]);
      expect(readFileSync(join(dir, 'pt', 'model.py'), 'utf8')).toBe('print(1)');
    } finally {
      live.kill();
    }
  });

  it('refuses /dev/null, a FIFO and a symbolic link even with --force, and leaves them as they were', async () => {
    const fifo = join(dir, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    const real = join(dir, 'real.onnx');
    writeFileSync(real, 'keep');
    const link = join(dir, 'link.onnx');
    symlinkSync(real, link);
    await expect(writeArtifact('/dev/null', one('x'), true)).rejects.toThrow('cannot write /dev/null: it is not a regular file or folder (a device, FIFO or socket); name a file to create');
    await expect(writeArtifact(fifo, one('x'), true)).rejects.toThrow(/pipe\.onnx: it is not a regular file or folder/);
    await expect(writeArtifact(link, one('x'), true)).rejects.toThrow(/link\.onnx: it is a symbolic link/);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('keep');
  });
});
