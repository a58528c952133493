/**
 * Every problem with a graph is a GraphError: it names the node (when there is one) and the
 * field, so the canvas can mark the right block and the CLI can print a useful line.
 */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly node: string | null = null,
    readonly field: string | null = null,
  ) {
    super(node ? `${node}: ${message}` : message);
    this.name = 'GraphError';
  }
  /** The message without the node prefix, for places that already show the node. */
  get detail(): string {
    return this.node && this.message.startsWith(`${this.node}: `) ? this.message.slice(this.node.length + 2) : this.message;
  }
}

/** Thrown by a layer's shape rule; the node id is attached by the caller. */
export class ShapeError extends Error {
  constructor(message: string, readonly field: string | null = null) {
    super(message);
    this.name = 'ShapeError';
  }
}
