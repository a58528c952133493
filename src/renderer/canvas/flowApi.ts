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

/** The smallest zoom the canvas allows: ResNet-50's ~170 blocks still fit a laptop screen. */
export const MIN_ZOOM = 0.02;

export function zoomToFit(): void {
  void instance?.fitView({ padding: 0.15, duration: 250, maxZoom: 1.25, minZoom: MIN_ZOOM });
}

/**
 * Show a freshly opened document whole, fitted to the canvas (VGG-16's 41 blocks included):
 * the shape of the network first; zoom in (or select blocks and press Shift+2) to read them.
 */
export function showDocument(duration = 250): void {
  if (!instance || instance.getNodes().length === 0) return;
  keepFitted = true;
  void instance.fitView({ padding: 0.08, duration, maxZoom: 1.25, minZoom: MIN_ZOOM });
}

/**
 * Blocks that grow after the document was shown (preview thumbnails arriving, measured taller
 * than the layout assumed) push others down, out of the fitted view: fit it again, unless the
 * user has since panned, zoomed or selected something (then the view is theirs).
 */
let keepFitted = false;
let refit: ReturnType<typeof setTimeout> | null = null;
export function stopKeepingFitted(): void {
  keepFitted = false;
}
export function refitIfStillFitted(): void {
  if (!keepFitted) return;
  if (refit) clearTimeout(refit);
  refit = setTimeout(() => {
    refit = null;
    if (keepFitted) showDocument(0); // at once: blocks are already jumping as they grow
  }, 30);
}

export function focusNode(id: string): void {
  const node = instance?.getNode(id);
  if (!instance || !node) return;
  keepFitted = false;
  const w = node.measured?.width ?? 224;
  const h = node.measured?.height ?? 112;
  void instance.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(instance.getZoom(), 0.9), duration: 250 });
}
