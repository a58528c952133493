/**
 * The one wire type: a curve from an output down into an input, ending in an arrowhead, with the
 * tensor shape it carries as a label when View → Wire Shapes is on. A wire that goes back up
 * (into a column to the right of a wrapped layout, or above) leaves downwards, runs up a free
 * lane beside the nodes (see backRoute.ts) and enters its target from above, never through a node.
 */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { formatShape } from '../graph/format';
import { useReport } from '../graph/useReport';
import { useUi } from '../store/ui';
import { backRoute, needsBackRoute } from './backRoute';

const ARROW = 8;

function Arrowhead({ x, y }: { x: number; y: number }) {
  return <path className="layer-edge-arrow" d={`M ${x - ARROW / 2} ${y - ARROW} L ${x + ARROW / 2} ${y - ARROW} L ${x} ${y} Z`} />;
}

function ShapeLabel({ source, x, y }: { source: string; x: number; y: number }) {
  const shape = useReport().byId.get(source)?.outputShape;
  if (!shape) return null;
  return (
    <EdgeLabelRenderer>
      <div className="layer-edge-label nodrag nopan" data-testid="wire-shape" style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}>
        {formatShape(shape)}
      </div>
    </EdgeLabelRenderer>
  );
}

function BackEdge(props: EdgeProps) {
  const { source, target, sourceX, sourceY, targetX, targetY } = props;
  // A number from the store: the edge re-renders only when its lane moves.
  const laneX = useStore((s: ReactFlowState) => backRoute(s.nodeLookup.values(), { source, target, sourceX, sourceY, targetX, targetY }));
  const showShape = useUi((s) => s.panels.wireShapes);
  const y1 = sourceY + 18;
  const y2 = targetY - 18;
  const path = `M ${sourceX} ${sourceY} V ${y1} H ${laneX} V ${y2} H ${targetX} V ${targetY - ARROW}`;
  return (
    <>
      <BaseEdge id={props.id} path={path} style={props.style} interactionWidth={props.interactionWidth} />
      <Arrowhead x={targetX} y={targetY} />
      {showShape && <ShapeLabel source={source} x={laneX} y={(y1 + y2) / 2} />}
    </>
  );
}

function ForwardEdge(props: EdgeProps) {
  const { source, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition } = props;
  const showShape = useUi((s) => s.panels.wireShapes);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY: targetY - ARROW, targetPosition });
  return (
    <>
      <BaseEdge id={props.id} path={path} style={props.style} interactionWidth={props.interactionWidth} />
      <Arrowhead x={targetX} y={targetY} />
      {showShape && <ShapeLabel source={source} x={labelX} y={labelY} />}
    </>
  );
}

function LayerEdgeInner(props: EdgeProps) {
  return needsBackRoute(props.sourceY, props.targetY) ? <BackEdge {...props} /> : <ForwardEdge {...props} />;
}

export const LayerEdgeView = memo(LayerEdgeInner);
