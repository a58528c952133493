/** React access to the live shape report of the document being edited. */
import type { ShapeReport } from '../../engine/shapes/inferShapes';
import { useEditor, type EditorState } from '../store/editor';
import { reportFor } from './report';
import { toGraphMemo } from './toGraph';

export const selectGraph = (s: EditorState) => toGraphMemo(s.nodes, s.edges);
export const selectReport = (s: EditorState): ShapeReport => reportFor(selectGraph(s));

export function useReport(): ShapeReport {
  return useEditor(selectReport);
}

export function currentReport(): ShapeReport {
  return selectReport(useEditor.getState());
}
