/**
 * Project text ⇄ editor document through the engine's loader and writer: a round trip keeps
 * graph, layout and training settings; problems name the file and the field.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentFromText, documentToText } from '../../src/renderer/project/convert';
import { summaryCsv } from '../../src/renderer/project/summaryCsv';
import { reportFor } from '../../src/renderer/graph/report';
import { toGraph } from '../../src/renderer/graph/toGraph';

const where = { name: 'net', path: '/tmp/net.convas.json' };

const text = JSON.stringify({
  format: 'convas-project',
  version: 1,
  name: 'Tiny',
  description: 'one conv',
  graph: {
    nodes: [
      { id: 'input', type: 'Input', params: { shape: [1, 8, 8] } },
      { id: 'conv', type: 'Conv2D', params: { filters: 2, kernelSize: [3, 3] } },
    ],
    edges: [{ from: 'input', to: 'conv' }],
  },
  layout: { input: { x: 10, y: 20 }, conv: { x: 10, y: 160 } },
  training: { epochs: 3, batchSize: 16 },
});

describe('documentFromText / documentToText', () => {
  it('round-trips graph, layout and training settings', () => {
    const doc = documentFromText(text, 'net.convas.json', where);
    expect(doc.needsLayout).toBe(false);
    expect(doc.meta).toMatchObject({ name: 'net', title: 'Tiny', description: 'one conv', path: where.path });
    expect(doc.nodes.map((n) => [n.id, n.position])).toEqual([
      ['input', { x: 10, y: 20 }],
      ['conv', { x: 10, y: 160 }],
    ]);
    const out = JSON.parse(documentToText(doc.nodes, doc.edges, doc.meta));
    expect(out.format).toBe('convas-project');
    expect(out.name).toBe('Tiny');
    expect(out.graph.edges).toEqual([{ from: 'input', to: 'conv', port: 0 }]);
    expect(out.layout).toEqual({ input: { x: 10, y: 20 }, conv: { x: 10, y: 160 } });
    expect(out.training).toMatchObject({ epochs: 3, batchSize: 16 });
    const again = documentFromText(JSON.stringify(out), 'again', where);
    expect(toGraph(again.nodes, again.edges)).toEqual(toGraph(doc.nodes, doc.edges));
  });

  it('asks for a layout when the file has no positions', () => {
    const raw = JSON.parse(text);
    delete raw.layout;
    expect(documentFromText(JSON.stringify(raw), 'x', where).needsLayout).toBe(true);
  });

  it('names the file and the field when a file does not load', () => {
    expect(() => documentFromText('{ nope', 'broken.convas.json', where)).toThrow(/^broken\.convas\.json is not valid JSON/);
    const raw = JSON.parse(text);
    raw.training.epochs = 0;
    expect(() => documentFromText(JSON.stringify(raw), 'bad.convas.json', where)).toThrow(/^bad\.convas\.json: training\.epochs/);
    expect(() => documentFromText(JSON.stringify({ format: 'convas-weights', version: 1 }), 'w.json', where)).toThrow(/^w\.json: .*weights/);
  });

  it('opens every shipped preset', () => {
    const dir = resolve(import.meta.dirname, '../../resources/presets');
    const lenet = readFileSync(resolve(dir, 'lenet5.convas.json'), 'utf8');
    const doc = documentFromText(lenet, 'lenet5.convas.json', { name: 'lenet5', path: null });
    expect(reportFor(toGraph(doc.nodes, doc.edges)).ok).toBe(true);
  });
});

describe('summaryCsv', () => {
  it('lists each layer with shapes, its parameter split and a total', () => {
    const doc = documentFromText(text, 'net', where);
    const csv = summaryCsv(reportFor(toGraph(doc.nodes, doc.edges)));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('layer,type,parameters,input,output,param_count,param_breakdown,flops,error');
    expect(lines[2]).toMatch(/^conv,Conv2D,.*,1×8×8,2×6×6,20,18 \+ 2,/);
    expect(lines.at(-1)).toMatch(/^total,,,,,20,/);
  });
});
