/**
 * PyTorch export: for every preset with an output layer and a graph with every layer type (random
 * weights), model.py's load() — run by Debian's python3-torch, one process for the whole file —
 * gives Convas's outputs within 1e-4 on a batch of 2; with a preprocessing record, model.py
 * normalises raw inputs itself.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportPlan } from '../../src/engine/io/export/plan';
import { pytorchArtifact } from '../../src/engine/io/export/pytorch';
import { writeArtifact } from '../../src/engine/io/export/write.node.js';
import { expectClose } from '../helpers/compare';
import { convasOutputsRaw, coverageProject, loadPreset, smallPresetsWithOutput, python, randomBatch, randomPlan, withPreprocessing } from '../helpers/export';

const dir = mkdtempSync(join(tmpdir(), 'convas-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BATCH = 2;

interface Case {
  name: string;
  plan: ExportPlan;
  folder: string;
  raw: Float32Array;
  convas?: Float32Array;
}

const cases: Case[] = [
  ...smallPresetsWithOutput()
    
    .map((p) => ({ name: p, plan: randomPlan(loadPreset(p)).plan })),
  { name: 'every layer type', plan: randomPlan(coverageProject(0.7), 5).plan },
  { name: 'every layer type, with preprocessing', plan: withPreprocessing(randomPlan(coverageProject(0.7), 6).plan) },
].map((c, i) => ({ ...c, folder: join(dir, `case${i}`), raw: randomBatch(c.plan, BATCH, 10 + i) }));

const RUN = `
import importlib.util, json, sys
import torch
torch.set_num_threads(1)
out = []
for i, c in enumerate(json.load(sys.stdin)):
    spec = importlib.util.spec_from_file_location(f"model{i}", c["folder"] + "/model.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    net = m.load()
    keys = sorted(net.state_dict().keys())
    with torch.no_grad():
        y = net(torch.tensor(c["x"], dtype=torch.float32).reshape(c["shape"]))
    out.append({"y": y.flatten().tolist(), "keys": keys, "attrs": [n for n, _ in net.named_children()]})
print(json.dumps(out))
`;

let torch: { y: number[]; keys: string[]; attrs: string[] }[];

beforeAll(async () => {
  for (const c of cases) {
    await writeArtifact(c.folder, pytorchArtifact(c.plan, c.name), false);
    c.convas = await convasOutputsRaw(c.plan, c.raw, BATCH);
  }
  torch = python(RUN, cases.map((c) => ({ folder: c.folder, x: Array.from(c.raw), shape: [BATCH, ...c.plan.input.outShape] })));
});

describe('PyTorch export', () => {
  cases.forEach((c, i) => {
    it(`${c.name}: model.py equals Convas within 1e-4`, () => {
      expectClose(torch[i].y, c.convas!, 1e-4, c.name);
    });
  });

  it('state_dict keys are the Convas tensor names; ids that are not identifiers are mapped and documented', () => {
    const i = cases.findIndex((c) => c.name === 'every layer type');
    const keys = torch[i].keys.filter((k) => !k.endsWith('num_batches_tracked'));
    expect(keys).toContain('conv_b.weight');
    // "conv-a" and "forward" are not usable attribute names
    expect(keys).toContain('conv_a.weight');
    expect(torch[i].attrs).toContain('forward_');
    const model = readFileSync(join(cases[i].folder, 'model.py'), 'utf8');
    expect(model).toContain('"conv-a": "conv_a"');
    expect(model).toContain('"forward": "forward_"');
    const plain = cases.findIndex((c) => c.name === 'seed-mnist-cnn.convas.json');
    expect(torch[plain].keys.filter((k) => !k.endsWith('num_batches_tracked')).sort()).toEqual(Object.keys(cases[plain].plan.weights).sort());
  });

  it('the preprocessing record is applied inside model.py', () => {
    const c = cases.find((c) => c.plan.preprocessing)!;
    const model = readFileSync(join(c.folder, 'model.py'), 'utf8');
    expect(model).toContain('MEAN = [0.1, 0.30000000000000004, 0.5]');
    expect(model).toContain('(x - self.mean) / self.std');
  });
});
