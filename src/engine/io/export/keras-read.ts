/**
 * Reading a `.keras` file back — the zip's entries, config.json, and every HDF5 dataset of
 * model.weights.h5 (h5wasm) — and turning it into a TF.js layers model, so the check of a Keras
 * export runs what the file holds (its graph and its weights), in TensorFlow.js, where no Keras
 * runtime is available. The Normalization layer (preprocessing) has no TF.js layer: it is
 * bypassed and its statistics are returned for the caller to compare.
 */
import { unzipSync } from 'fflate';
import h5wasm from 'h5wasm';
import type { KerasModel } from './keras-graph';
import { ExportError } from './plan';
import type { TfjsFiles } from './tfjs-run';

interface Keras3Layer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: { args: unknown[] }[];
}

export interface KerasFile {
  entries: string[];
  metadata: Record<string, unknown>;
  config: { class_name: string; config: { layers: Keras3Layer[]; input_layers: unknown[][]; output_layers: unknown[][] } };
  /** Per layer name, its datasets `vars/0`, `vars/1`, … in order. */
  weights: Map<string, { shape: number[]; data: Float32Array }[]>;
}

export async function readKeras(bytes: Uint8Array): Promise<KerasFile> {
  const files = unzipSync(bytes);
  const entries = Object.keys(files);
  const text = (n: string) => {
    if (!files[n]) throw new ExportError(`the .keras file has no ${n}`);
    return JSON.parse(new TextDecoder().decode(files[n]));
  };
  const { FS } = await h5wasm.ready;
  const path = `/convas-read-${Date.now()}-${Math.random().toString(36).slice(2)}.h5`;
  FS!.writeFile(path, files['model.weights.h5'] ?? new Uint8Array());
  const f = new h5wasm.File(path, 'r');
  const weights = new Map<string, { shape: number[]; data: Float32Array }[]>();
  try {
    const layers = f.get('layers') as InstanceType<typeof h5wasm.Group>;
    for (const name of layers.keys()) {
      const vars = f.get(`layers/${name}/vars`) as InstanceType<typeof h5wasm.Group>;
      const keys = vars.keys().sort((a, b) => Number(a) - Number(b));
      weights.set(
        name,
        keys.map((k) => {
          const d = f.get(`layers/${name}/vars/${k}`) as InstanceType<typeof h5wasm.Dataset>;
          return { shape: d.shape ?? [], data: Float32Array.from(d.value as Float32Array) };
        }),
      );
    }
  } finally {
    f.close();
    FS!.unlink(path);
  }
  return { entries, metadata: text('metadata.json'), config: text('config.json'), weights };
}

/**
 * Where the file's datasets differ from the model's weights (in Keras's layouts): the first
 * dataset whose count, shape or any bit differs, named; null when every one is equal bit for bit.
 * Made one tensor at a time, as the writer made them.
 */
export function kerasWeightsDiffer(k: KerasFile, m: KerasModel): string | null {
  for (const l of m.layers) {
    const stored = k.weights.get(l.name) ?? [];
    if (stored.length !== l.weights.length) return `layers/${l.name}/vars holds ${stored.length} datasets; ${l.name} has ${l.weights.length} weights`;
    for (const [i, w] of l.weights.entries()) {
      const at = `layers/${l.name}/vars/${i} (${l.name}'s ${w.name})`;
      if (stored[i].shape.join('×') !== w.shape.join('×')) return `${at} has shape [${stored[i].shape.join(', ')}], the weights [${w.shape.join(', ')}]`;
      const want = w.data();
      const a = new Uint32Array(stored[i].data.buffer, stored[i].data.byteOffset, stored[i].data.length);
      const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
      for (let j = 0; j < b.length; j++) if (a[j] !== b[j]) return `${at} value ${j} is ${stored[i].data[j]}, the weights' ${want[j]}`;
    }
  }
  return null;
}

/** TF.js's names for each Keras class's variables, in Keras's variable order. */
const VARIABLES: Record<string, (c: Record<string, unknown>) => string[]> = {
  Conv2D: (c) => (c.use_bias ? ['kernel', 'bias'] : ['kernel']),
  Dense: (c) => (c.use_bias ? ['kernel', 'bias'] : ['kernel']),
  BatchNormalization: () => ['gamma', 'beta', 'moving_mean', 'moving_variance'],
};

/** Where Keras 3 and TF.js layers name a config field differently. */
function tfjsConfig(l: Keras3Layer): Record<string, unknown> {
  const c = { ...l.config };
  if (l.class_name === 'InputLayer') {
    c.batch_input_shape = c.batch_shape;
    delete c.batch_shape;
  }
  // TF.js layers' ELU implements only alpha = 1: a Keras file with another alpha is written but cannot be checked here
  if (l.class_name === 'ELU' && c.alpha !== 1) throw new ExportError(`${l.name} (ELU): the check runs the .keras file in TensorFlow.js, whose ELU supports only alpha 1 (this one: ${String(c.alpha)})`);
  if (l.class_name === 'LeakyReLU') {
    c.alpha = c.negative_slope;
    delete c.negative_slope;
  }
  return c;
}

function history(t: unknown): string {
  return (t as { config: { keras_history: [string, number, number] } }).config.keras_history[0];
}

/**
 * The arrays end to end: a view, when they already lie end to end in one buffer (as
 * readKerasFromDisk leaves them), else one copy.
 */
function joined(data: Float32Array[]): Float32Array {
  const total = data.reduce((s, d) => s + d.length, 0);
  const first = data[0];
  let end = first?.byteOffset ?? 0;
  if (first && data.every((d) => d.buffer === first.buffer && d.byteOffset === end && ((end += d.byteLength), true))) {
    return new Float32Array(first.buffer, first.byteOffset, total);
  }
  const out = new Float32Array(total);
  let at = 0;
  for (const d of data) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

/** The Keras file as TF.js layers files; `normalization` is the bypassed preprocessing layer's config. */
export function kerasToTfjs(k: KerasFile): { files: TfjsFiles; normalization: Record<string, unknown> | null } {
  let normalization: Record<string, unknown> | null = null;
  const bypass = new Map<string, string>();
  const layers: Record<string, unknown>[] = [];
  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  const data: Float32Array[] = [];
  for (const l of k.config.config.layers) {
    const inbound = (l.inbound_nodes[0]?.args ?? []).flatMap((a) => (Array.isArray(a) ? a : [a])).map((t) => {
      const from = history(t);
      return bypass.get(from) ?? from;
    });
    if (l.class_name === 'Normalization') {
      normalization = l.config;
      bypass.set(l.name, inbound[0]);
      continue;
    }
    layers.push({ class_name: l.class_name, config: tfjsConfig(l), name: l.name, inbound_nodes: inbound.length ? [inbound.map((n) => [n, 0, 0, {}])] : [] });
    const names = VARIABLES[l.class_name]?.(l.config) ?? [];
    const stored = k.weights.get(l.name) ?? [];
    if (stored.length !== names.length) throw new ExportError(`model.weights.h5: layer ${l.name} (${l.class_name}) has ${stored.length} variables, its config needs ${names.length}`);
    stored.forEach((w, i) => {
      specs.push({ name: `${l.name}/${names[i]}`, shape: w.shape, dtype: 'float32' });
      data.push(w.data);
    });
  }
  const weightData = joined(data);
  const cfg = k.config.config;
  const modelJson = {
    modelTopology: { class_name: 'Model', config: { name: 'keras', layers, input_layers: cfg.input_layers, output_layers: cfg.output_layers }, backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: [], weights: specs }],
  };
  return { files: { modelJson, weightData: new Uint8Array(weightData.buffer, weightData.byteOffset, weightData.byteLength) }, normalization };
}
