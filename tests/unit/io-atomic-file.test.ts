/**
 * The shared atomic writer against the cases that went wrong (issue #8): special files and
 * symbolic links as targets, temporary files left by a killed writer, and the basics (replace,
 * keep the mode, leave the old file when the content fails).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicWriteError, checkWriteTarget, writeFileAtomic } from '../../src/engine/io/atomic-file.node.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convas-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = () => readdirSync(dir).filter((n) => n.endsWith('.tmp'));

/** A pid that no process has any more: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('writeFileAtomic', () => {
  it('creates, replaces, and keeps the mode of the file it replaces', async () => {
    const f = join(dir, 'w.json');
    await writeFileAtomic(f, 'one');
    expect(readFileSync(f, 'utf8')).toBe('one');
    chmodSync(f, 0o640);
    await writeFileAtomic(f, [new TextEncoder().encode('tw'), new TextEncoder().encode('o')]);
    expect(readFileSync(f, 'utf8')).toBe('two');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(leftovers()).toEqual([]);
  });

  it('streams a body function chunk by chunk', async () => {
    const f = join(dir, 'w.bin');
    await writeFileAtomic(f, async (write) => {
      for (let i = 0; i < 4; i++) await write(new Uint8Array(1000).fill(i));
    });
    const b = readFileSync(f);
    expect(b.length).toBe(4000);
    expect([b[0], b[1999], b[3999]]).toEqual([0, 1, 3]);
  });

  it('keeps the old file and no temporary when the content fails mid-way', async () => {
    const f = join(dir, 'w.json');
    writeFileSync(f, 'old');
    const boom = new Error('value 7 is NaN');
    await expect(
      writeFileAtomic(f, async (write) => {
        await write(new Uint8Array(10));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(leftovers()).toEqual([]);
  });

  it('refuses a directory as the target', async () => {
    const d = join(dir, 'out');
    mkdirSync(d);
    await expect(writeFileAtomic(d, 'x')).rejects.toThrow(`cannot write ${d}: it is a directory, not a regular file`);
    expect(lstatSync(d).isDirectory()).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a character device such as /dev/null and leaves it a device', async () => {
    await expect(writeFileAtomic('/dev/null', 'x')).rejects.toThrow('cannot write /dev/null: it is a character device, not a regular file');
    await expect(checkWriteTarget('/dev/null')).rejects.toBeInstanceOf(AtomicWriteError);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses a FIFO without opening it (no hang)', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(writeFileAtomic(fifo, 'x')).rejects.toThrow(/it is a named pipe \(FIFO\), not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses a symbolic link: neither the link nor the file it points to changes', async () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(real, 'real');
    symlinkSync(real, link);
    await expect(writeFileAtomic(link, 'x')).rejects.toThrow(/it is a symbolic link;.*give the path of the file it points to, or remove the link/);
    await expect(checkWriteTarget(link)).rejects.toThrow(/symbolic link/);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('real');
    // a dangling link is refused too (writing would create a file somewhere else)
    const dangling = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere', 'x.json'), dangling);
    await expect(writeFileAtomic(dangling, 'x')).rejects.toThrow(/symbolic link/);
  });

  it('says when the folder is missing, and creates it only when asked', async () => {
    const f = join(dir, 'a', 'b', 'w.json');
    await expect(writeFileAtomic(f, 'x')).rejects.toThrow(`cannot write ${f}: its folder does not exist`);
    await writeFileAtomic(f, 'x', { mkdir: true });
    expect(readFileSync(f, 'utf8')).toBe('x');
  });

  it('removes temporary files that dead writers left, and keeps a live writer’s', async () => {
    const f = join(dir, 'run.ckpt');
    const dead = deadPid();
    const stale = [`.run.ckpt.${dead}.0badf00d.tmp`, `run.ckpt.${dead}.tmp`]; // ours, and the name older versions used
    for (const n of stale) writeFileSync(join(dir, n), 'half');
    const live = spawn('sleep', ['30']);
    try {
      const fresh = `.run.ckpt.${live.pid}.00c0ffee.tmp`;
      writeFileSync(join(dir, fresh), 'being written');
      writeFileSync(join(dir, 'other.ckpt.123.tmp'), 'not ours'); // another file's temp: not touched
      await writeFileAtomic(f, 'new');
      expect(leftovers().sort()).toEqual([fresh, 'other.ckpt.123.tmp'].sort());
      expect(readFileSync(f, 'utf8')).toBe('new');
    } finally {
      live.kill();
    }
  });

  it('a writer killed mid-write leaves the old file whole, and the next write cleans up after it', async () => {
    const f = join(dir, 'w.bin');
    writeFileSync(f, 'old');
    const module = join(process.cwd(), 'src/engine/io/atomic-file.node.ts');
    const script = `
      import { writeFileAtomic } from ${JSON.stringify(module)};
      await writeFileAtomic(${JSON.stringify(f)}, async (write) => {
        await write(new Uint8Array(1 << 20));
        process.stdout.write('started\\n');
        await new Promise(() => {}); // never finishes: killed here
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('started') && res());
      child.on('exit', (code) => rej(new Error(`the writer exited early (${code})`)));
    });
    expect(leftovers()).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(leftovers()).toHaveLength(1); // what a kill leaves…
    await writeFileAtomic(f, 'new');
    expect(leftovers()).toEqual([]); // …the next write removes
    expect(readFileSync(f, 'utf8')).toBe('new');
    expect(existsSync(f)).toBe(true);
  });
});

describe('checkWriteTarget', () => {
  it('accepts a new file in a writable folder and leaves nothing behind', async () => {
    await checkWriteTarget(join(dir, 'new.json'));
    expect(readdirSync(dir)).toEqual([]);
  });
});
