/**
 * Keras 3 export: one `.keras` file — a zip (fflate, entries stored) of `metadata.json`,
 * `config.json` (a Functional model: Keras 3 class names, configs, `build_config`s and the
 * graph as `inbound_nodes` of `__keras_tensor__` references) and `model.weights.h5` (HDF5
 * written with h5wasm: `layers/<name>/vars/<i>` per layer, in each layer's variable order).
 * The preprocessing record, when there is one, is a Normalization layer after the input.
 *
 * This builds the file in memory (h5wasm's in-memory file system, then the zip): the app's way,
 * up to KERAS_IN_MEMORY_MAX_BYTES of weights. `convas export` streams it to disk instead
 * (keras-write.node.ts), at any size a zip without Zip64 holds.
 */
import { Zip, ZipPassThrough } from 'fflate';
import h5wasm from 'h5wasm';
import type { Artifact } from './artifact';
import { kerasModel, KERAS_GENERATED_BY, type KerasLayer, type KerasModel } from './keras-graph';
import { ExportError, type ExportPlan } from './plan';

/** The Keras version whose format this writes (saving_lib of Keras 3.x). */
export const KERAS_VERSION = '3.5.0';
export const KERAS_ENTRIES = ['metadata.json', 'config.json', 'model.weights.h5'] as const;

/**
 * The most weight bytes the in-memory build takes (256 MiB, 67,108,864 float32 parameters): while
 * the app builds and checks a .keras file the page holds the weights about eight times over
 * (h5wasm's file and heap, the zip, the read-back, TF.js's copy), ~2 GiB at this size. ResNet-50
 * (25.6 M) fits; VGG-16 (138 M) goes through `convas export`, which streams.
 */
export const KERAS_IN_MEMORY_MAX_BYTES = 256 * 2 ** 20;

/** Bytes of all weights of a Keras model, float32. */
export function kerasWeightBytes(m: KerasModel): number {
  return m.layers.reduce((s, l) => s + l.weights.reduce((t, w) => t + 4 * w.shape.reduce((a, b) => a * b, 1), 0), 0);
}

function kerasTensor(b: KerasModel, name: string): Record<string, unknown> {
  const l = b.layers.find((x) => x.name === name)!;
  return { class_name: '__keras_tensor__', config: { shape: [null, ...l.shape], dtype: 'float32', keras_history: [name, 0, 0] } };
}

function layerConfig(m: KerasModel, l: KerasLayer): Record<string, unknown> {
  if (l.className === 'InputLayer') {
    return {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, ...l.shape], dtype: 'float32', sparse: false, name: l.name },
      registered_name: null,
      name: l.name,
      inbound_nodes: [],
    };
  }
  const inputs = l.inbound.map((n) => kerasTensor(m, n));
  const merge = l.className === 'Add' || l.className === 'Concatenate';
  const inShapes = l.inbound.map((n) => [null, ...m.layers.find((x) => x.name === n)!.shape]);
  return {
    module: 'keras.layers',
    class_name: l.className,
    config: l.config,
    registered_name: null,
    build_config: { input_shape: merge ? inShapes : inShapes[0] },
    name: l.name,
    inbound_nodes: [{ args: merge ? [inputs] : inputs, kwargs: {} }],
  };
}

export function kerasConfig(m: KerasModel): Record<string, unknown> {
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: m.name,
      trainable: true,
      layers: m.layers.map((l) => layerConfig(m, l)),
      input_layers: [[m.input, 0, 0]],
      output_layers: [[m.output, 0, 0]],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
    compile_config: null,
  };
}

/** The Keras model for a plan: the shared channels-last layers, preprocessing as Normalization. */
export function kerasModelFor(plan: ExportPlan, name: string): KerasModel {
  const m = kerasModel(plan, 'Keras', name);
  const pre = plan.preprocessing;
  if (!pre) return m;
  // Normalization(mean, variance) right after the input: (x − mean) / sqrt(variance)
  const norm: KerasLayer = {
    className: 'Normalization',
    name: `${m.input}_preprocessing`,
    config: { name: `${m.input}_preprocessing`, trainable: false, dtype: 'float32', axis: [-1], mean: pre.mean, variance: pre.std.map((s) => s * s), invert: false },
    inbound: [m.input],
    shape: m.inputShape,
    weights: [],
  };
  const layers = m.layers.map((l) => ({ ...l, inbound: l.inbound.map((n) => (n === m.input ? norm.name : n)) }));
  layers.splice(1, 0, norm);
  return { ...m, layers };
}

/** Keras 3's HDF5 layout in an open h5wasm file (either build): `layers/<name>/vars/<i>`, one dataset at a time. */
export function writeKerasDatasets(f: InstanceType<typeof h5wasm.File>, m: KerasModel): void {
  const layers = f.create_group('layers');
  for (const l of m.layers) {
    const vars = layers.create_group(l.name).create_group('vars');
    // each tensor's Keras layout is made here and dropped after its write: one tensor held at a time
    l.weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.data(), shape: w.shape, dtype: '<f' }));
  }
  f.create_group('vars');
}

/** `model.weights.h5` as bytes, built in h5wasm's in-memory file system. */
export async function kerasWeightsH5(m: KerasModel): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/convas-${Date.now()}-${Math.random().toString(36).slice(2)}.weights.h5`;
  const f = new h5wasm.File(path, 'w');
  try {
    writeKerasDatasets(f, m);
  } finally {
    f.close();
  }
  const bytes = FS!.readFile(path);
  FS!.unlink(path);
  return bytes;
}

/** metadata.json and config.json, the archive's first two entries. */
export function kerasJsonEntries(m: KerasModel): { name: string; data: Uint8Array }[] {
  const enc = new TextEncoder();
  const metadata = { keras_version: KERAS_VERSION, date_saved: new Date().toISOString().slice(0, 19).replace('T', '@'), generated_by: KERAS_GENERATED_BY };
  return [
    { name: 'metadata.json', data: enc.encode(JSON.stringify(metadata)) },
    { name: 'config.json', data: enc.encode(JSON.stringify(kerasConfig(m))) },
  ];
}

function zipChunks(entries: { name: string; data: Uint8Array }[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    chunks.push(chunk);
  });
  for (const e of entries) {
    const file = new ZipPassThrough(e.name);
    zip.add(file);
    file.push(e.data, true);
  }
  zip.end();
  return chunks;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The .keras file built in memory (the app's path); refused above KERAS_IN_MEMORY_MAX_BYTES of weights. */
export async function kerasArtifact(plan: ExportPlan, name: string): Promise<Artifact> {
  const m = kerasModelFor(plan, name);
  const bytes = kerasWeightBytes(m);
  if (bytes > KERAS_IN_MEMORY_MAX_BYTES) {
    throw new ExportError(
      `Keras export here builds the .keras file in memory, up to ${mib(KERAS_IN_MEMORY_MAX_BYTES)} of weights; this network has ${mib(bytes)} (${(bytes / 4).toLocaleString('en-US')} parameters). ` +
        'Save the project and its weights, then run `convas export <project> --weights <weights> --format keras --out model.keras`, which streams the file to disk.',
    );
  }
  const chunks = zipChunks([...kerasJsonEntries(m), { name: 'model.weights.h5', data: await kerasWeightsH5(m) }]);
  return { kind: 'file', files: [{ name: 'model.keras', chunks: () => chunks }] };
}
