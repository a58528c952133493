/**
 * Run one layer alone — forward, then backward from a given output gradient (or, for an output
 * layer, from its loss) — as one plan. The tests compare this against PyTorch and finite
 * differences; the bench times layers with it.
 */
import type { Device } from '../backend/device';
import { GraphError, ShapeError } from '../graph/errors';
import type { Shape } from '../graph/types';
import { getLayer } from '../layers/index';
import { resolveParams } from '../layers/params';
import { size, type Handle } from '../layers/spec';
import { COUNTER_SIZE, stepCounter } from '../layers/counter-random';

export interface LayerRun {
  output: Float32Array;
  inputGrads: (Float32Array | null)[];
  paramGrads: Record<string, Float32Array>;
  state: Record<string, Float32Array>;
  loss?: number;
}

export interface LayerRunner {
  outShape: Shape;
  paramShapes: Record<string, number[]>;
  stateShapes: Record<string, number[]>;
  /** Draws per random input (the layer makes them on the device, node id = the layer type). */
  randomSizes: Record<string, number>;
  run(data: {
    inputs: Float32Array[];
    params?: Record<string, Float32Array>;
    state?: Record<string, Float32Array>;
    /** The step counter random layers draw from (4 values, `stepCounter`); default seed 1, step 1. */
    counter?: Float32Array;
    /** Gradient w.r.t. the output; for output layers pass `targets` instead. */
    gradOutput?: Float32Array;
    targets?: Float32Array;
  }): Promise<LayerRun>;
  destroy(): void;
}

export function layerRunner(device: Device, type: string, rawParams: Record<string, unknown>, inShapes: Shape[], batch: number, training = true): LayerRunner {
  const spec = getLayer(type);
  if (!spec) throw new GraphError(`unknown layer type "${type}"`);
  const p = resolveParams<Record<string, unknown>>(type, spec.params, rawParams);
  let outShape: Shape;
  try {
    outShape = spec.outputShape(inShapes, p);
  } catch (e) {
    throw e instanceof ShapeError ? new GraphError(e.message, type, e.field) : e;
  }
  const paramShapes = spec.paramShapes?.(inShapes, p) ?? {};
  const stateShapes = spec.stateShapes?.(inShapes, p) ?? {};
  const randomSizes = training ? (spec.randomInputs?.(inShapes, p, batch) ?? {}) : {};
  const program = spec.compile({ nodeId: type, batch, inShapes, outShape, kernel: (fn, n, c, native) => device.kernel(fn, n, c, native), grid: device.grid }, p);
  const pNames = Object.keys(paramShapes);
  const sNames = Object.keys(stateShapes);
  const rNames = Object.keys(randomSizes);
  const nIn = inShapes.length;
  const isOutput = !!spec.output;
  const arity = nIn + pNames.length + sNames.length + rNames.length + 1;
  const plan = device.plan(arity, (...a: unknown[]) => {
    const h = a as Handle[];
    let i = 0;
    const inputs = h.slice(0, nIn);
    i = nIn;
    const params = Object.fromEntries(pNames.map((n) => [n, h[i++]]));
    const state = Object.fromEntries(sNames.map((n) => [n, h[i++]]));
    const random = Object.fromEntries(rNames.map((n) => [n, h[i++]]));
    const last = h[i];
    const fr = program.forward({ inputs, params, state, random, training });
    const newState = sNames.map((n) => fr.state?.[n] ?? state[n]);
    if (isOutput) {
      const l = program.loss!({ input: inputs[0], output: fr.output, targets: last });
      return [fr.output, l.loss, l.gradInput, ...newState];
    }
    const back = program.backward!({ inputs, params, state, random, training, output: fr.output, saved: fr.saved ?? {}, gradOutput: last, needInputGrad: inputs.map(() => true) });
    return [fr.output, ...back.inputs.map((g) => g ?? fr.output), ...pNames.map((n) => back.params[n]), ...newState];
  });
  return {
    outShape,
    paramShapes,
    stateShapes,
    randomSizes,
    destroy: () => plan.destroy(),
    async run(d) {
      const args: Float32Array[] = [...d.inputs];
      inShapes.forEach((s, k) => {
        if (d.inputs[k]?.length !== batch * size(s)) throw new Error(`input ${k} needs ${batch * size(s)} values`);
      });
      for (const n of pNames) args.push(d.params?.[n] ?? new Float32Array(size(paramShapes[n])));
      for (const n of sNames) args.push(d.state?.[n] ?? new Float32Array(size(stateShapes[n])));
      const counter = d.counter ?? stepCounter(1, 1);
      if (counter.length !== COUNTER_SIZE) throw new Error(`counter needs ${COUNTER_SIZE} values, got ${counter.length}`);
      for (let k = 0; k < rNames.length; k++) args.push(counter);
      const last = isOutput ? d.targets : d.gradOutput;
      if (!last) throw new Error(isOutput ? 'targets are required for an output layer' : 'gradOutput is required');
      args.push(last);
      const res = (await plan(...args)).map((r) => r.slice());
      if (isOutput) {
        return { output: res[0], loss: res[1][0], inputGrads: [res[2]], paramGrads: {}, state: Object.fromEntries(sNames.map((n, k) => [n, res[3 + k]])) };
      }
      let k = 1;
      const inputGrads = inShapes.map(() => res[k++]);
      const paramGrads = Object.fromEntries(pNames.map((n) => [n, res[k++]]));
      const state = Object.fromEntries(sNames.map((n) => [n, res[k++]]));
      return { output: res[0], inputGrads, paramGrads, state };
    },
  };
}
