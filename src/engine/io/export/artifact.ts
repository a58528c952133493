/**
 * What an export produces, before it touches a disk: one file (ONNX, Keras) or a folder of
 * files (PyTorch, TF.js), each as a sequence of byte chunks so large weights stream through.
 */
export interface ArtifactFile {
  /** Relative to the folder (or the file's own name, for a single-file export). */
  name: string;
  chunks(): Iterable<Uint8Array>;
  /**
   * Bytes made as they are written (a dataset, a file built on disk first): the file writer takes
   * these instead of chunks(). `scratch` is a path prefix beside the output (same folder, hidden
   * name) where the stream may keep temporary files — it removes them itself; the writer removes
   * those of a killed run (`<scratch>-<pid>…`).
   */
  stream?(scratch: string): AsyncIterable<Uint8Array>;
}

export interface Artifact {
  kind: 'file' | 'folder';
  files: ArtifactFile[];
}

const encoder = new TextEncoder();

export function textFile(name: string, text: string): ArtifactFile {
  return { name, chunks: () => [encoder.encode(text)] };
}

/** A float32 tensor's bytes, little-endian, without a copy. */
export function floatBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
