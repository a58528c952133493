/**
 * The app's ONNX import job (what its web worker runs, src/engine/io/import/import-job.ts) on a
 * real PyTorch export (and weights-json.ts, what the page makes of its tensors): the project text carries the graph laid out and no weights, the tensors
 * are the importer's own float32 values and survive a structured clone with their buffers
 * transferred (as postMessage sends them), and the weights JSON built from them is exact. A
 * refused model comes back as the importer's error name and message, unmappable node listed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../src/engine/io/export/onnx-graph';
import { onnx } from '../../src/engine/io/export/onnx-proto';
import { resultTransfers, runImportJob, type ImportJobResult } from '../../src/engine/io/import/import-job';
import { importOnnx } from '../../src/engine/io/import/onnx-import';
import { tensorsToWeightsJson } from '../../src/engine/io/import/weights-json';
import { parseProject } from '../../src/engine/io/project';
import { ROOT } from '../integration/cli-run';

const MODEL = readFileSync(join(ROOT, 'resources/samples/mnist-cnn-pytorch.onnx'));

/** x [N, 4] → Selu → y: an op Convas has no layer for. */
function seluModel(): Uint8Array {
  const g = new OnnxGraph();
  g.fresh('x');
  const out = g.op('Selu', ['x'], 'act', {});
  const info = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } } });
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { name: 't', node: g.nodes, input: [info('x')], output: [info(out)] } }).finish();
}

describe('ONNX import job', () => {
  it('returns the project text (laid out, no weights), a summary and the importer\'s tensors, which cross a transfer intact', async () => {
    const result = await runImportJob({ bytes: new Uint8Array(MODEL), fileName: 'mnist-cnn-pytorch.onnx' });
    if (!result.ok) throw new Error(result.error.message);
    const project = parseProject(JSON.parse(result.projectText));
    expect(project.name).toBe('mnist-cnn-pytorch');
    expect(project.description).toMatch(/^Imported from mnist-cnn-pytorch\.onnx \(ONNX opset \d+/);
    expect(project.weights).toBeNull();
    expect(Object.keys(project.layout).sort()).toEqual(project.graph.nodes.map((n) => n.id).sort());
    expect(result.summary).toMatch(/^12 nodes \(1 Input, .*Conv2D.*\), ONNX opset \d+$/);

    const direct = importOnnx(MODEL).weights;
    const buffers = resultTransfers(result);
    expect(new Set(buffers).size).toBe(buffers.length);
    const moved = structuredClone(result, { transfer: buffers }) as ImportJobResult & { ok: true };
    expect(buffers.every((b) => b.byteLength === 0)).toBe(true); // transferred, not copied
    expect(moved.tensors.map((t) => t.key).sort()).toEqual(Object.keys(direct).sort());
    for (const t of moved.tensors) expect([...t.data], t.key).toEqual([...direct[t.key]]);

    // a pause after every 1,000 values copied, across tensor boundaries
    let pauses = 0;
    const json = await tensorsToWeightsJson(moved.tensors, { pause: async () => void pauses++, slice: 1000 });
    const values = moved.tensors.reduce((a, t) => a + t.data.length, 0);
    expect(values).toBeGreaterThan(6042); // the parameters and the BatchNorm statistics
    expect(pauses).toBe(Math.floor(values / 1000));
    expect(Object.keys(json.tensors)).toEqual(moved.tensors.map((t) => t.key));
    for (const t of moved.tensors) {
      expect(json.tensors[t.key].shape).toEqual(t.shape);
      expect(json.tensors[t.key].data).toEqual([...t.data]);
    }
  });

  it('a refused model comes back as the importer\'s error name and message, the unmappable node listed', async () => {
    const bytes = seluModel();
    const thrown = (() => {
      try {
        importOnnx(bytes);
      } catch (e) {
        return e as Error;
      }
      throw new Error('imported');
    })();
    const result = await runImportJob({ bytes, fileName: 'selu.onnx' });
    expect(result).toEqual({ ok: false, error: { name: 'OnnxImportError', message: thrown.message } });
    expect(thrown.message).toMatch(/act \(Selu; inputs "x"\): ONNX Selu has no Convas layer/);
    expect(resultTransfers(result)).toEqual([]);

    const broken = await runImportJob({ bytes: new Uint8Array([1, 2, 3, 4]), fileName: 'broken.onnx' });
    expect(broken.ok).toBe(false);
  });
});
