/**
 * Running an exported TF.js layers model with @tensorflow/tfjs on its plain-JS `cpu` backend
 * (the same numbers everywhere). Inputs and outputs cross in Convas's NCHW order.
 */
import { channelsLast, ExportError, type ExportPlan } from './plan';

export interface TfjsFiles {
  modelJson: Record<string, unknown>;
  /** The shards' bytes, concatenated in manifest order. */
  weightData: Uint8Array;
}

async function loadTf(): Promise<typeof import('@tensorflow/tfjs')> {
  try {
    return await import('@tensorflow/tfjs');
  } catch {
    throw new ExportError('checking a TF.js export needs the @tensorflow/tfjs package (npm install @tensorflow/tfjs)');
  }
}

/** NCHW ↔ NHWC for a batch of per-sample shape `shape` (Convas order). */
function toNhwc(x: Float32Array, batch: number, [C, H, W]: readonly number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < batch; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = x[((n * C + c) * H + h) * W + w];
  return out;
}
function toNchw(y: Float32Array, batch: number, [C, H, W]: readonly number[]): Float32Array {
  const out = new Float32Array(y.length);
  for (let n = 0; n < batch; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[((n * C + c) * H + h) * W + w] = y[((n * H + h) * W + w) * C + c];
  return out;
}

export async function runTfjs(files: TfjsFiles, plan: ExportPlan, x: Float32Array, batch: number): Promise<{ y: Float32Array; version: string }> {
  const tf = await loadTf();
  // PROD: no "install tfjs-node" banner and no debug checks; the numbers are the same
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const mj = files.modelJson as { modelTopology: object; weightsManifest: { weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[] };
  const w = files.weightData;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: mj.modelTopology,
      weightSpecs: mj.weightsManifest.flatMap((g) => g.weights),
      weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
    }),
  );
  try {
    const inShape = plan.input.outShape;
    const input = tf.tensor(inShape.length === 3 ? toNhwc(x, batch, inShape) : x, [batch, ...channelsLast(inShape)]);
    const out = model.predict(input) as import('@tensorflow/tfjs').Tensor;
    const data = (await out.data()) as Float32Array;
    input.dispose();
    out.dispose();
    const outShape = plan.output.outShape;
    return { y: outShape.length === 3 ? toNchw(data, batch, outShape) : data, version: tf.version.tfjs };
  } finally {
    model.dispose();
  }
}
