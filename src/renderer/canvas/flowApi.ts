/**
 * The React Flow instance, for commands issued outside the canvas (menus, toolbar, shortcuts):
 * zoom to fit, centre on a node, convert the cursor to canvas coordinates.
 */
import type { ReactFlowInstance, XYPosition } from '@xyflow/react';
import type { LayerEdge, LayerNode } from '../graph/types';

let instance: ReactFlowInstance<LayerNode, LayerEdge> | null = null;
let lastPointer: { x: number; y: number } | null = null;

export function setFlowInstance(rf: ReactFlowInstance<LayerNode, LayerEdge> | null): void {
  instance = rf;
}

export function flow(): ReactFlowInstance<LayerNode, LayerEdge> | null {
  return instance;
}

/** The last cursor position over the canvas (screen coordinates), for paste and quick-add. */
export function setLastPointer(p: { x: number; y: number } | null): void {
  lastPointer = p;
}

export function lastPointerScreen(): { x: number; y: number } | null {
  return lastPointer;
}

export function lastPointerFlow(): XYPosition | null {
  return instance && lastPointer ? instance.screenToFlowPosition(lastPointer) : null;
}

export function zoomToFit(): void {
  void instance?.fitView({ padding: 0.15, duration: 250, maxZoom: 1.25 });
}

/** Below this zoom node text is unreadable: a big network opens at its top instead of whole. */
const READABLE_ZOOM = 0.55;
const OPEN_ZOOM = 0.8;

/**
 * Show a freshly opened document: whole when it fits at a readable size, otherwise from its
 * first layers (the Input at the top), at a zoom where the node faces can be read.
 */
export function showDocument(): void {
  const rf = instance;
  const pane = document.querySelector('.canvas')?.getBoundingClientRect();
  if (!rf || !pane) return;
  const nodes = rf.getNodes();
  if (nodes.length === 0) return;
  const b = rf.getNodesBounds(nodes);
  const pad = 0.15;
  const fit = Math.min(pane.width / (b.width * (1 + pad)), pane.height / (b.height * (1 + pad)));
  if (fit >= READABLE_ZOOM) {
    zoomToFit();
    return;
  }
  const zoom = Math.min(OPEN_ZOOM, pane.width / (b.width * (1 + pad)));
  void rf.setViewport({ x: pane.width / 2 - (b.x + b.width / 2) * zoom, y: 40 - b.y * zoom, zoom }, { duration: 250 });
}

export function focusNode(id: string): void {
  const node = instance?.getNode(id);
  if (!instance || !node) return;
  const w = node.measured?.width ?? 224;
  const h = node.measured?.height ?? 112;
  void instance.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(instance.getZoom(), 0.9), duration: 250 });
}
