/** The drag-and-drop payload type for a layer dragged from the palette onto the canvas. */
export const LAYER_MIME = 'application/x-convas-layer';
