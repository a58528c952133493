/**
 * Reading a written `.keras` file back from the disk for its check, at any size: the zip is read
 * entry by entry with yauzl (an independent reader, not the writer's fflate), config.json and
 * metadata.json into memory, model.weights.h5 copied to a scratch file beside the export and
 * opened there by h5wasm's Node build, whose file system is the real one. Each dataset is read in
 * blocks of rows straight into one buffer that becomes the TF.js model's weight data — the only
 * whole copy of the weights this makes (the in-memory `readKeras` held five: the file, the
 * unzipped entry, h5wasm's in-memory file, the datasets and their concatenation).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import h5wasm from 'h5wasm/node';
import yauzl from 'yauzl';
import type { KerasFile } from './keras-read';
import { ExportError } from './plan';

/** Values read from an HDF5 dataset per call: bounds the transient copies (h5wasm's heap and JS). */
export const BLOCK_VALUES = 1 << 22;

const JSON_ENTRIES = new Set(['config.json', 'metadata.json']);

/** The zip's entry names and its JSON entries' text; model.weights.h5 written to `h5Path`. */
async function unpack(path: string, h5Path: string): Promise<{ entries: string[]; json: Map<string, string>; h5: boolean }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (e, z) => (e ? reject(new ExportError(`${path} is not a readable zip: ${e.message}`)) : resolve(z))),
  );
  const entries: string[] = [];
  const json = new Map<string, string>();
  let h5 = false;
  const stream = (entry: yauzl.Entry) =>
    new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry.fileName);
      void (async () => {
        if (entry.fileName === 'model.weights.h5') {
          await pipeline(await stream(entry), createWriteStream(h5Path));
          h5 = true;
        } else if (JSON_ENTRIES.has(entry.fileName)) {
          const parts: Buffer[] = [];
          for await (const p of await stream(entry)) parts.push(p as Buffer);
          json.set(entry.fileName, Buffer.concat(parts).toString('utf8'));
        }
        zip.readEntry();
      })().catch((e: unknown) => {
        zip.close();
        reject(e);
      });
    });
    zip.readEntry();
  });
  return { entries, json, h5 };
}

/**
 * The `.keras` file at `path` as `KerasFile`: the Normalization layer's datasets in their own
 * arrays, every other layer's (in config.json's layer order) as consecutive views of one buffer,
 * which `kerasToTfjs` then hands TF.js without another copy.
 */
export async function readKerasFromDisk(path: string, blockValues = BLOCK_VALUES): Promise<KerasFile> {
  const h5Path = `${path}.check-${process.pid}-${Date.now()}.h5`;
  try {
    const { entries, json, h5 } = await unpack(path, h5Path);
    const parse = (n: string) => {
      const text = json.get(n);
      if (text === undefined) throw new ExportError(`the .keras file has no ${n}`);
      return JSON.parse(text);
    };
    const metadata = parse('metadata.json');
    const config = parse('config.json') as KerasFile['config'];
    if (!h5) throw new ExportError('the .keras file has no model.weights.h5');
    await h5wasm.ready;
    const f = new h5wasm.File(h5Path, 'r');
    try {
      type Dataset = InstanceType<typeof h5wasm.Dataset>;
      const layerNames = new Set((f.get('layers') as InstanceType<typeof h5wasm.Group> | null)?.keys() ?? []);
      const datasets = new Map<string, { d: Dataset; shape: number[] }[]>();
      for (const l of config.config.layers) {
        if (!layerNames.has(l.name)) continue;
        const vars = f.get(`layers/${l.name}/vars`) as InstanceType<typeof h5wasm.Group>;
        const keys = vars.keys().sort((a, b) => Number(a) - Number(b));
        datasets.set(
          l.name,
          keys.map((k) => {
            const d = f.get(`layers/${l.name}/vars/${k}`) as Dataset;
            return { d, shape: d.shape ?? [] };
          }),
        );
      }
      const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
      const shared = (name: string) => config.config.layers.find((l) => l.name === name)?.class_name !== 'Normalization';
      let total = 0;
      for (const [name, list] of datasets) if (shared(name)) for (const { shape } of list) total += count(shape);
      const buffer = new Float32Array(total);
      let at = 0;
      const weights: KerasFile['weights'] = new Map();
      for (const [name, list] of datasets) {
        weights.set(
          name,
          list.map(({ d, shape }) => {
            const n = count(shape);
            const data = shared(name) ? buffer.subarray(at, (at += n)) : new Float32Array(n);
            const row = shape.length > 1 ? n / shape[0] : 1;
            const rows = Math.max(1, Math.floor(blockValues / row));
            for (let r = 0; r < (shape[0] ?? 1); r += rows) {
              const block = shape.length ? (d.slice([[r, Math.min(r + rows, shape[0])]]) as Float32Array) : Float32Array.of(Number(d.value));
              data.set(block, r * row);
            }
            return { shape, data };
          }),
        );
      }
      return { entries, metadata, config, weights };
    } finally {
      f.close();
    }
  } finally {
    await rm(h5Path, { force: true });
  }
}
