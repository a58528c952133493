/**
 * An ONNX model that cannot be imported. A FormatError (the CLI and the app print one line),
 * naming the ONNX field or node at fault; `problems` lists every unmappable node when there are
 * several.
 */
import { FormatError } from '../errors';

export class OnnxImportError extends FormatError {
  constructor(message: string, field: string | null = null, node: string | null = null, problems: readonly string[] = [message]) {
    super(message, field, node, problems);
    this.name = 'OnnxImportError';
  }
}

/** A node no mapping fits: the import reports it (name, op type, inputs) and stops, or with partial keeps what came before. */
export class Unmappable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Unmappable';
  }
}
