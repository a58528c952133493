/**
 * TensorFlow.js WebGPU peer: the workload as tf.layers (NHWC, TF.js's native layout), trained
 * with tf.train optimizers through `optimizer.minimize`, on the same Dawn `navigator.gpu` that
 * Convas's webgpu device uses in this process. Each step reads the loss back, so a step's time
 * includes the wait for the GPU, as Convas's does.
 *
 * TF.js's WebAssembly backend is not a CPU peer: as shipped it has no Conv2DBackpropFilter
 * kernel, so it cannot train a CNN (see `TFJS_WASM_NOTE`).
 */
import type * as TF from '@tensorflow/tfjs';
import { installNodeWebGPU } from '../src/engine/backend/device.node.js';
import type { Graph } from '../src/engine/graph/types';
import { Rng } from '../src/engine/util/rng';
import { toMeasurement, type EngineSession, type Protocol } from './measure';
import type { Workload } from './workloads';

export const TFJS_WASM_NOTE = 'tfjs-wasm left out: @tensorflow/tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so it cannot train a CNN';

type Tf = typeof TF;
let loaded: Promise<{ tf: Tf; factory: () => unknown }> | null = null;

/**
 * TF.js with its WebGPU backend on Dawn, a fresh GPUDevice per call: the backend registers only if
 * navigator.gpu exists at import, so its factory is kept to register it again after
 * `releaseTfWebGPU` (in Node a live GPUDevice keeps a core busy polling — see
 * src/engine/backend/shared-webgpu.ts — which would slow every CPU row timed after a TF.js one).
 */
export async function loadTfWebGPU(): Promise<{ tf: Tf; adapter: string }> {
  loaded ??= (async () => {
    if (!installNodeWebGPU()) throw new Error('tfjs-webgpu: the Dawn addon (package "webgpu") did not load, so there is no navigator.gpu');
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-webgpu');
    const factory = tf.findBackendFactory('webgpu') as (() => unknown) | null;
    if (!factory) throw new Error('tfjs-webgpu: the WebGPU backend did not register');
    return { tf, factory };
  })();
  const { tf, factory } = await loaded;
  if (!tf.findBackendFactory('webgpu')) tf.registerBackend('webgpu', factory as never, 3);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs-webgpu: tf.setBackend("webgpu") failed (no adapter?)');
  await tf.ready();
  const backend = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string; description?: string } };
  const info = backend.adapterInfo ?? {};
  const adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { tf, adapter };
}

/** Drop TF.js's WebGPU backend and destroy its GPUDevice (`loadTfWebGPU` makes a new one). */
function releaseTfWebGPU(tf: Tf): void {
  if (!tf.findBackend('webgpu')) return;
  const device = (tf.findBackend('webgpu') as unknown as { device?: { destroy(): void } }).device;
  tf.removeBackend('webgpu');
  device?.destroy();
}

const pair = (v: unknown): [number, number] => (typeof v === 'number' ? [v, v] : (v as [number, number]));

/** The chain of a bench graph, Input first (the bench's workloads are all chains). */
function chain(graph: Graph) {
  const next = new Map(graph.edges.map((e) => [e.from, e.to]));
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const order = [graph.nodes.find((n) => n.type === 'Input')!];
  while (next.has(order[order.length - 1].id)) order.push(byId.get(next.get(order[order.length - 1].id)!)!);
  if (order.length !== graph.nodes.length) throw new Error(`tfjs peer: the graph is not a chain (reached ${order.length} of ${graph.nodes.length} nodes)`);
  return order;
}

/** tf.layers model from the input to the logits; the Softmax node becomes the loss. */
export function buildTfModel(tf: Tf, graph: Graph): { model: TF.Sequential; inputShape: number[]; classes: number } {
  const nodes = chain(graph);
  const [c, h, w] = nodes[0].params.shape as number[];
  const inputShape = w === undefined ? [c] : [h, w, c];
  const model = tf.sequential();
  let first = true;
  const add = (layer: TF.layers.Layer) => {
    model.add(layer);
    first = false;
  };
  // Only the first layer carries inputShape; tf.layers rejects it on later ones.
  const io = () => (first ? { inputShape } : {});
  for (const n of nodes.slice(1)) {
    const p = n.params;
    switch (n.type) {
      case 'Conv2D':
        add(tf.layers.conv2d({ ...io(), filters: p.filters as number, kernelSize: pair(p.kernelSize), strides: pair(p.stride ?? 1), padding: (p.padding ?? 'valid') as 'same' | 'valid', useBias: (p.useBias ?? true) as boolean, kernelInitializer: 'heNormal' }));
        break;
      case 'ReLU':
        add(tf.layers.reLU(io()));
        break;
      case 'MaxPool2D':
        add(tf.layers.maxPooling2d({ ...io(), poolSize: pair(p.poolSize), strides: pair(p.stride ?? p.poolSize), padding: (p.padding ?? 'valid') as 'same' | 'valid' }));
        break;
      case 'Flatten':
        add(tf.layers.flatten(io()));
        break;
      case 'Dense':
        add(tf.layers.dense({ ...io(), units: p.units as number, useBias: (p.useBias ?? true) as boolean, kernelInitializer: 'heNormal' }));
        break;
      case 'BatchNorm':
        // Keras's momentum is the share kept (1 − PyTorch's momentum).
        add(tf.layers.batchNormalization({ ...io(), momentum: 1 - ((p.momentum as number | undefined) ?? 0.1), epsilon: (p.epsilon as number | undefined) ?? 1e-5 }));
        break;
      case 'Dropout':
        add(tf.layers.dropout({ ...io(), rate: (p.rate as number | undefined) ?? 0.5 }));
        break;
      case 'Softmax':
        break;
      default:
        throw new Error(`tfjs peer: no tf.layers mapping for ${n.type} (node ${n.id})`);
    }
  }
  if (nodes[nodes.length - 1].type !== 'Softmax') throw new Error('tfjs peer: the bench workloads end in a Softmax classifier');
  const classes = (model.outputs[0].shape as number[])[1];
  return { model, inputShape, classes };
}

function optimizerFor(tf: Tf, w: Workload): TF.Optimizer {
  const o = w.optimizer;
  switch (o.name) {
    case 'momentum':
      return tf.train.momentum(o.lr, o.momentum ?? 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(o.lr, o.rho ?? 0.9, 0, o.epsilon ?? 1e-8);
    case 'sgd':
      return tf.train.sgd(o.lr);
    case 'adam':
      return tf.train.adam(o.lr, o.beta1, o.beta2, o.epsilon);
    case 'nesterov':
      return tf.train.momentum(o.lr, o.momentum ?? 0.9, true);
    case 'adamw':
      throw new Error('tfjs peer: TensorFlow.js has no AdamW (decoupled weight decay); use adam in the workload');
  }
}

export async function openTfjs(w: Workload, p: Protocol): Promise<EngineSession> {
  const { tf, adapter } = await loadTfWebGPU();
  const { model, inputShape, classes } = buildTfModel(tf, w.graph);
  const rng = new Rng(p.seed);
  const xData = rng.fill(new Float32Array(w.batch * inputShape.reduce((a, b) => a * b, 1)));
  const labels = Int32Array.from({ length: w.batch }, () => rng.int(classes));
  const x = tf.tensor(xData, [w.batch, ...inputShape]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
  const opt = optimizerFor(tf, w);
  const params = model.trainableWeights.reduce((a, v) => a + v.shape.reduce((m: number, d) => m * (d ?? 1), 1), 0);
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    for (const t of [x, y, opt, model]) t.dispose();
    releaseTfWebGPU(tf);
  };
  return {
    label: 'tfjs webgpu',
    async step(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TF.Tensor) as TF.Scalar, true)!;
        const v = (await loss.data())[0];
        loss.dispose();
        if (!Number.isFinite(v)) throw new Error(`tfjs ${w.name}: loss became ${v}`);
      }
      return (performance.now() - t0) / 1000;
    },
    async finish(t) {
      close();
      return { measurement: { ...toMeasurement(w, 'tfjs', 'webgpu', 0, p, t), device: `tfjs ${tf.version.tfjs}, ${adapter}`, params } };
    },
    close,
  };
}
