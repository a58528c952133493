/**
 * Keras 3 export: one `.keras` file — a zip (fflate, entries stored) of `metadata.json`,
 * `config.json` (a Functional model: Keras 3 class names, configs, `build_config`s and the
 * graph as `inbound_nodes` of `__keras_tensor__` references) and `model.weights.h5` (HDF5
 * written with h5wasm: `layers/<name>/vars/<i>` per layer, in each layer's variable order).
 * The preprocessing record, when there is one, is a Normalization layer after the input.
 */
import { Zip, ZipPassThrough } from 'fflate';
import h5wasm from 'h5wasm';
import type { Artifact } from './artifact';
import { kerasModel, KERAS_GENERATED_BY, type KerasLayer, type KerasModel } from './keras-graph';
import type { ExportPlan } from './plan';

/** The Keras version whose format this writes (saving_lib of Keras 3.x). */
export const KERAS_VERSION = '3.5.0';
export const KERAS_ENTRIES = ['metadata.json', 'config.json', 'model.weights.h5'] as const;

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

/** `model.weights.h5` as bytes, built in h5wasm's in-memory file system. */
export async function kerasWeightsH5(m: KerasModel): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/convas-${Date.now()}-${Math.random().toString(36).slice(2)}.weights.h5`;
  const f = new h5wasm.File(path, 'w');
  try {
    const layers = f.create_group('layers');
    for (const l of m.layers) {
      const vars = layers.create_group(l.name).create_group('vars');
      l.weights.forEach((w, i) => vars.create_dataset({ name: String(i), data: w.data(), shape: w.shape, dtype: '<f' }));
    }
    f.create_group('vars');
  } finally {
    f.close();
  }
  const bytes = FS!.readFile(path);
  FS!.unlink(path);
  return bytes;
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

export async function kerasArtifact(plan: ExportPlan, name: string): Promise<Artifact> {
  const m = kerasModelFor(plan, name);
  const enc = new TextEncoder();
  const metadata = { keras_version: KERAS_VERSION, date_saved: new Date().toISOString().slice(0, 19).replace('T', '@'), generated_by: KERAS_GENERATED_BY };
  const chunks = zipChunks([
    { name: 'metadata.json', data: enc.encode(JSON.stringify(metadata)) },
    { name: 'config.json', data: enc.encode(JSON.stringify(kerasConfig(m))) },
    { name: 'model.weights.h5', data: await kerasWeightsH5(m) },
  ]);
  return { kind: 'file', files: [{ name: 'model.keras', chunks: () => chunks }] };
}
