/**
 * ONNX → Convas graph and weights. The model's nodes are walked in dependency order; each goes
 * through the op table (ops.ts), which adds Convas layers or folds constants. Nodes no entry can
 * map are collected — name, op type, inputs and why — and the import stops, naming them all; with
 * `partial` it keeps the layers mapped before the first of them and says where it stopped.
 * Gpu-free: runs in the CLI, the app's renderer and tests alike.
 */
import type { Graph, GraphEdge, GraphNode } from '../../graph/types';
import { inferShapes, type ShapeReport } from '../../shapes/inferShapes';
import type { WeightMap } from '../../train/weights';
import type { onnx } from '../export/onnx-proto';
import type { LayerTensors, OpContext } from './context';
import { OnnxImportError, Unmappable } from './errors';
import { IdMaker } from './ids';
import { attributes, decodeModel, int, opsetOf, tensorData } from './onnx-decode';
import { ONNX_OPS } from './ops';
import { convasDims, describeDims, type LiveValue, type Value } from './values';

export const ONNX_OPSETS = { min: 11, max: 20 } as const;

export interface ImportOptions {
  /** Keep the part mapped before the first unmappable node instead of stopping. */
  partial?: boolean;
}

export interface MappingRow {
  onnx: string;
  opType: string;
  /** The Convas nodes it became; empty where it folded into constants or passed its input through. */
  convas: string[];
  /** What happened when it added no node: folded, same as its input, merged into another layer, not imported. */
  note?: string;
}

export interface UnmappedNode {
  name: string;
  opType: string;
  inputs: string[];
  reason: string;
}

export interface OnnxImport {
  graph: Graph;
  weights: WeightMap;
  report: ShapeReport;
  mapping: MappingRow[];
  opset: number;
  producer: string;
  /** With `partial`: the first node left out, and every node not imported because of it. */
  stopped: { at: UnmappedNode; skipped: string[] } | null;
}

interface Layer {
  node: GraphNode;
  tensors: LayerTensors;
  order: number;
}

function nodeLabel(n: onnx.INodeProto, i: number): string {
  return n.name || `#${i} (${n.opType})`;
}

/** Node indices in dependency order; a cycle or a value nobody produces is an error naming the node. */
function dependencyOrder(nodes: onnx.INodeProto[], known: Set<string>): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) {
      if (!o) continue;
      if (producer.has(o) || known.has(o)) throw new OnnxImportError(`node ${nodeLabel(n, i)}: output "${o}" is also produced elsewhere (an ONNX value has one producer)`, `graph.node[${i}].output`, nodeLabel(n, i));
      producer.set(o, i);
    }
  });
  const waiting = nodes.map((n, i) => {
    let count = 0;
    for (const v of n.input ?? []) {
      if (!v) continue;
      if (producer.has(v)) count++;
      else if (!known.has(v)) throw new OnnxImportError(`node ${nodeLabel(n, i)} (${n.opType}) reads "${v}", which no node, initializer or graph input produces`, `graph.node[${i}].input`, nodeLabel(n, i));
    }
    return count;
  });
  const readers = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    for (const v of n.input ?? []) {
      const p = v ? producer.get(v) : undefined;
      if (p !== undefined) readers.set(p, [...(readers.get(p) ?? []), i]);
    }
  });
  const ready = waiting.flatMap((w, i) => (w === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length) {
    const i = ready.shift()!;
    order.push(i);
    for (const r of readers.get(i) ?? []) if (--waiting[r] === 0) ready.push(r);
  }
  if (order.length < nodes.length) {
    const stuck = nodes.flatMap((n, i) => (waiting[i] > 0 ? [nodeLabel(n, i)] : []));
    throw new OnnxImportError(`the graph has a cycle through ${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ` and ${stuck.length - 5} more` : ''}`, 'graph.node', stuck[0]);
  }
  return order;
}

interface GraphInput {
  name: string;
  dims: number[];
}

function graphInput(g: onnx.IGraphProto, inits: Set<string>): GraphInput {
  const ins = (g.input ?? []).filter((v) => v.name && !inits.has(v.name));
  if (ins.length !== 1) throw new OnnxImportError(`the graph has ${ins.length} inputs besides its initializers (${ins.map((v) => v.name).join(', ') || 'none'}); Convas networks take one`, 'graph.input');
  const v = ins[0];
  const where = `graph.input "${v.name}"`;
  const t = v.type?.tensorType;
  if (!t) throw new OnnxImportError(`${where}: not a tensor`, 'graph.input');
  if (t.elemType !== 1) throw new OnnxImportError(`${where}: element type ${t.elemType} is not float32`, 'graph.input');
  const dims = (t.shape?.dim ?? []).map((d, i) => {
    if (i === 0) return 0;
    if (d.dimValue === null || d.dimValue === undefined || d.dimParam) throw new OnnxImportError(`${where}: dimension ${i} is ${d.dimParam ? `"${d.dimParam}"` : 'unknown'}; Convas needs every dimension but the batch fixed`, 'graph.input');
    const n = int(d.dimValue, `${where}.dim[${i}]`);
    if (n < 1 || n > 1 << 20) throw new OnnxImportError(`${where}: dimension ${i} is ${n}; it must be between 1 and ${1 << 20}`, 'graph.input');
    return n;
  });
  if (dims.length !== 2 && dims.length !== 4) throw new OnnxImportError(`${where}: ${dims.length} dimensions; Convas takes images N×C×H×W (or N×H×W×C) and vectors N×F`, 'graph.input');
  return { name: v.name!, dims: dims.slice(1) };
}

export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): OnnxImport {
  const model = decodeModel(bytes);
  const opset = opsetOf(model);
  if (opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max) {
    throw new OnnxImportError(`opset ${opset}: Convas imports opsets ${ONNX_OPSETS.min}–${ONNX_OPSETS.max} (convert with onnx.version_converter)`, 'opset_import');
  }
  const g = model.graph!;
  const nodes = g.node ?? [];
  const values = new Map<string, Value>();
  for (const [i, t] of (g.initializer ?? []).entries()) {
    const name = t.name ?? '';
    if (!name) throw new OnnxImportError(`graph.initializer[${i}] has no name`, `graph.initializer[${i}]`);
    values.set(name, { kind: 'const', ...tensorData(t, `initializer "${name}"`) });
  }
  const input = graphInput(g, new Set(values.keys()));
  const order = dependencyOrder(nodes, new Set([...values.keys(), input.name]));

  // readers of each value: nodes, plus graph outputs
  const readers = new Map<string, number>();
  const read = (v: string) => readers.set(v, (readers.get(v) ?? 0) + 1);
  for (const n of nodes) for (const v of n.input ?? []) if (v) read(v);
  for (const o of g.output ?? []) if (o.name) read(o.name);

  const ids = new IdMaker();
  const layers = new Map<string, Layer>();
  const edges: GraphEdge[] = [];
  // the ONNX value each live node output came from, for counting its readers
  const valueOf = new Map<string, string>();

  // NHWC input: a Keras/TF model transposes its N×H×W×C input to NCHW first
  const readersOfInput = nodes.filter((n) => (n.input ?? []).includes(input.name));
  const nhwc = input.dims.length === 3 && readersOfInput.length > 0 && readersOfInput.every((n) => n.opType === 'Transpose' && attributes(n, n.name ?? '').get('perm')?.toString() === '0,3,1,2');
  const inputId = ids.make(input.name, 'Input');
  const inputValue: LiveValue = { kind: 'live', node: inputId, dims: input.dims, layout: nhwc ? 'nhwc' : 'nchw' };
  layers.set(inputId, { node: { id: inputId, type: 'Input', params: { shape: [...convasDims(inputValue)] } }, tensors: {}, order: -1 });
  values.set(input.name, inputValue);
  valueOf.set(inputId, input.name);

  const mapping: MappingRow[] = [];
  const failed: UnmappedNode[] = [];
  const broken = new Set<string>();
  const skipped: string[] = [];
  let firstFailure = Infinity;

  for (const [step, i] of order.entries()) {
    const node = nodes[i];
    const label = nodeLabel(node, i);
    const opType = node.opType ?? '';
    const ins = node.input ?? [];
    const outs = node.output ?? [];
    if (node.domain && node.domain !== 'ai.onnx') {
      failed.push({ name: label, opType: `${node.domain}.${opType}`, inputs: ins, reason: `domain ${node.domain} is not ONNX's own` });
      firstFailure = Math.min(firstFailure, step);
      outs.forEach((o) => broken.add(o));
      continue;
    }
    if (ins.some((v) => broken.has(v))) {
      skipped.push(label);
      outs.forEach((o) => broken.add(o));
      mapping.push({ onnx: label, opType, convas: [], note: 'not imported (an input was not mapped)' });
      continue;
    }
    const added: string[] = [];
    let note: string | undefined;
    const c: OpContext = {
      node,
      opType,
      opset,
      attrs: attributes(node, `node ${label}`),
      input: (k) => (ins[k] ? values.get(ins[k])! : null),
      readers: (k) => (outs[k] ? (readers.get(outs[k]) ?? 0) : 0),
      liveReaders: (v) => readers.get(valueOf.get(v.node) ?? '') ?? 0,
      layer(type, params, inputs, tensors = {}) {
        const id = ids.make(node.name, opType);
        layers.set(id, { node: { id, type, params }, tensors, order: step });
        inputs.forEach((v, port) => edges.push({ from: v.node, to: id, port }));
        added.push(id);
        return id;
      },
      note: (text) => {
        note = text;
      },
      layerOf: (id) => {
        const l = layers.get(id);
        return l && { type: l.node.type, params: l.node.params, tensors: l.tensors };
      },
    };
    try {
      const mapper = ONNX_OPS[opType];
      if (!mapper) throw new Unmappable(`ONNX ${opType} has no Convas layer`);
      const result = mapper(c);
      const list = Array.isArray(result) ? result : [result];
      list.forEach((v, k) => {
        if (!outs[k]) return;
        values.set(outs[k], v);
        if (v.kind === 'live' && added.includes(v.node)) valueOf.set(v.node, outs[k]);
      });
      outs.slice(list.length).forEach((o) => {
        if (o && (readers.get(o) ?? 0) > 0 && !values.has(o)) broken.add(o);
      });
      const first = list[0];
      note ??= added.length ? undefined : first?.kind === 'const' ? 'folded (constant)' : 'passes its input through';
      mapping.push({ onnx: label, opType, convas: added, ...(note ? { note } : {}) });
    } catch (e) {
      if (!(e instanceof Unmappable)) throw e;
      for (const id of added) layers.delete(id);
      failed.push({ name: label, opType, inputs: ins, reason: e.reason });
      firstFailure = Math.min(firstFailure, step);
      outs.forEach((o) => broken.add(o));
      mapping.push({ onnx: label, opType, convas: [], note: `not mapped: ${e.reason}` });
    }
  }

  for (const o of g.output ?? []) {
    const v = values.get(o.name ?? '');
    if (!broken.has(o.name ?? '') && v && v.kind !== 'live') throw new OnnxImportError(`graph output "${o.name}" is a constant, not computed from the input`, 'graph.output');
  }
  let stopped: OnnxImport['stopped'] = null;
  if (failed.length) {
    const lines = failed.map((f) => `${f.name} (${f.opType}; inputs ${f.inputs.map((v) => JSON.stringify(v)).join(', ') || 'none'}): ${f.reason}`);
    if (!options.partial) {
      throw new OnnxImportError(`${failed.length} ONNX node${failed.length === 1 ? '' : 's'} cannot be mapped onto Convas layers:\n  ${lines.join('\n  ')}\n(--partial imports the part before the first of them)`, 'graph.node', failed[0].name, lines);
    }
    // keep the layers made before the first failure (the part of the model up to where it stopped)
    const after = [...layers.entries()].filter(([, l]) => l.order > firstFailure).map(([id]) => id);
    for (const id of after) layers.delete(id);
    const stepOf = new Map(order.map((i, s) => [nodeLabel(nodes[i], i), s]));
    for (const row of mapping) {
      if (row.convas.some((id) => after.includes(id)) || ((stepOf.get(row.onnx) ?? 0) > firstFailure && !row.note?.startsWith('not'))) {
        row.convas = [];
        row.note = 'not imported (after the stop)';
      }
    }
    stopped = { at: failed.find((f) => stepOf.get(f.name) === firstFailure) ?? failed[0], skipped: mapping.filter((r) => r.note?.startsWith('not imported')).map((r) => r.onnx) };
  }

  const kept = new Set(layers.keys());
  const graph: Graph = {
    nodes: [...layers.values()].map((l) => l.node),
    edges: edges.filter((e) => kept.has(e.from) && kept.has(e.to)),
  };
  const report = inferShapes(graph);
  if (!report.ok) throw new OnnxImportError(`the imported graph does not check: ${report.errors.map((e) => e.message).join('; ')}`, 'graph');
  const weights: WeightMap = {};
  for (const [id, l] of layers) for (const [name, t] of Object.entries(l.tensors)) weights[`${id}.${name}`] = t;
  checkShapes(report, values);
  return { graph, weights, report, mapping, opset, producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '), stopped };
}

/** Every live value's shape as ONNX computed it equals the Convas node's: a mapping mistake is an error, not wrong numbers. */
function checkShapes(report: ShapeReport, values: Map<string, Value>): void {
  for (const [name, v] of values) {
    if (v.kind !== 'live' || v.pad) continue;
    const info = report.byId.get(v.node);
    if (!info) continue;
    const want = convasDims(v);
    if (info.outputShape && info.outputShape.join() !== want.join()) {
      throw new OnnxImportError(`ONNX value "${name}" is ${describeDims(v.dims)}, but Convas node ${v.node} (${info.type}) gives N×${info.outputShape.join('×')}`, 'graph', v.node);
    }
  }
}
