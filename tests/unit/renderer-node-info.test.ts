/**
 * useNodeInfo's selector: one parameter edit hands out a new info object only for the nodes
 * whose shapes, counts or errors it changed, so only those nodes re-render.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyMeta, useEditor } from '../../src/renderer/store/editor';
import { selectNodeInfo } from '../../src/renderer/store/report';

const s = () => useEditor.getState();
const info = (id: string) => selectNodeInfo(s(), id);

beforeEach(() => s().load({ nodes: [], edges: [], meta: emptyMeta() }));

describe('per-node shape info', () => {
  it('keeps the info of every node an edit does not change', () => {
    const input = s().addLayer('Input', { x: 0, y: 0 })!;
    const conv = s().addLayer('Conv2D', { x: 0, y: 150 })!;
    const relu = s().addLayer('ReLU', { x: 0, y: 300 })!;
    const other = s().addLayer('Input', { x: 300, y: 0 })!;
    s().connect({ source: input, target: conv, sourceHandle: 'out', targetHandle: 'in-0' });
    s().connect({ source: conv, target: relu, sourceHandle: 'out', targetHandle: 'in-0' });
    const before = Object.fromEntries([input, conv, relu, other].map((id) => [id, info(id)!]));
    expect(before[relu].outputShape).not.toBeNull();

    // the bias only changes the conv's own parameter count
    s().setParam(conv, 'useBias', false);
    expect(info(conv)).not.toBe(before[conv]);
    expect(info(conv)!.paramCount).toBeLessThan(before[conv].paramCount);
    for (const id of [input, relu, other]) expect(info(id)).toBe(before[id]);

    // more filters change the conv and what flows into the ReLU, nothing upstream or beside
    const mid = info(relu)!;
    s().setParam(conv, 'filters', (before[conv].params!.filters as number) + 3);
    expect(info(relu)).not.toBe(mid);
    expect(info(relu)!.outputShape![0]).toBe((before[conv].params!.filters as number) + 3);
    for (const id of [input, other]) expect(info(id)).toBe(before[id]);
    expect(info('nope')).toBeUndefined();
  });
});
