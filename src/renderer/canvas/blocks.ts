/**
 * Block presets inserted into the network being edited (how "ResNet blocks" are used when
 * designing): the block's own Input is dropped, what it fed is fed by the selected node, the
 * block's last layer feeds what the selected node fed, and every id gets a prefix that makes it
 * unique (`res1_conv1`). Residual blocks are fitted to the channels arriving, so their Add
 * works: a basic block keeps them (every conv gets C filters), a bottleneck narrows to C/4 and
 * widens back to C.
 */
import type { XYPosition } from '@xyflow/react';
import { portOf, type LayerEdge, type LayerNode } from '../graph/types';
import { makeEdge, makeLayerNode } from '../store/editor';

export interface BlockPreset {
  file: string;
  label: string;
  prefix: string;
  /** New `filters` by the block's node id, for `c` channels arriving. */
  fit?: (c: number) => Record<string, number>;
}

export const BLOCKS: readonly BlockPreset[] = [
  { file: 'resnet-basic-block.convas.json', label: 'ResNet basic block', prefix: 'res', fit: (c) => ({ conv1: c, conv2: c }) },
  {
    file: 'resnet-bottleneck-block.convas.json',
    label: 'ResNet bottleneck block',
    prefix: 'bottleneck',
    fit: (c) => ({ conv1: Math.max(1, Math.round(c / 4)), conv2: Math.max(1, Math.round(c / 4)), conv3: c }),
  },
  { file: 'inception-3a.convas.json', label: 'Inception module', prefix: 'inception' },
  { file: 'vgg-block.convas.json', label: 'VGG block', prefix: 'vgg' },
  { file: 'densenet-block.convas.json', label: 'Dense block with transition', prefix: 'dense' },
];

export interface Insertion {
  nodes: LayerNode[];
  edges: LayerEdge[];
  /** The ids the block's nodes got. */
  added: string[];
}

/**
 * The graph with `block` inserted after node `after`, whose output has `channels` channels
 * (null: unknown; no fitting). Pure: the caller commits it as one undoable edit.
 */
export function insertBlock(
  graph: { nodes: readonly LayerNode[]; edges: readonly LayerEdge[] },
  block: { nodes: readonly LayerNode[]; edges: readonly LayerEdge[] },
  o: { after: string; prefix: string; channels: number | null; fit?: BlockPreset['fit'] },
): Insertion {
  const anchor = graph.nodes.find((n) => n.id === o.after);
  if (!anchor) throw new Error(`no layer "${o.after}" to insert after`);
  const entry = block.nodes.find((n) => n.data.type === 'Input');
  if (!entry) throw new Error('the block has no Input: nothing says where it starts');
  const inner = block.nodes.filter((n) => n !== entry);
  const sources = new Set(block.edges.map((e) => e.source));
  const exits = inner.filter((n) => !sources.has(n.id));
  if (exits.length !== 1) throw new Error(`the block must end in one layer, it ends in ${exits.length} (${exits.map((n) => n.id).join(', ')})`);

  const taken = new Set(graph.nodes.map((n) => n.id));
  let k = 1;
  while (inner.some((n) => taken.has(`${o.prefix}${k}_${n.id}`))) k++;
  const rename = (id: string) => (id === entry.id ? o.after : `${o.prefix}${k}_${id}`);
  const fitted = o.fit && o.channels !== null ? o.fit(o.channels) : {};

  // placed below the anchor as the block was drawn; everything downstream moves down to make room
  const top = entry.position.y;
  const height = Math.max(...inner.map((n) => n.position.y)) - top + 120;
  const dx = anchor.position.x - entry.position.x;
  const at = (p: XYPosition): XYPosition => ({ x: p.x + dx, y: anchor.position.y + (p.y - top) });
  const downstream = descendants(graph.edges, o.after);

  const exit = rename(exits[0].id);
  const outgoing = graph.edges.filter((e) => e.source === o.after);
  const nodes = [
    ...graph.nodes.map((n) => {
      const moved = downstream.has(n.id) ? { ...n, position: { x: n.position.x, y: n.position.y + height } } : n;
      return moved.selected ? { ...moved, selected: false } : moved;
    }),
    ...inner.map((n) => {
      const params = n.id in fitted ? { ...n.data.params, filters: fitted[n.id] } : n.data.params;
      return makeLayerNode(rename(n.id), n.data.type, params, at(n.position), n.id === exits[0].id);
    }),
  ];
  const edges = [
    ...graph.edges.filter((e) => e.source !== o.after),
    ...block.edges.map((e) => makeEdge(rename(e.source), rename(e.target), portOf(e.targetHandle))),
    ...outgoing.map((e) => makeEdge(exit, e.target, portOf(e.targetHandle))),
  ];
  return { nodes, edges, added: inner.map((n) => rename(n.id)) };
}

function descendants(edges: readonly LayerEdge[], from: string): Set<string> {
  const out = new Set<string>();
  const todo = [from];
  while (todo.length) {
    const id = todo.pop()!;
    for (const e of edges) {
      if (e.source !== id || out.has(e.target)) continue;
      out.add(e.target);
      todo.push(e.target);
    }
  }
  return out;
}
