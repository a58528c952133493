/**
 * The Keras-style layer graph that both the TF.js layers export and the Keras 3 export write:
 * channels-last (NHWC) layers with Keras class names and snake_case configs, each with its
 * weights already in Keras's layouts. Built from the plan by the table in keras-layers.ts.
 */
import { GENERATED_BY } from '../header';
import { KERAS_LAYERS } from './keras-layers';
import { channelsLast, ExportError, type ExportPlan } from './plan';

export interface KerasWeight {
  /** Keras's weight name within the layer: kernel, bias, gamma, beta, moving_mean, moving_variance. */
  name: string;
  shape: number[];
  /** Made when written (a transposed copy for kernels), so only one tensor is held at a time. */
  data(): Float32Array;
}

export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Names of the layers feeding this one, in port order. */
  inbound: string[];
  /** Output shape, channels-last, without the batch. */
  shape: number[];
  weights: KerasWeight[];
}

export interface KerasModel {
  name: string;
  layers: KerasLayer[];
  input: string;
  output: string;
  /** The input shape in channels-last order, without the batch. */
  inputShape: number[];
}

/** Which target is being written, for messages: "TF.js" or "Keras". */
export type KerasTarget = 'TF.js' | 'Keras';

export class KerasBuilder {
  readonly layers: KerasLayer[] = [];
  private used = new Set<string>();
  constructor(readonly target: KerasTarget) {}

  fresh(wish: string): string {
    let name = wish;
    for (let i = 1; this.used.has(name); i++) name = `${wish}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Add a layer; returns its (unique) name. */
  add(className: string, wish: string, inbound: string[], shape: number[], config: Record<string, unknown> = {}, weights: KerasWeight[] = []): string {
    const name = this.fresh(wish);
    this.layers.push({ className, name, config: { name, trainable: true, dtype: 'float32', ...config }, inbound, shape, weights });
    return name;
  }

  shapeOf(name: string): number[] {
    return this.layers.find((l) => l.name === name)!.shape;
  }
}

export function kerasModel(plan: ExportPlan, target: KerasTarget, name: string): KerasModel {
  const b = new KerasBuilder(target);
  const names = new Map<string, string>();
  const inputShape = channelsLast(plan.input.outShape);
  const input = b.add('InputLayer', plan.input.id, [], inputShape, { batch_input_shape: [null, ...inputShape], sparse: false, ragged: false });
  names.set(plan.input.id, input);
  for (const node of plan.nodes) {
    if (node === plan.input) continue;
    const layer = KERAS_LAYERS[node.type];
    if (!layer) throw new ExportError(`${node.id} (${node.type}): ${target} export has no mapping for this layer type`, node.id);
    const sources = node.inputs.map((s) => plan.nodes.find((n) => n.id === s)!);
    names.set(node.id, layer({ node, inputs: node.inputs.map((s) => names.get(s)!), sources, b }));
  }
  return { name: name || 'convas', layers: b.layers, input, output: names.get(plan.output.id)!, inputShape };
}

export const KERAS_GENERATED_BY = GENERATED_BY;
