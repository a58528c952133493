/**
 * TF.js layers export: a folder with `model.json` (a functional `Model` topology, channels-last,
 * plus the weights manifest) and `group1-shard<i>of<n>.bin` weight shards of at most 4 MB, as
 * `tf.loadLayersModel` reads them. The preprocessing record, which TF.js layers cannot apply,
 * is declared in `userDefinedMetadata.convas.preprocessing` (inputs go in normalised).
 */
import { floatBytes, textFile, type Artifact, type ArtifactFile } from './artifact';
import { kerasModel, KERAS_GENERATED_BY, type KerasModel } from './keras-graph';
import type { ExportPlan } from './plan';

/** tensorflowjs_converter's default shard size. */
export const TFJS_SHARD_BYTES = 4 * 1024 * 1024;
export const TFJS_VERSION = '4.22.0';

function topology(m: KerasModel): Record<string, unknown> {
  return {
    class_name: 'Model',
    config: {
      name: m.name,
      layers: m.layers.map((l) => ({
        class_name: l.className,
        config: l.config,
        name: l.name,
        inbound_nodes: l.inbound.length ? [l.inbound.map((n) => [n, 0, 0, {}])] : [],
      })),
      input_layers: [[m.input, 0, 0]],
      output_layers: [[m.output, 0, 0]],
    },
    keras_version: `tfjs-layers ${TFJS_VERSION}`,
    backend: 'tensor_flow.js',
  };
}

/** Every weight's bytes in manifest order, cut into shards of at most `shardBytes`. */
function shardFiles(m: KerasModel, shardBytes: number): { files: ArtifactFile[]; paths: string[] } {
  const total = m.layers.reduce((s, l) => s + l.weights.reduce((t, w) => t + 4 * w.shape.reduce((a, b) => a * b, 1), 0), 0);
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  // one pass over the weights feeds every shard in turn; each file asks for its own byte range
  function* range(begin: number, end: number): Generator<Uint8Array> {
    let at = 0;
    for (const l of m.layers) {
      for (const w of l.weights) {
        const n = 4 * w.shape.reduce((a, b) => a * b, 1);
        if (at + n > begin && at < end) {
          const bytes = floatBytes(w.data());
          yield bytes.subarray(Math.max(begin - at, 0), Math.min(end - at, n));
        }
        at += n;
        if (at >= end) return;
      }
    }
  }
  const files = paths.map((name, i) => ({ name, chunks: () => range(i * shardBytes, Math.min((i + 1) * shardBytes, total)) }));
  return { files, paths };
}

export function tfjsModelJson(plan: ExportPlan, m: KerasModel, paths: string[]): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: KERAS_GENERATED_BY,
    convertedBy: null,
    modelTopology: topology(m),
    weightsManifest: [{ paths, weights: m.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.name}/${w.name}`, shape: w.shape, dtype: 'float32' }))) }],
    userDefinedMetadata: {
      convas: {
        layout: 'channels-last (NHWC): transpose Convas NCHW inputs to N×H×W×C',
        output: plan.output.id,
        preprocessing: plan.preprocessing ?? null,
        preprocessingApplied: plan.preprocessing ? 'no: normalise inputs (x - mean[c]) / std[c] before predict()' : 'none recorded',
      },
    },
  };
}

export function tfjsArtifact(plan: ExportPlan, name: string, shardBytes = TFJS_SHARD_BYTES): Artifact {
  const m = kerasModel(plan, 'TF.js', name);
  const { files, paths } = shardFiles(m, shardBytes);
  return { kind: 'folder', files: [textFile('model.json', JSON.stringify(tfjsModelJson(plan, m, paths), null, 1)), ...files] };
}
