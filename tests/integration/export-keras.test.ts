/**
 * Keras 3 export. No Keras runs here (docs/formats.md says so), so the file is checked from
 * three sides: Python's zipfile (what Keras's loader uses) opens it and finds Keras 3's entries;
 * config.json follows Keras 3's Functional format (class names, configs, build_config, the graph
 * as __keras_tensor__ references) and mirrors the Convas graph; every HDF5 dataset read back with
 * h5wasm equals the weights in Keras's layout — and TensorFlow.js, running that config and those
 * datasets, gives Convas's outputs within 1e-4.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { KERAS_ENTRIES, kerasArtifact, kerasModelFor } from '../../src/engine/io/export/keras';
import { kerasToTfjs, readKeras } from '../../src/engine/io/export/keras-read';
import { runTfjs } from '../../src/engine/io/export/tfjs-run';
import { expectClose } from '../helpers/compare';
import { convasOutputs, coverageProject, loadPreset, smallPresetsWithOutput, python, randomBatch, randomPlan, withoutLrn, withPreprocessing } from '../helpers/export';

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
