/**
 * ONNX export: every preset with an output layer, random weights — onnx.checker (full_check)
 * accepts the file, and onnxruntime-web's outputs equal Convas's own inference within 1e-4.
 * One Python process checks every model of the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinChunks } from '../../src/engine/io/bytes';
import { ONNX_OPSET, onnxChunks } from '../../src/engine/io/export/onnx';
import { runOnnx } from '../../src/engine/io/export/onnx-run';
import { exportPlan } from '../../src/engine/io/export/plan';
import { expectClose } from '../helpers/compare';
import { convasOutputsRaw, coverageProject, loadPreset, smallPresetsWithOutput, python, randomBatch, randomPlan, withPreprocessing } from '../helpers/export';

const dir = mkdtempSync(join(tmpdir(), 'convas-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Presets over 100 MFLOP per sample (AlexNet … VGG-16) are checked for structure in export-presets.test.ts. */
const presets = smallPresetsWithOutput();
const written: { preset: string; path: string; output: string }[] = [];

const CHECK = `
import json, sys, onnx
out = {}
for m in json.load(sys.stdin):
    model = onnx.load(m["path"])
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    out[m["path"]] = {
        "opset": [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")],
        "inputs": [[i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]] for i in g.input],
        "outputs": [o.name for o in g.output],
        "initializers": sorted(t.name for t in g.initializer),
        "metadata": {p.key: p.value for p in model.metadata_props},
    }
print(json.dumps(out))
`;

describe('ONNX export', () => {
  it('finds the presets with an output layer', () => {
    expect(presets).toContain('seed-mnist-cnn.convas.json');
    expect(presets.length).toBeGreaterThanOrEqual(6);
  });

  const cases = [
    ...presets.map((p) => ({ name: p, plan: () => randomPlan(loadPreset(p)).plan })),
    { name: 'every layer type', plan: () => randomPlan(coverageProject(0.7), 5).plan },
    { name: 'every layer type, with preprocessing', plan: () => withPreprocessing(randomPlan(coverageProject(0.7), 6).plan) },
  ];
  cases.forEach((c, i) => {
    it(`${c.name}: onnxruntime-web equals Convas within 1e-4 (batch 2)`, async () => {
      const plan = c.plan();
      const bytes = joinChunks(onnxChunks(plan));
      const path = join(dir, `case${i}.onnx`);
      writeFileSync(path, bytes);
      written.push({ preset: c.name, path, output: plan.output.id });
      const raw = randomBatch(plan, 2, 3);
      const [got, want] = await Promise.all([runOnnx(bytes, plan, raw, 2), convasOutputsRaw(plan, raw, 2)]);
      expectClose(got, want, 1e-4, c.name);
    });
  });

  it('onnx.checker.check_model(full_check=True) accepts every file: opset 17, input "input" [batch, …], output named after the output node', () => {
    expect(written.length).toBeGreaterThan(0);
    const res = python<Record<string, { opset: number[]; inputs: [string, (string | number)[]][]; outputs: string[]; initializers: string[]; metadata: Record<string, string> }>>(CHECK, written);
    for (const w of written) {
      const r = res[w.path];
      expect(r.opset, w.preset).toEqual([ONNX_OPSET]);
      expect(r.inputs.length, w.preset).toBe(1);
      expect(r.inputs[0][0]).toBe('input');
      expect(r.inputs[0][1][0]).toBe('batch');
      expect(r.outputs).toEqual([w.output]);
      expect(r.initializers.every((n) => /^[A-Za-z_][\w-]*\.\w+$/.test(n)), w.preset).toBe(true);
      if (w.preset.endsWith('with preprocessing')) expect(r.metadata['convas.preprocessing']).toContain('"mean":[0.1,');
    }
  });

  it('an even LRN size is refused, naming the node and ONNX', () => {
    const graph = {
      nodes: [
        { id: 'input', type: 'Input', params: { shape: [4, 3, 3] } },
        { id: 'norm', type: 'LRN', params: { size: 4 } },
      ],
      edges: [{ from: 'input', to: 'norm', port: 0 }],
    };
    const plan = exportPlan(graph, { tensors: {} });
    expect(() => joinChunks(onnxChunks(plan))).toThrow(/norm \(LRN\): size 4 is even; ONNX/);
  });
});
