/**
 * Why the network answered what it did, for one sample: Grad-CAM on a convolution's output
 * (Selvaraju et al. 2017: each channel weighted by the mean of the class score's gradient over
 * its positions, summed, negative evidence cut) and plain input-gradient saliency (Simonyan et
 * al. 2014: the largest |∂score/∂x| over the input's channels at each pixel).
 *
 * The class score is the output layer's input (the logit before Softmax). Gradients come from the
 * layers' own backward kernels in inference mode (BatchNorm on running statistics, Dropout off),
 * traced into one plan on the run's device like training steps, so any backend computes them;
 * only the small weighted sum over channels happens on the host.
 */
import type { Device } from '../backend/device';
import { GraphError } from '../graph/errors';
import type { Graph } from '../graph/types';
import { size, type Handle } from '../layers/spec';
import { compileGraph, traceForward } from './network';
import type { WeightMap } from './weights';

export interface Saliency {
  /** The class explained, and the logits (scores before Softmax) it was picked from. */
  classIndex: number;
  scores: Float32Array;
  /** The convolution Grad-CAM looked at, its output [C, H, W] and the score's gradient there. */
  layer: string;
  activation: Float32Array;
  activationGrad: Float32Array;
  layerShape: [number, number, number];
  /** ReLU(Σ_k α_k A_k), H×W of that layer, not rescaled. */
  gradCam: Float32Array;
  /** ∂score/∂input, the Input's [C, H, W]. */
  inputGrad: Float32Array;
  inputShape: number[];
  /** max over channels of |∂score/∂input|, H×W of the Input. */
  saliency: Float32Array;
}

export interface SaliencyPlan {
  /** `classIndex`: the class to explain; absent: the one the network predicts. */
  run(x: Float32Array, weights: WeightMap, classIndex?: number): Promise<Saliency>;
  destroy(): void;
}

/** The last Conv2D in topological order: the usual Grad-CAM layer. */
export function lastConv(nodes: readonly { id: string; type: string }[]): string | null {
  for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i].type === 'Conv2D') return nodes[i].id;
  return null;
}

export function compileSaliency(graph: Graph, device: Device, options: { layer?: string } = {}): SaliencyPlan {
  const g = compileGraph(graph, device, 1);
  const out = g.output;
  if (!out || out.spec!.output!.targets !== 'class') throw new GraphError('saliency explains a classifier: the graph needs a Softmax output layer');
  const logitsId = g.report.structure!.inputsOf.get(out.id)![0];
  const layer = options.layer ?? lastConv(g.report.nodes);
  if (!layer) throw new GraphError('Grad-CAM needs a Conv2D layer: this network has none');
  const layerInfo = g.report.byId.get(layer);
  if (!layerInfo || layerInfo.outputShape!.length !== 3) throw new GraphError(`Grad-CAM needs a layer with a C×H×W output; "${layer}" ${layerInfo ? `gives ${layerInfo.outputShape!.join('×')}` : 'is not in the graph'}`, layer);
  const nClasses = size(g.report.byId.get(logitsId)!.outputShape!);
  const order = g.report.nodes.map((n) => n.id).reverse();
  const inputId = g.input.id;

  // arguments: x, the score's seed gradient (one-hot over the logits), then every tensor
  const plan = device.plan(2 + g.slots.length, (...a: unknown[]) => {
    const h = a as Handle[];
    const tensors = new Map<string, Handle>();
    g.slots.forEach((s, i) => tensors.set(s.key, h[2 + i]));
    const fwd = traceForward(g, h[0], tensors, new Map(), false);
    const pending = new Map<string, Handle[]>([[logitsId, [h[1]]]]);
    const gradAt = new Map<string, Handle>();
    for (const id of order) {
      const grads = pending.get(id);
      if (!grads || id === out.id) continue;
      const n = g.report.byId.get(id)!;
      let gradOutput = grads[0];
      for (let k = 1; k < grads.length; k++) gradOutput = g.add(size(n.outputShape!))(gradOutput, grads[k]);
      gradAt.set(id, gradOutput);
      if (id === inputId) continue;
      const sources = g.report.structure!.inputsOf.get(id)!;
      const fr = fwd.results.get(id)!;
      const back = g.programs.get(id)!.backward!({
        ...fwd.args.get(id)!,
        training: false,
        output: fr.output,
        saved: fr.saved ?? {},
        gradOutput,
        needInputGrad: sources.map(() => true),
      });
      sources.forEach((s, p) => {
        const gi = back.inputs[p];
        if (gi) pending.set(s, [...(pending.get(s) ?? []), gi]);
      });
    }
    return [fwd.results.get(logitsId)!.output, fwd.results.get(layer)!.output, gradAt.get(layer)!, gradAt.get(inputId)!];
  });

  const tensorsOf = (weights: WeightMap) =>
    g.slots.map((s) => {
      const t = weights[s.key];
      if (!t || t.length !== s.size) throw new Error(`weights are missing ${s.key} (${s.shape.join('×')})`);
      return t;
    });

  return {
    destroy: () => plan.destroy(),
    async run(x, weights, classIndex) {
      const inShape = g.input.outputShape!;
      if (x.length !== size(inShape)) throw new Error(`saliency: the sample has ${x.length} values, the Input needs ${size(inShape)} (${inShape.join('×')})`);
      const tensors = tensorsOf(weights);
      let cls = classIndex;
      if (cls === undefined) {
        const [scores] = await plan(x, new Float32Array(nClasses), ...tensors);
        cls = argmax(scores);
      }
      if (!Number.isInteger(cls) || cls < 0 || cls >= nClasses) throw new Error(`saliency: class ${cls} is not one of the ${nClasses} outputs`);
      const seed = new Float32Array(nClasses);
      seed[cls] = 1;
      const [scores, act, actGrad, inGrad] = (await plan(x, seed, ...tensors)).map((r) => r.slice());
      const [C, H, W] = layerInfo.outputShape! as [number, number, number];
      return {
        classIndex: cls,
        scores,
        layer,
        activation: act,
        activationGrad: actGrad,
        layerShape: [C, H, W],
        gradCam: gradCam(act, actGrad, C, H * W),
        inputGrad: inGrad,
        inputShape: [...inShape],
        saliency: inputSaliency(inGrad, inShape.length === 3 ? inShape[0] : 1),
      };
    },
  };
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** ReLU(Σ_k α_k A_k) with α_k the mean of ∂score/∂A_k over the map's positions. */
export function gradCam(act: Float32Array, grad: Float32Array, channels: number, positions: number): Float32Array {
  const cam = new Float32Array(positions);
  for (let k = 0; k < channels; k++) {
    let alpha = 0;
    for (let i = 0; i < positions; i++) alpha += grad[k * positions + i];
    alpha /= positions;
    for (let i = 0; i < positions; i++) cam[i] += alpha * act[k * positions + i];
  }
  for (let i = 0; i < positions; i++) cam[i] = Math.max(0, cam[i]);
  return cam;
}

/** max over channels of |g| at each position. */
export function inputSaliency(grad: Float32Array, channels: number): Float32Array {
  const positions = grad.length / channels;
  const s = new Float32Array(positions);
  for (let k = 0; k < channels; k++) for (let i = 0; i < positions; i++) s[i] = Math.max(s[i], Math.abs(grad[k * positions + i]));
  return s;
}
