/** Inserting block presets into a network: ids made unique, wired after the chosen layer, residual blocks fitted to the channels arriving. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/engine/shapes/inferShapes';
import { BLOCKS, insertBlock } from '../../src/renderer/canvas/blocks';
import { toGraph } from '../../src/renderer/graph/toGraph';
import { documentFromText } from '../../src/renderer/project/convert';
import { makeEdge, makeLayerNode } from '../../src/renderer/store/editor';

function block(file: string) {
  const text = readFileSync(resolve(import.meta.dirname, '../../resources/presets', file), 'utf8');
  return documentFromText(text, file, { name: file, path: null });
}

function smallNet() {
  const nodes = [
    makeLayerNode('input', 'Input', { shape: [1, 16, 16] }, { x: 0, y: 0 }),
    makeLayerNode('conv', 'Conv2D', { filters: 8, kernelSize: [3, 3], stride: [1, 1], padding: 'same', useBias: true }, { x: 0, y: 100 }),
    makeLayerNode('relu', 'ReLU', {}, { x: 0, y: 200 }),
    makeLayerNode('flatten', 'Flatten', {}, { x: 0, y: 300 }),
    makeLayerNode('fc', 'Dense', { units: 4, useBias: true }, { x: 0, y: 400 }),
    makeLayerNode('softmax', 'Softmax', {}, { x: 0, y: 500 }),
  ];
  const ids = nodes.map((n) => n.id);
  const edges = ids.slice(1).map((id, i) => makeEdge(ids[i], id, 0));
  return { nodes, edges };
}

describe('insertBlock', () => {
  it('wires a ResNet basic block after the chosen layer, fitted to its 8 channels, with fresh ids', () => {
    const net = smallNet();
    const b = BLOCKS.find((x) => x.file === 'resnet-basic-block.convas.json')!;
    const r = insertBlock(net, block(b.file), { after: 'relu', prefix: b.prefix, channels: 8, fit: b.fit });
    expect(r.added).toEqual(['res1_conv1', 'res1_bn1', 'res1_relu1', 'res1_conv2', 'res1_bn2', 'res1_add', 'res1_relu2']);
    const graph = toGraph(r.nodes, r.edges);
    const report = inferShapes(graph);
    expect(report.errors).toEqual([]);
    expect(report.byId.get('res1_relu2')!.outputShape).toEqual([8, 16, 16]);
    // relu feeds the block's first conv and its shortcut; the block's end feeds flatten
    const into = (id: string) => graph.edges.filter((e) => e.to === id).map((e) => `${e.from}:${e.port}`).sort();
    expect(into('res1_conv1')).toEqual(['relu:0']);
    expect(into('res1_add')).toEqual(['relu:1', 'res1_bn2:0']);
    expect(into('flatten')).toEqual(['res1_relu2:0']);
    expect(graph.edges.filter((e) => e.from === 'relu').map((e) => e.to).sort()).toEqual(['res1_add', 'res1_conv1']);
    // downstream layers moved down below the block
    expect(r.nodes.find((n) => n.id === 'flatten')!.position.y).toBeGreaterThan(Math.max(...r.nodes.filter((n) => n.id.startsWith('res1_')).map((n) => n.position.y)));

    // a second one gets the next prefix
    const again = insertBlock({ nodes: r.nodes, edges: r.edges }, block(b.file), { after: 'res1_relu2', prefix: b.prefix, channels: 8, fit: b.fit });
    expect(again.added[0]).toBe('res2_conv1');
    expect(inferShapes(toGraph(again.nodes, again.edges)).errors).toEqual([]);
  });

  it('inserts every block preset into a 3-channel 32×32 network without shape errors', () => {
    for (const b of BLOCKS) {
      const net = smallNet();
      net.nodes[0] = makeLayerNode('input', 'Input', { shape: [3, 32, 32] }, { x: 0, y: 0 });
      const r = insertBlock(net, block(b.file), { after: 'relu', prefix: b.prefix, channels: 8, fit: b.fit });
      const report = inferShapes(toGraph(r.nodes, r.edges));
      expect(report.errors, b.label).toEqual([]);
      expect(new Set(r.nodes.map((n) => n.id)).size).toBe(r.nodes.length);
    }
  });

  it('names the layer that is missing', () => {
    const b = BLOCKS[0];
    expect(() => insertBlock(smallNet(), block(b.file), { after: 'nope', prefix: 'res', channels: 8 })).toThrow('no layer "nope" to insert after');
  });
});
