/**
 * Every preset with an output layer, at any size (AlexNet, VGG-16, ResNet-50, …), builds in every
 * format or is refused with a message naming the node and the target (LRN in TF.js / Keras);
 * each model.py builds in PyTorch with exactly Convas's parameter count. The numbers themselves
 * are compared on the presets Convas can run in CI (export-<format>.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kerasConfig, kerasModelFor } from '../../src/engine/io/export/keras';
import { buildOnnxGraph } from '../../src/engine/io/export/onnx';
import { modelPy } from '../../src/engine/io/export/pytorch';
import { tfjsArtifact } from '../../src/engine/io/export/tfjs';
import { loadPreset, presetsWithOutput, python, structurePlan } from '../helpers/export';

const dir = mkdtempSync(join(tmpdir(), 'convas-presets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Presets with LRN, which TF.js layers and Keras have no layer for. */
const HAS_LRN = new Set(['alexnet.convas.json', 'zfnet.convas.json']);

describe('every preset with an output layer', () => {
  const presets = presetsWithOutput();
  const models: { preset: string; path: string; params: number }[] = [];

  for (const preset of presets) {
    it(`${preset}: ONNX, PyTorch, TF.js and Keras build (or refuse LRN by name)`, () => {
      const plan = structurePlan(loadPreset(preset));
      const { g } = buildOnnxGraph(plan);
      expect(g.initializers.length).toBe(Object.keys(plan.weights).length);
      const path = join(dir, `${preset.replace('.convas.json', '')}.py`);
      writeFileSync(path, modelPy(plan, preset));
      models.push({ preset, path, params: plan.report.totals.params });
      if (HAS_LRN.has(preset)) {
        expect(() => tfjsArtifact(plan, preset)).toThrow(/\(LRN\): TF\.js layers have no local response normalisation layer/);
        expect(() => kerasModelFor(plan, preset)).toThrow(/\(LRN\): Keras layers have no local response normalisation layer/);
      } else {
        expect(tfjsArtifact(plan, preset).files[0].name).toBe('model.json');
        const cfg = kerasConfig(kerasModelFor(plan, preset)) as { config: { layers: unknown[] } };
        expect(cfg.config.layers.length).toBeGreaterThanOrEqual(plan.nodes.length);
      }
    });
  }

  it("each model.py builds in PyTorch with Convas's parameter count", () => {
    const res = python<Record<string, number>>(
      `
import importlib.util, json, sys
out = {}
for i, m in enumerate(json.load(sys.stdin)):
    spec = importlib.util.spec_from_file_location(f"m{i}", m["path"])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net = mod.build()
    out[m["preset"]] = sum(p.numel() for p in net.parameters())
print(json.dumps(out))
`,
      models,
    );
    for (const m of models) expect(res[m.preset], m.preset).toBe(m.params);
  });
});
