/**
 * While a wire is being dragged: the tensor it carries follows the cursor, and over a port the
 * engine's verdict shows — the shape that would arrive, or why the connection is refused.
 */
import { useConnection, useStore } from '@xyflow/react';
import { useMemo } from 'react';
import { formatShape } from '../graph/format';
import { portOf } from '../graph/types';
import { checkConnection } from '../graph/connection';
import { selectGraph, useReport } from '../store/report';
import { useEditor } from '../store/editor';
import { graphForCheck } from './wiring';

export function ConnectionHint() {
  const c = useConnection();
  // Re-judged whenever the document changes.
  const graph = useEditor(selectGraph);
  const report = useReport();
  const domNode = useStore((s) => s.domNode);
  const from = c.inProgress ? c.fromNode.id : null;
  const fromType = c.inProgress ? c.fromHandle.type : null;
  const to = c.inProgress ? (c.toNode?.id ?? null) : null;
  const toHandle = c.inProgress ? (c.toHandle?.id ?? null) : null;
  const fromHandle = c.inProgress ? c.fromHandle.id : null;

  const verdict = useMemo(() => {
    if (!from || !to || from === to) return null;
    // Dragging backwards from an input port: the node under the cursor is the source.
    const edge = fromType === 'source' ? { from, to, port: portOf(toHandle) } : { from: to, to: from, port: portOf(fromHandle) };
    return checkConnection(graphForCheck(), edge);
  }, [from, to, toHandle, fromHandle, fromType, graph]);

  if (!c.inProgress || !domNode) return null;
  const bounds = domNode.getBoundingClientRect();
  const carried = fromType === 'source' && from ? report.byId.get(from)?.outputShape : null;
  const x = c.pointer.x;
  const y = c.pointer.y;
  // `pointer` is relative to the canvas; keep the hint inside it.
  const left = Math.min(x + 16, bounds.width - 300);
  const top = Math.min(y + 18, bounds.height - 60);

  let content: React.ReactNode;
  let kind: string;
  if (verdict && !verdict.ok) {
    kind = 'refused';
    content = (
      <>
        <strong>Cannot connect</strong>
        <span>{verdict.reason}</span>
      </>
    );
  } else if (verdict?.ok) {
    kind = 'ok';
    content = <span>{carried ? `${formatShape(carried)} → ${to}` : `connect to ${to}`}</span>;
  } else {
    if (!carried) return null;
    kind = 'carry';
    content = <span className="mono">{formatShape(carried)}</span>;
  }
  return (
    <div className={`connection-hint is-${kind}`} style={{ left, top }} data-testid="connection-hint" role="status">
      {content}
    </div>
  );
}
