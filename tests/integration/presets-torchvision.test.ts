/**
 * The ImageNet presets (ResNet-18, ResNet-50, DenseNet-121, GoogLeNet without auxiliary
 * classifiers) against torchvision 0.14 itself: the same parameter total and the same number of
 * convolutions, BatchNorms and dense layers. One Python process builds all four.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { loadPreset } from '../helpers/export';
import { PYTHON } from '../helpers/torch';

const SCRIPT = `
import json, torch, torchvision.models as m
nets = {"resnet18": m.resnet18(), "resnet50": m.resnet50(), "densenet121": m.densenet121(),
        "googlenet": m.googlenet(aux_logits=False, init_weights=True)}
count = lambda net, t: sum(isinstance(x, t) for x in net.modules())
print(json.dumps({k: {"params": sum(p.numel() for p in n.parameters()), "Conv2D": count(n, torch.nn.Conv2d),
                      "BatchNorm": count(n, torch.nn.BatchNorm2d), "Dense": count(n, torch.nn.Linear)} for k, n in nets.items()}))
`;

describe('ImageNet presets match torchvision', () => {
  it('parameter totals and layer counts of resnet18, resnet50, densenet121, googlenet', () => {
    if (!existsSync(PYTHON)) throw new Error(`this test needs ${PYTHON} with torchvision (apt-get install python3-torchvision)`);
    const r = spawnSync(PYTHON, ['-c', SCRIPT], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`torchvision failed: ${r.stderr}`);
    const torch = JSON.parse(r.stdout) as Record<string, Record<string, number>>;
    for (const [name, want] of Object.entries(torch)) {
      const graph = loadPreset(`${name}.convas.json`).graph;
      const count = (type: string) => graph.nodes.filter((n) => n.type === type).length;
      expect({ params: inferShapes(graph).totals.params, Conv2D: count('Conv2D'), BatchNorm: count('BatchNorm'), Dense: count('Dense') }, name).toEqual(want);
    }
  }, 120_000);
});
