/**
 * `convas import` through the real executable: a PyTorch ResNet block imported, then `convas
 * infer` on the project equals PyTorch (1e-4); weights embedded or written beside; an unmappable
 * node listed by name, op type and inputs with nothing written, or with --partial the part before
 * it imported and the stop named.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../../src/engine/io/export/onnx-proto';
import { parseProject } from '../../src/engine/io/project';
import { loadWeightsFile } from '../../src/engine/io/weights-file.node.js';
import { expectClose } from '../helpers/compare';
import { exportTorchModels, type TorchModel } from '../helpers/onnx-import';
import { expectOneLine, runCli } from './cli-run';

const dir = mkdtempSync(join(tmpdir(), 'convas-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (f: string) => join(dir, f);

let torch: Record<string, TorchModel>;
beforeAll(() => {
  torch = exportTorchModels(dir, ['resblock', 'unmappable']);
  const t = torch.resblock;
  writeFileSync(at('x.json'), JSON.stringify({ shape: [2, ...t.shape], data: t.x }));
}, 120_000);

async function inferJson(args: string[]): Promise<number[]> {
  const r = await runCli(['infer', ...args, '--input', at('x.json'), '--backend', 'cpu', '--json'], 120_000);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout) as { outputs: Record<string, { data: number[] }> };
  return Object.values(out.outputs)[0].data;
}

describe('convas import', () => {
  it('imports a ResNet block with embedded weights, prints the mapping, and convas infer equals PyTorch', async () => {
    const r = await runCli(['import', at('resblock.onnx'), '--out', at('rb.convas.json')], 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\/block\/down\/down\.0\/Conv \(Conv\)\s+→ block_down_0/);
    expect(r.stdout).toMatch(/\/Flatten \(Flatten\)\s+→ \(passes its input through\)/);
    expect(r.stdout).toContain('4,074 parameters');
    const project = parseProject(JSON.parse(readFileSync(at('rb.convas.json'), 'utf8')));
    expect(project.weights).not.toBeNull();
    expect(Object.keys(project.layout).sort()).toEqual(project.graph.nodes.map((n) => n.id).sort());
    expectClose(await inferJson([at('rb.convas.json')]), torch.resblock.y, 1e-4, 'convas infer');
  }, 240_000);

  it('--weights-out writes the weights beside (binary), the project embeds none', async () => {
    const r = await runCli(['import', at('resblock.onnx'), '--out', at('rb2.convas.json'), '--weights-out', at('rb2.safetensors')], 120_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`and ${at('rb2.safetensors')}`);
    expect(parseProject(JSON.parse(readFileSync(at('rb2.convas.json'), 'utf8'))).weights).toBeNull();
    expectClose(await inferJson([at('rb2.convas.json'), '--weights', at('rb2.safetensors')]), torch.resblock.y, 1e-4, 'convas infer --weights');
  }, 240_000);

  it('refuses to replace an existing --out without --force', async () => {
    const r = await runCli(['import', at('resblock.onnx'), '--out', at('rb.convas.json')]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toContain('exists; pass --force');
  });

  it('an unmappable node is named with its op type and inputs; nothing is written', async () => {
    const r = await runCli(['import', at('unmappable.onnx'), '--out', at('u.convas.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unmappable.onnx: 1 ONNX node cannot be mapped onto Convas layers');
    expect(r.stderr).toMatch(/\/Selu \(Selu; inputs "\/Relu_output_0"\): ONNX Selu has no Convas layer/);
    expect(r.stderr).toContain('--partial');
    expect(existsSync(at('u.convas.json'))).toBe(false);
  });

  it('--partial imports the part before the unmappable node and says where it stopped', async () => {
    const r = await runCli(['import', at('unmappable.onnx'), '--out', at('u.convas.json'), '--partial']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^partial import: stopped at \/Selu \(Selu; inputs \/Relu_output_0\): ONNX Selu has no Convas layer; 2 later nodes not imported\n$/);
    expect(r.stdout).toMatch(/\/fc\/Gemm \(Gemm\)\s+→ \(not imported/);
    const project = parseProject(JSON.parse(readFileSync(at('u.convas.json'), 'utf8')));
    expect(project.graph.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['input:Input', 'conv:Conv2D', 'Relu:ReLU']);
    expect(project.description).toContain('partial: stopped at /Selu (Selu)');
  });

  it('a model with more than 4 M weights must write them beside (binary); embedding is refused before anything is written', async () => {
    // Gemm 2500 → 2000 (5,002,000 weights), raw float32 data
    const weight = new Float32Array(2000 * 2500).map((_, i) => ((i % 13) - 6) / 100);
    const info = (name: string, dims: (number | string)[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'big',
        node: [{ opType: 'Gemm', name: '/fc/Gemm', input: ['x', 'fc.weight', 'fc.bias'], output: ['y'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }],
        initializer: [
          { name: 'fc.weight', dims: [2000, 2500], dataType: 1, rawData: new Uint8Array(weight.buffer) },
          { name: 'fc.bias', dims: [2000], dataType: 1, floatData: new Array(2000).fill(0.5) },
        ],
        input: [info('x', ['N', 2500])],
        output: [info('y', ['N', 2000])],
      },
    }).finish();
    writeFileSync(at('big.onnx'), bytes);
    const refused = await runCli(['import', at('big.onnx'), '--out', at('big.convas.json')], 120_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`convas import: ${at('big.onnx')} has 5,002,000 weights, too many to embed in a project file; pass --weights-out <name>.safetensors (nothing written)\n`);
    expect(existsSync(at('big.convas.json'))).toBe(false);
    const r = await runCli(['import', at('big.onnx'), '--out', at('big.convas.json'), '--weights-out', at('big.safetensors')], 120_000);
    expect(r.code).toBe(0);
    const back = loadWeightsFile(at('big.safetensors'));
    expect(back.tensors['fc.weight'].data).toEqual(weight);
  }, 240_000);

  it('a file that is not ONNX is one line naming it', async () => {
    writeFileSync(at('bad.onnx'), 'not a model at all');
    const r = await runCli(['import', at('bad.onnx'), '--out', at('bad.convas.json')]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(/bad\.onnx: .*ONNX/);
  });
});
