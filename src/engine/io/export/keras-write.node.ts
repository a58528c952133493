/**
 * Node-only: the Keras 3 export streamed to disk, at any size (VGG-16's 553 MB included).
 * `model.weights.h5` is written by h5wasm's Node build, whose file system is the real one
 * (NODERAWFS), one dataset at a time into a scratch file beside the output; then the `.keras` zip
 * is made from it as it is read (fflate's streaming Zip, every entry stored, the HDF5 passed
 * through in 4 MiB pieces). No buffer ever holds the whole file: beyond the weights themselves,
 * the largest one tensor (its Keras layout and its copy in h5wasm's heap).
 */
import { open, rm } from 'node:fs/promises';
import { Zip, ZipPassThrough } from 'fflate';
import h5wasm from 'h5wasm/node';
import type { Artifact } from './artifact';
import { kerasJsonEntries, kerasModelFor, kerasWeightBytes, writeKerasDatasets } from './keras';
import type { KerasModel } from './keras-graph';
import { ExportError, type ExportPlan } from './plan';

/** The HDF5 file is read into the zip this much at a time. */
const PIECE = 4 * 2 ** 20;
/** A zip without Zip64 (fflate writes none) holds entries and offsets below 4 GiB; the margin is the HDF5 structure and the JSON. */
export const KERAS_STREAMED_MAX_BYTES = 2 ** 32 - 64 * 2 ** 20;

/** Write `model.weights.h5` at `path` on disk (Keras 3's layout, one dataset at a time). */
export async function writeKerasWeightsFile(m: KerasModel, path: string): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    writeKerasDatasets(f, m);
  } finally {
    f.close();
  }
}

/** The zip's bytes as they are made: the two JSON entries, then the HDF5 file at `h5` read piece by piece. */
async function* zipStream(m: KerasModel, h5: string): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else out.push(chunk);
  });
  const flush = function* () {
    if (failed) throw failed;
    while (out.length) yield out.shift()!;
  };
  for (const e of kerasJsonEntries(m)) {
    const file = new ZipPassThrough(e.name);
    zip.add(file);
    file.push(e.data, true);
  }
  yield* flush();
  const entry = new ZipPassThrough('model.weights.h5');
  zip.add(entry);
  const fh = await open(h5, 'r');
  try {
    const size = (await fh.stat()).size;
    let at = 0;
    while (at < size) {
      const piece = new Uint8Array(Math.min(PIECE, size - at));
      const { bytesRead } = await fh.read(piece, 0, piece.length, at);
      if (bytesRead === 0) throw new ExportError(`${h5} ended at byte ${at} of ${size} while it was being zipped`);
      at += bytesRead;
      entry.push(piece.subarray(0, bytesRead), at >= size);
      yield* flush();
    }
  } finally {
    await fh.close();
  }
  zip.end();
  yield* flush();
}

/** The `.keras` file as a streamed artifact: `writeArtifact` writes it (it has no in-memory chunks). */
export function kerasStreamedArtifact(plan: ExportPlan, name: string): Artifact {
  const m = kerasModelFor(plan, name);
  const bytes = kerasWeightBytes(m);
  if (bytes > KERAS_STREAMED_MAX_BYTES) {
    throw new ExportError(`the network's weights are ${(bytes / 2 ** 30).toFixed(2)} GiB; a .keras file (a zip without Zip64) holds under 4 GiB of weights`);
  }
  return {
    kind: 'file',
    files: [
      {
        name: 'model.keras',
        chunks: () => {
          throw new Error('model.keras is streamed from an HDF5 file on disk: write the export with writeArtifact');
        },
        async *stream(scratch: string) {
          const h5 = `${scratch}.weights.h5`;
          try {
            await writeKerasWeightsFile(m, h5);
            yield* zipStream(m, h5);
          } finally {
            await rm(h5, { force: true });
          }
        },
      },
    ],
  };
}
