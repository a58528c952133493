/**
 * React access to the live shape report of the document being edited. The report is computed
 * once per graph (graph/report.ts); a component that shows one node reads `useNodeInfo(id)`,
 * which keeps that node's info object as long as what it says is unchanged — so one parameter
 * edit re-renders the nodes whose shapes, counts or errors it changed, not every node.
 */
import type { NodeShapeInfo, ShapeReport } from '../../engine/shapes/inferShapes';
import { reportFor } from '../graph/report';
import { toGraphMemo } from '../graph/toGraph';
import { useEditor, type EditorState } from './editor';

export const selectGraph = (s: EditorState) => toGraphMemo(s.nodes, s.edges);
export const selectReport = (s: EditorState): ShapeReport => reportFor(selectGraph(s));

/** The whole report: for views of the whole network (summary, status, training). */
export function useReport(): ShapeReport {
  return useEditor(selectReport);
}

export function currentReport(): ShapeReport {
  return selectReport(useEditor.getState());
}

const json = (v: unknown) => JSON.stringify(v);

/** Whether two infos of one node say the same (the spec is one object per layer type). */
export function sameInfo(a: NodeShapeInfo, b: NodeShapeInfo): boolean {
  return (
    a.type === b.type &&
    a.spec === b.spec &&
    a.paramCount === b.paramCount &&
    a.flops === b.flops &&
    a.blockedBy === b.blockedBy &&
    a.error?.message === b.error?.message &&
    a.error?.field === b.error?.field &&
    json(a.outputShape) === json(b.outputShape) &&
    json(a.inShapes) === json(b.inShapes) &&
    json(a.params) === json(b.params) &&
    json(a.paramShapes) === json(b.paramShapes) &&
    json(a.stateShapes) === json(b.stateShapes)
  );
}

/** The last info handed out per node id: a new report's equal info is swapped for it. */
const stable = new Map<string, NodeShapeInfo>();

export function selectNodeInfo(s: EditorState, id: string): NodeShapeInfo | undefined {
  const info = selectReport(s).byId.get(id);
  if (!info) {
    stable.delete(id);
    return undefined;
  }
  const prev = stable.get(id);
  if (prev && (prev === info || sameInfo(prev, info))) return prev;
  stable.set(id, info);
  return info;
}

/** One node's info, the same object while it says the same. */
export function useNodeInfo(id: string): NodeShapeInfo | undefined {
  return useEditor((s) => selectNodeInfo(s, id));
}
