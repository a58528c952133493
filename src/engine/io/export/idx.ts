/**
 * IDX files (the MNIST format) for data that train.py reads: float32 tensors (type 0x0D) for
 * images and regression targets, unsigned bytes (0x08) for class labels. Big-endian, as the
 * format says. Used to write Convas's built-in datasets out beside an exported train.py.
 */
export function idxFile(shape: readonly number[], data: Float32Array | Uint8Array): Uint8Array[] {
  return [idxHeader(shape, data instanceof Float32Array), idxBody(data)];
}

/** The IDX header alone, for a file whose body is streamed. */
export function idxHeader(shape: readonly number[], float: boolean): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * shape.length));
  head.setUint8(2, float ? 0x0d : 0x08);
  head.setUint8(3, shape.length);
  shape.forEach((d, i) => head.setUint32(4 + 4 * i, d, false));
  return new Uint8Array(head.buffer);
}

/** Values as an IDX body: big-endian float32, or bytes. */
export function idxBody(data: Float32Array | Uint8Array): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const body = new DataView(new ArrayBuffer(data.length * 4));
  for (let i = 0; i < data.length; i++) body.setFloat32(4 * i, data[i], false);
  return new Uint8Array(body.buffer);
}
