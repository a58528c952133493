/**
 * The canvas: React Flow over the editor store. Drag from the palette to add, drag between
 * ports to connect (refused while dragging when the engine says the shapes cannot work), box
 * select on empty canvas, pan with the middle/right button or Space, double-click for quick-add.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type DefaultEdgeOptions,
  type EdgeTypes,
  type FinalConnectionState,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import { useCallback, useEffect, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { getLayer } from '../../engine/layers/index';
import { categoryVar } from '../graph/categories';
import type { LayerEdge, LayerNode } from '../graph/types';
import { useEditor } from '../store/editor';
import { useUi } from '../store/ui';
import { ConnectionHint } from './ConnectionHint';
import { LAYER_MIME } from './dnd';
import { EmptyCanvas } from './EmptyCanvas';
import { MIN_ZOOM, refitIfStillFitted, setFlowInstance, setLastPointer, showDocument, stopKeepingFitted } from './flowApi';
import { LayerEdgeView } from './LayerEdge';
import { LayerNodeView } from './LayerNodeView';
import { PreviewBar } from './preview/PreviewBar';
import { PreviewEffects } from './preview/PreviewEffects';
import { reflowBelow } from './reflow';
import { explainRefusal, isReconnecting, isValidConnection, onReconnect, onReconnectEnd, onReconnectStart } from './wiring';

/** Module level: a nodeTypes object recreated per render makes React Flow remount every node. */
const nodeTypes: NodeTypes = { layer: LayerNodeView };
/** A graph this small is seen whole when fitted: a minimap would only cover some of its layers. */
const MINIMAP_MIN_LAYERS = 20;
const edgeTypes: EdgeTypes = { layer: LayerEdgeView };
/** Every wire is a LayerEdge (arrowhead, optional shape label, routed round nodes going back up). */
const defaultEdgeOptions: DefaultEdgeOptions = { type: 'layer' };

/**
 * React Flow's changes into the store; when nodes were measured at a new size (an error line
 * appeared, a preview thumbnail arrived), the nodes they now overlap below them move down.
 */
function onNodesChangeWithReflow(changes: NodeChange<LayerNode>[]): void {
  const editor = useEditor.getState();
  if (changes.some((c) => c.type === 'select' || (c.type === 'position' && c.dragging))) stopKeepingFitted();
  editor.onNodesChange(changes);
  const resized = changes.filter((c) => c.type === 'dimensions' && c.dimensions).map((c) => (c as { id: string }).id);
  if (resized.length === 0) return;
  const boxes = useEditor.getState().nodes.map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? 0, height: n.measured?.height ?? 0 }));
  const moved = reflowBelow(boxes, resized);
  const ids = Object.keys(moved);
  if (ids.length === 0) return;
  editor.onNodesChange(ids.map((id) => ({ type: 'position', id, position: moved[id] })));
  refitIfStillFitted();
}

function FlowBridge() {
  const rf = useReactFlow<LayerNode, LayerEdge>();
  const loadCount = useEditor((s) => s.loadCount);
  useEffect(() => {
    setFlowInstance(rf);
    return () => setFlowInstance(null);
  }, [rf]);
  // A newly opened document is shown whole once its nodes have been measured.
  useEffect(() => {
    if (loadCount === 0) return;
    const t = setTimeout(() => showDocument(), 60);
    return () => clearTimeout(t);
  }, [loadCount]);
  return null;
}

function miniMapColor(n: LayerNode): string {
  return categoryVar(getLayer(n.data.type)?.category ?? 'Other');
}

export function Canvas() {
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);
  const theme = useUi((s) => s.theme);
  const showMinimap = useUi((s) => s.panels.minimap);
  const rf = useReactFlow<LayerNode, LayerEdge>();

  const onConnect = useCallback((c: Connection) => useEditor.getState().connect(c), []);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // Moving an existing wire's end is handled by the reconnect handlers.
      if (isReconnecting()) return;
      if (state.isValid === false && state.toNode) {
        explainRefusal(state);
        return;
      }
      // A wire from an output dropped on empty canvas: offer the layers that could follow.
      if (!state.toNode && state.fromNode && state.fromHandle?.type === 'source') {
        const p = 'changedTouches' in event ? event.changedTouches[0] : event;
        const screen = { x: p.clientX, y: p.clientY };
        useUi.getState().openQuickAdd({ screen, flow: rf.screenToFlowPosition(screen), connectFrom: state.fromNode.id });
      }
    },
    [rf],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (!e.dataTransfer.types.includes(LAYER_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(LAYER_MIME);
      if (!type) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // The palette item is held near its left edge: put the node's header under the cursor.
      useEditor.getState().addLayer(type, { x: p.x - 40, y: p.y - 18 });
    },
    [rf],
  );

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const screen = { x: e.clientX, y: e.clientY };
      useUi.getState().openQuickAdd({ screen, flow: rf.screenToFlowPosition(screen) });
    },
    [rf],
  );

  return (
    <div
      className="canvas"
      onDoubleClick={onDoubleClick}
      onMouseMove={(e) => setLastPointer({ x: e.clientX, y: e.clientY })}
      onMouseLeave={() => setLastPointer(null)}
      data-testid="canvas"
    >
      <ReactFlow<LayerNode, LayerEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        defaultEdgeOptions={defaultEdgeOptions}
        onNodesChange={onNodesChangeWithReflow}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onReconnectStart={onReconnectStart}
        onReconnect={onReconnect}
        onReconnectEnd={onReconnectEnd}
        edgesReconnectable
        onNodeContextMenu={(e, node) => {
          e.preventDefault();
          if (!node.selected) useEditor.getState().selectOnly(node.id);
          useUi.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: 'node' });
        }}
        onPaneContextMenu={(e) => {
          e.preventDefault();
          useUi.getState().openContextMenu({ x: e.clientX, y: e.clientY, target: 'pane' });
        }}
        isValidConnection={isValidConnection}
        onNodeDragStart={() => useEditor.getState().beginDrag()}
        onNodeDragStop={() => useEditor.getState().endDrag()}
        onSelectionDragStart={() => useEditor.getState().beginDrag()}
        onSelectionDragStop={() => useEditor.getState().endDrag()}
        onMoveStart={(e) => {
          // a pan or zoom by the user (not a fitView): the view is theirs now
          if (e) stopKeepingFitted();
        }}
        onDragOver={onDragOver}
        onDrop={onDrop}
        colorMode={theme}
        deleteKeyCode={null}
        selectionKeyCode={null}
        multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
        selectionOnDrag
        panOnDrag={[1, 2]}
        panActivationKeyCode="Space"
        zoomOnDoubleClick={false}
        connectionRadius={28}
        minZoom={MIN_ZOOM}
        maxZoom={2.5}
        connectionLineStyle={{ strokeWidth: 2 }}
        proOptions={{ hideAttribution: true }}
        defaultViewport={{ x: 40, y: 30, zoom: 1 }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
        <Controls showInteractive={false} position="bottom-left" />
        {showMinimap && nodes.length > MINIMAP_MIN_LAYERS && <MiniMap<LayerNode> pannable zoomable nodeColor={miniMapColor} nodeBorderRadius={6} position="bottom-right" ariaLabel="Minimap" />}
        <ConnectionHint />
        <FlowBridge />
        {nodes.length > 0 && <PreviewBar />}
        <PreviewEffects />
      </ReactFlow>
      {nodes.length === 0 && <EmptyCanvas />}
    </div>
  );
}
