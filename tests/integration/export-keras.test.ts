/**
 * Keras 3 export. No Keras runs here (docs/formats.md says so), so the file is checked from
 * three sides: Python's zipfile (what Keras's loader uses) opens it and finds Keras 3's entries;
 * config.json follows Keras 3's Functional format (class names, configs, build_config, the graph
 * as __keras_tensor__ references) and mirrors the Convas graph; every HDF5 dataset read back with
 * h5wasm equals the weights in Keras's layout — and TensorFlow.js, running that config and those
 * datasets, gives Convas's outputs within 1e-4.
 */
import { existsSync, mkdtempSync, openSync, readdirSync, readSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { KERAS_ENTRIES, KERAS_IN_MEMORY_MAX_BYTES, kerasArtifact, kerasModelFor } from '../../src/engine/io/export/keras';
import { kerasStreamedArtifact } from '../../src/engine/io/export/keras-write.node.js';
import { ExportError } from '../../src/engine/io/export/plan';
import { parseProject } from '../../src/engine/io/project';
import { kerasToTfjs, kerasWeightsDiffer, readKeras } from '../../src/engine/io/export/keras-read';
import { readKerasFromDisk } from '../../src/engine/io/export/keras-read.node.js';
import { runTfjs } from '../../src/engine/io/export/tfjs-run';
import { expectClose } from '../helpers/compare';
import { convasOutputs, coverageProject, loadPreset, smallPresetsWithOutput, python, randomBatch, randomPlan, structurePlan, withoutLrn, withPreprocessing } from '../helpers/export';
import { convBnDense } from '../helpers/small-graphs';

const dir = mkdtempSync(join(tmpdir(), 'convas-keras-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KERAS_CLASSES: Record<string, string[]> = {
  Conv2D: ['Conv2D'], Dense: ['Dense'], MaxPool2D: ['MaxPooling2D'], AvgPool2D: ['AveragePooling2D'], GlobalAvgPool: ['GlobalAveragePooling2D'],
  Flatten: ['Flatten'], ReLU: ['Activation'], Softmax: ['Activation'], Regression: ['Activation'], Sigmoid: ['Activation'], Tanh: ['Activation'],
  LeakyReLU: ['LeakyReLU'], ELU: ['ELU'], BatchNorm: ['BatchNormalization'], Dropout: ['Dropout'], Add: ['Add'], Concat: ['Concatenate'], Input: ['InputLayer'],
};

const cases = [
  ...smallPresetsWithOutput()
    
    .map((p) => ({ name: p, plan: randomPlan(loadPreset(p)).plan })),
  { name: 'every layer type but LRN', plan: randomPlan(withoutLrn(coverageProject()), 5).plan },
  { name: 'with preprocessing', plan: withPreprocessing(randomPlan(withoutLrn(coverageProject()), 6).plan) },
];
const paths: string[] = [];

describe('Keras 3 export', () => {
  cases.forEach((c, i) => {
    it(`${c.name}: config mirrors the graph, HDF5 datasets equal the weights, TF.js runs the file within 1e-4 of Convas`, async () => {
      const bytes = joinChunks((await kerasArtifact(c.plan, c.name)).files[0].chunks());
      const path = join(dir, `case${i}.keras`);
      writeFileSync(path, bytes);
      paths.push(path);
      const k = await readKeras(bytes);
      expect(k.entries).toEqual([...KERAS_ENTRIES]);
      expect(k.metadata.keras_version).toMatch(/^3\./);
      const cfg = k.config as unknown as { module: string; class_name: string; registered_name: string; config: { layers: { class_name: string; name: string; module: string; build_config?: unknown; inbound_nodes: { args: unknown[] }[] }[] } };
      expect([cfg.module, cfg.class_name, cfg.registered_name]).toEqual(['keras.src.models.functional', 'Functional', 'Functional']);
      const byName = new Map(cfg.config.layers.map((l) => [l.name, l]));
      for (const node of c.plan.nodes) {
        const layer = byName.get(node.id)!;
        expect(KERAS_CLASSES[node.type], node.id).toContain(layer.class_name);
        expect(layer.module).toBe('keras.layers');
        if (node.type !== 'Input') expect(layer.build_config, node.id).toBeDefined();
      }
      // every inbound reference names an earlier layer
      const seen = new Set<string>();
      for (const l of cfg.config.layers) {
        const refs = JSON.stringify(l.inbound_nodes).match(/"keras_history":\["[^"]+"/g) ?? [];
        for (const r of refs) expect(seen.has(r.slice(18, -1)), `${l.name} ← ${r}`).toBe(true);
        seen.add(l.name);
      }
      // datasets read back equal the weights in Keras's layout
      const m = kerasModelFor(c.plan, c.name);
      for (const l of m.layers) {
        const stored = k.weights.get(l.name) ?? [];
        expect(stored.map((s) => s.shape), l.name).toEqual(l.weights.map((w) => w.shape));
        l.weights.forEach((w, j) => expect(Array.from(stored[j].data)).toEqual(Array.from(w.data())));
      }
      const x = randomBatch(c.plan, 2, 8);
      const { files, normalization } = kerasToTfjs(k);
      if (c.plan.preprocessing) {
        expect(normalization).toMatchObject({ mean: c.plan.preprocessing.mean, variance: c.plan.preprocessing.std.map((s) => s * s), axis: [-1] });
      }
      const [got, want] = await Promise.all([runTfjs(files, c.plan, x, 2), convasOutputs(c.plan, x, 2)]);
      expectClose(got.y, want, 1e-4, c.name);
    });
  });

  it("Python's zipfile (Keras's own reader) opens every file and finds Keras 3's entries", () => {
    const res = python<{ names: string[]; cls: string }[]>(
      `
import json, sys, zipfile
out = []
for p in json.load(sys.stdin):
    with zipfile.ZipFile(p) as z:
        out.append({"names": z.namelist(), "cls": json.loads(z.read("config.json"))["class_name"]})
print(json.dumps(out))
`,
      paths,
    );
    expect(res.length).toBe(cases.length);
    for (const r of res) expect(r).toEqual({ names: [...KERAS_ENTRIES], cls: 'Functional' });
  });
});

describe('Keras 3 export, streamed (convas export)', () => {
  // Conv(8) on 32×32 → Dense(300): 2.16 M weights, an HDF5 file of ~8.7 MB — more than two 4 MiB pieces
  const graph = convBnDense({ side: 32, filters: 8, kernel: 3, units: 300 });
  graph.nodes.push({ id: 'out', type: 'Softmax', params: {} });
  graph.edges.push({ from: 'fc', to: 'out', port: 0 });
  const { plan } = randomPlan(parseProject({ format: 'convas-project', version: 1, name: 'streamed', graph }), 11);

  it('writes model.weights.h5 onto the disk first, then zips it piece by piece (no chunk holds the whole file); the archive reads back equal', async () => {
    const file = kerasStreamedArtifact(plan, 'streamed').files[0];
    expect(() => file.chunks()).toThrow(/streamed/);
    const scratch = join(dir, '.streamed.keras.scratch-test');
    const h5 = `${scratch}.weights.h5`;
    const chunks: Uint8Array[] = [];
    let h5Size = 0;
    for await (const c of file.stream!(scratch)) {
      if (chunks.length === 0) {
        // by the first zip byte the HDF5 file is complete on the real disk (h5wasm's Node build), not in a memory file system
        expect(existsSync(h5), h5).toBe(true);
        const fd = openSync(h5, 'r');
        const sig = new Uint8Array(8);
        readSync(fd, sig, 0, 8, 0);
        closeSync(fd);
        expect(Array.from(sig)).toEqual([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
        h5Size = statSync(h5).size;
      }
      chunks.push(c);
    }
    expect(existsSync(h5), 'the scratch HDF5 file is removed').toBe(false);
    expect(h5Size).toBeGreaterThan(8e6);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(4 * 2 ** 20);
    const bytes = joinChunks(chunks);
    const path = join(dir, 'streamed.keras');
    writeFileSync(path, bytes);
    // Python's zipfile (Keras's reader): the entries, every CRC, and the HDF5 entry's size
    const z = python<{ names: string[]; bad: string | null; h5: number }>(
      `import json, sys, zipfile\nz = zipfile.ZipFile(json.load(sys.stdin))\nprint(json.dumps({"names": z.namelist(), "bad": z.testzip(), "h5": z.getinfo("model.weights.h5").file_size}))`,
      path,
    );
    expect(z).toEqual({ names: [...KERAS_ENTRIES], bad: null, h5: h5Size });
    const k = await readKeras(bytes);
    expect(k.entries).toEqual([...KERAS_ENTRIES]);
    // every dataset equal bit for bit — the check convas export runs; one changed value is named
    const m = kerasModelFor(plan, 'streamed');
    expect(kerasWeightsDiffer(k, m)).toBeNull();
    const fc = k.weights.get('fc')![0].data;
    const kept = fc[5];
    fc[5] += 1;
    expect(kerasWeightsDiffer(k, m)).toMatch(/^layers\/fc\/vars\/0 \(fc's kernel\) value 5 is /);
    fc[5] = kept;
    const x = randomBatch(plan, 2, 3);
    const [got, want] = await Promise.all([runTfjs(kerasToTfjs(k).files, plan, x, 2), convasOutputs(plan, x, 2)]);
    expectClose(got.y, want, 1e-4, 'streamed');

    // what `convas export` checks: the file read back from the disk (yauzl, a scratch HDF5 file,
    // datasets in blocks of rows — here 1,000 values, so fc's kernel takes many blocks) is the same
    const disk = await readKerasFromDisk(path, 1000);
    expect(readdirSync(dir).filter((f) => f.startsWith('streamed.keras.check-')), 'the scratch HDF5 file is removed').toEqual([]);
    expect(disk.entries).toEqual(k.entries);
    expect(disk.config).toEqual(k.config);
    expect(disk.metadata).toEqual(k.metadata);
    expect([...disk.weights.keys()].sort()).toEqual([...k.weights.keys()].sort());
    for (const [name, list] of k.weights) {
      const other = disk.weights.get(name)!;
      expect(other.map((w) => w.shape)).toEqual(list.map((w) => w.shape));
      list.forEach((w, i) => expect(Buffer.from(other[i].data.buffer, other[i].data.byteOffset, other[i].data.byteLength).equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength)), `${name} ${i}`).toBe(true));
    }
    expect(kerasWeightsDiffer(disk, m)).toBeNull();
    // TF.js gets the one buffer the datasets were read into, not a copy
    const fromDisk = kerasToTfjs(disk).files;
    expect(fromDisk.weightData.buffer).toBe(disk.weights.get('fc')![0].data.buffer);
    const again = await runTfjs(fromDisk, plan, x, 2);
    expect(Array.from(again.y)).toEqual(Array.from(got.y));
  });

  it('a damaged .keras file read back from the disk is refused with what is wrong', async () => {
    const bad = join(dir, 'damaged.keras');
    writeFileSync(bad, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    await expect(readKerasFromDisk(bad)).rejects.toThrow(/damaged\.keras is not a readable zip/);
    expect(readdirSync(dir).filter((f) => f.startsWith('damaged.keras.check-'))).toEqual([]);
  });

  it('the in-memory build (the app) refuses a network above its limit, naming the limit and the streamed command', async () => {
    // five 4096×4096 Dense layers: 320 MiB of weights, built on one shared 64 MiB buffer
    const n = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, params });
    const ids = ['fc1', 'fc2', 'fc3', 'fc4', 'fc5'];
    const nodes = [n('input', 'Input', { shape: [4096] }), ...ids.map((id) => n(id, 'Dense', { units: 4096, useBias: false })), n('out', 'Softmax')];
    const chain = ['input', ...ids, 'out'];
    const edges = chain.slice(1).map((to, i) => ({ from: chain[i], to, port: 0 }));
    const big = structurePlan(parseProject({ format: 'convas-project', version: 1, name: 'big', graph: { nodes, edges } }));
    expect(5 * 4096 * 4096 * 4).toBeGreaterThan(KERAS_IN_MEMORY_MAX_BYTES);
    const refused = kerasArtifact(big, 'big');
    await expect(refused).rejects.toThrow(ExportError);
    await expect(refused).rejects.toThrow(/in memory, up to 256 MiB of weights; this network has 320 MiB \(83,886,080 parameters\).*convas export .*--format keras/);
  });
});
