/** Insert a block preset after the one selected layer, as one undoable edit, and say what happened. */
import { currentReport } from '../store/report';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import type { LayerEdge, LayerNode } from '../graph/types';
import { presets } from '../presets/presets';
import { insertBlock, type BlockPreset } from './blocks';

export function insertBlockAfterSelection(b: BlockPreset): string[] {
  const s = useEditor.getState();
  const picked = s.nodes.filter((n) => n.selected);
  if (picked.length !== 1) {
    useUi.getState().notify('error', `Select one layer to insert the ${b.label} after.`);
    return [];
  }
  const after = picked[0].id;
  const shape = currentReport().byId.get(after)?.outputShape ?? null;
  const result = insertBlock(s, blockDocument(b), { after, prefix: b.prefix, channels: shape && shape.length === 3 ? shape[0] : null, fit: b.fit });
  useEditor.getState().replaceGraph(result.nodes, result.edges);
  useUi.getState().notify('info', `Inserted the ${b.label} after ${after} (${result.added.length} layers).`);
  return result.added;
}

/** A block preset's document (bundled with the presets). */
export function blockDocument(b: BlockPreset): { nodes: LayerNode[]; edges: LayerEdge[] } {
  const p = presets().find((x) => x.file === b.file);
  if (!p?.doc) throw new Error(`the block preset ${b.file} is missing or does not load${p?.error ? `: ${p.error}` : ''}`);
  return p.doc;
}
