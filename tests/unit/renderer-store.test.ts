/**
 * The editor store: every edit is one undo step (typing into one field merges), drags record
 * once, deletes take their wires, renames follow through the wires, copy/paste keeps inner
 * wires with fresh ids, and the unsaved marker follows undo back to the saved state.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { toGraph } from '../../src/renderer/graph/toGraph';
import { copySelection, paste } from '../../src/renderer/store/clipboard';
import { emptyMeta, selectDirty, useEditor } from '../../src/renderer/store/editor';
import { freshId } from '../../src/renderer/store/ids';

const s = () => useEditor.getState();

beforeEach(() => {
  s().load({ nodes: [], edges: [], meta: emptyMeta() });
  vi.useRealTimers();
});

function chain() {
  const input = s().addLayer('Input', { x: 0, y: 0 })!;
  const conv = s().addLayer('Conv2D', { x: 0, y: 150 })!;
  const relu = s().addLayer('ReLU', { x: 0, y: 300 })!;
  s().connect({ source: input, target: conv, sourceHandle: 'out', targetHandle: 'in-0' });
  s().connect({ source: conv, target: relu, sourceHandle: 'out', targetHandle: 'in-0' });
  return { input, conv, relu };
}

describe('editor store', () => {
  it('adds layers with fresh ids, the spec’s defaults and suggested values for required parameters, selected', () => {
    const { input, conv } = chain();
    expect([input, conv]).toEqual(['input_1', 'conv2d_1']);
    const node = s().nodes.find((n) => n.id === conv)!;
    expect(node.data.params).toMatchObject({ stride: [1, 1], padding: 'valid', useBias: true });
    expect(node.data.params).toMatchObject({ filters: 8, kernelSize: [3, 3] });
    expect(s().addLayer('NoSuchLayer', { x: 0, y: 0 })).toBeNull();
  });

  it('undoes and redoes each edit, and the unsaved marker follows', () => {
    const { conv } = chain();
    s().markSaved({ name: 'net', path: null });
    expect(selectDirty(s())).toBe(false);
    s().setParam(conv, 'filters', 16);
    expect(selectDirty(s())).toBe(true);
    s().undo();
    expect(selectDirty(s())).toBe(false);
    expect(s().nodes.find((n) => n.id === conv)!.data.params.filters).toBe(8);
    s().redo();
    expect(s().nodes.find((n) => n.id === conv)!.data.params.filters).toBe(16);
    s().undo();
    s().undo(); // the second connect
    expect(s().edges).toHaveLength(1);
  });

  it('merges rapid edits of one field into one step, but not edits of different fields', () => {
    const { conv } = chain();
    const steps = s().past.length;
    s().setParam(conv, 'filters', 1);
    s().setParam(conv, 'filters', 12);
    s().setParam(conv, 'filters', 128);
    expect(s().past.length).toBe(steps + 1);
    s().setParam(conv, 'kernelSize', [5, 5]);
    expect(s().past.length).toBe(steps + 2);
    s().undo();
    s().undo();
    expect(s().nodes.find((n) => n.id === conv)!.data.params.filters).toBe(8);
  });

  it('a selection change ends a run of typing: the next edit of the same field is its own step', () => {
    const { conv, relu } = chain();
    const steps = s().past.length;
    s().setParam(conv, 'filters', 12);
    s().selectOnly(relu);
    s().selectOnly(conv);
    s().setParam(conv, 'filters', 16);
    expect(s().past.length).toBe(steps + 2);
    s().undo();
    expect(s().nodes.find((n) => n.id === conv)!.data.params.filters).toBe(12);
  });

  it('one wire per input port: a new one replaces the old', () => {
    const { input, conv, relu } = chain();
    s().connect({ source: input, target: relu, sourceHandle: 'out', targetHandle: 'in-0' });
    expect(toGraph(s().nodes, s().edges).edges.filter((e) => e.to === relu)).toEqual([{ from: input, to: relu, port: 0 }]);
    expect(conv).toBe('conv2d_1');
  });

  it('records a drag once, when it ends, and only if something moved', () => {
    const { conv } = chain();
    const steps = s().past.length;
    s().beginDrag();
    s().onNodesChange([{ type: 'position', id: conv, position: { x: 10, y: 150 }, dragging: true }]);
    s().onNodesChange([{ type: 'position', id: conv, position: { x: 90, y: 170 }, dragging: true }]);
    s().endDrag();
    expect(s().past.length).toBe(steps + 1);
    s().beginDrag();
    s().endDrag();
    expect(s().past.length).toBe(steps + 1);
    s().undo();
    expect(s().nodes.find((n) => n.id === conv)!.position).toEqual({ x: 0, y: 150 });
  });

  it('deletes the selection with every wire touching it', () => {
    const { conv } = chain();
    s().selectOnly(conv);
    s().deleteSelection();
    expect(s().nodes.map((n) => n.id)).toEqual(['input_1', 'relu_1']);
    expect(s().edges).toEqual([]);
    s().undo();
    expect(s().edges).toHaveLength(2);
  });

  it('renames through the wires', () => {
    const { conv } = chain();
    s().renameNode(conv, 'features');
    const g = toGraph(s().nodes, s().edges);
    expect(g.edges).toEqual([
      { from: 'input_1', to: 'features', port: 0 },
      { from: 'features', to: 'relu_1', port: 0 },
    ]);
  });

  it('pastes copies with fresh ids and only the wires inside the selection', () => {
    const { input, conv, relu } = chain();
    s().clearSelection();
    s().onNodesChange([
      { type: 'select', id: conv, selected: true },
      { type: 'select', id: relu, selected: true },
    ]);
    expect(copySelection()).toBe(2);
    expect(paste({ x: 500, y: 0 })).toBe(2);
    const g = toGraph(s().nodes, s().edges);
    expect(g.nodes.map((n) => n.id)).toEqual([input, conv, relu, 'conv2d_2', 'relu_2']);
    expect(g.edges).toContainEqual({ from: 'conv2d_2', to: 'relu_2', port: 0 });
    expect(g.edges.filter((e) => e.to === 'conv2d_2')).toEqual([]);
    expect(s().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['conv2d_2', 'relu_2']);
    expect(s().nodes.find((n) => n.id === 'conv2d_2')!.position).toEqual({ x: 500, y: 0 });
  });

  it('selection and measurement are not edits', () => {
    const { conv } = chain();
    const steps = s().past.length;
    const rev = s().rev;
    s().selectOnly(conv);
    s().onNodesChange([{ type: 'dimensions', id: conv, dimensions: { width: 224, height: 110 } }]);
    expect(s().past.length).toBe(steps);
    expect(s().rev).toBe(rev);
  });
});

describe('freshId', () => {
  it('picks the first free number after the lower-cased type', () => {
    expect(freshId('MaxPool2D', new Set(['maxpool2d_1', 'maxpool2d_3']))).toBe('maxpool2d_2');
    expect(freshId('Input', new Set())).toBe('input_1');
  });
});
