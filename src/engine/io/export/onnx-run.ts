/**
 * Running an exported ONNX model with onnxruntime-web (WebAssembly, one thread: the same in
 * Node, the browser and CI).
 */
import * as ort from 'onnxruntime-web';
import { ONNX_INPUT } from './onnx';
import type { ExportPlan } from './plan';

export const ONNX_RUNTIME = `onnxruntime-web ${ort.env.versions.web ?? ''} (wasm)`.replace('  ', ' ');

export async function runOnnx(model: Uint8Array, plan: ExportPlan, x: Float32Array, batch: number): Promise<Float32Array> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(model);
  try {
    const feeds = { [ONNX_INPUT]: new ort.Tensor('float32', x, [batch, ...plan.input.outShape]) };
    const out = await session.run(feeds);
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}
