/**
 * Wiring rules for the canvas, shared by React Flow's callbacks and the drag hint: every
 * judgement is the engine's (checkConnection → inferShapes). While a wire is moved by its end,
 * the graph is judged without that wire.
 */
import type { Connection, FinalConnectionState, IsValidConnection } from '@xyflow/react';
import type { Graph } from '../../engine/graph/types';
import { checkConnection } from '../graph/connection';
import { toGraph } from '../graph/toGraph';
import { portOf, type LayerEdge } from '../graph/types';
import { selectGraph } from '../store/report';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';

let reconnecting: string | null = null;
let reconnectDone = false;

export function isReconnecting(): boolean {
  return reconnecting !== null;
}

export function graphForCheck(): Graph {
  const s = useEditor.getState();
  if (!reconnecting) return selectGraph(s);
  return toGraph(s.nodes, s.edges.filter((e) => e.id !== reconnecting));
}

export const isValidConnection: IsValidConnection<LayerEdge> = (c) => {
  if (!c.source || !c.target || c.source === c.target) return false;
  return checkConnection(graphForCheck(), { from: c.source, to: c.target, port: portOf(c.targetHandle) }).ok;
};

/** A wire released over a port that refused it: say why, in a notice that stays a few seconds. */
export function explainRefusal(state: FinalConnectionState): void {
  if (!state.fromNode || !state.toNode) return;
  // Dragging from an input port runs backwards: the node under the cursor is the source.
  const edge =
    state.fromHandle?.type === 'source'
      ? { from: state.fromNode.id, to: state.toNode.id, port: portOf(state.toHandle?.id) }
      : { from: state.toNode.id, to: state.fromNode.id, port: portOf(state.fromHandle?.id) };
  const verdict = checkConnection(graphForCheck(), edge);
  if (!verdict.ok) useUi.getState().notify('error', `Connection refused — ${verdict.reason}`);
}

export function onReconnectStart(_e: unknown, edge: LayerEdge): void {
  reconnecting = edge.id;
}

export function onReconnect(old: LayerEdge, c: Connection): void {
  reconnectDone = true;
  useEditor.getState().reconnect(old.id, c);
}

export function onReconnectEnd(_e: unknown, edge: LayerEdge, _handle: unknown, state: FinalConnectionState): void {
  if (!reconnectDone) {
    // Dropped on a port that refuses it: the wire stays where it was, and the reason shows.
    if (state.toNode) explainRefusal(state);
    // Pulled off its port and dropped on empty canvas: deleted, as in node editors.
    else useEditor.getState().removeEdge(edge.id);
  }
  reconnectDone = false;
  // onConnectEnd fires for this drag too (in either order): let it see the reconnect first.
  setTimeout(() => {
    reconnecting = null;
  }, 0);
}
