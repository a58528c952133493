/**
 * ONNX export: `model.onnx`, opset 17, input `input` [batch, ...] with a dynamic batch
 * dimension, output named after the output node, initializers named `<nodeId>.<name>`.
 *
 * Encoded with onnx-proto's message classes (protobufjs). The model is produced as a sequence of
 * byte chunks — the graph without its initializers, then each initializer as its own encoded
 * TensorProto inside the graph field — so a 500 MB model never sits in one buffer or string.
 * Protobuf fields may come in any order, so the chunks decode as one ordinary ModelProto.
 */
import { onnx } from './onnx-proto';
import { Writer } from 'protobufjs/minimal';
import { GENERATED_BY } from '../header';
import type { Artifact } from './artifact';
import { OnnxGraph, type OnnxInitializer } from './onnx-graph';
import { ONNX_LAYERS } from './onnx-layers';
import { ExportError, type ExportPlan } from './plan';

export const ONNX_OPSET = 17;
/** IR version 8 goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
export const ONNX_INPUT = 'input';

export interface OnnxOptions {
  /** Extra `metadata_props` (e.g. preprocessing), as key → value strings. */
  metadata?: Record<string, string>;
  docString?: string;
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** The preprocessing record, stated in metadata_props as well as applied in the graph. */
function preprocessingMetadata(plan: ExportPlan): Record<string, string> {
  return plan.preprocessing ? { 'convas.preprocessing': JSON.stringify(plan.preprocessing), 'convas.preprocessing.applied': 'in the graph: (input - preprocessing.mean) / preprocessing.std' } : {};
}

/** Operators and initializers for the whole plan. */
export function buildOnnxGraph(plan: ExportPlan): { g: OnnxGraph; output: string } {
  const g = new OnnxGraph();
  const names = new Map<string, string>();
  let input = g.fresh(ONNX_INPUT);
  const pre = plan.preprocessing;
  if (pre) {
    // the model takes the data's own units and normalises them as training did
    const shape = plan.input.outShape.length === 3 ? [pre.mean.length, 1, 1] : [1];
    const mean = g.initializer('preprocessing.mean', shape, Float32Array.from(pre.mean));
    const std = g.initializer('preprocessing.std', shape, Float32Array.from(pre.std));
    input = g.op('Div', [g.op('Sub', [input, mean], 'preprocessing_centred'), std], 'preprocessing_out');
  }
  names.set(plan.input.id, input);
  for (const node of plan.nodes) {
    if (node === plan.input) continue;
    const layer = ONNX_LAYERS[node.type];
    if (!layer) throw new ExportError(`${node.id} (${node.type}): ONNX export has no mapping for this layer type`, node.id);
    const inputs = node.inputs.map((s) => names.get(s)!);
    const tensor = (name: string) => {
      const t = node.tensors[name];
      if (!t) throw new ExportError(`${node.id}: the layer has no tensor "${name}"`, node.id);
      return g.initializer(`${node.id}.${name}`, t.shape, t.data);
    };
    names.set(node.id, layer({ node, inputs, g, tensor }));
  }
  return { g, output: names.get(plan.output.id)! };
}

/**
 * One initializer as TensorProto chunks: its header fields encoded by onnx-proto, then the
 * raw_data field pointing at the tensor's own memory (no copy).
 */
function tensorChunks(t: OnnxInitializer): Uint8Array[] {
  const dataType = t.data instanceof Float32Array ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  const head = onnx.TensorProto.encode({ name: t.name, dims: [...t.shape], dataType }).finish();
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return [head, fieldHeader(RAW_DATA_FIELD, raw.length), raw];
}

/** A length-delimited field header: tag, then length (protobufjs's own varint writer). */
function fieldHeader(field: number, length: number): Uint8Array {
  return Writer.create()
    .uint32((field << 3) | 2)
    .uint32(length)
    .finish();
}

const GRAPH_FIELD = 7; // ModelProto.graph
const INITIALIZER_FIELD = 5; // GraphProto.initializer
const RAW_DATA_FIELD = 9; // TensorProto.raw_data

/** The model as byte chunks, in file order. */
export function* onnxChunks(plan: ExportPlan, options: OnnxOptions = {}): Generator<Uint8Array> {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new ExportError('ONNX export needs a little-endian machine (raw tensor data is little-endian)');
  const { g, output } = buildOnnxGraph(plan);
  const graphHead = onnx.GraphProto.encode({
    name: 'convas',
    node: g.nodes,
    input: [valueInfo(ONNX_INPUT, ['batch', ...plan.input.outShape])],
    output: [valueInfo(output, ['batch', ...plan.output.outShape])],
  }).finish();
  const inits = g.initializers.map(tensorChunks);
  const lengths = inits.map((chunks) => chunks.reduce((s, c) => s + c.length, 0));
  const initHeaders = lengths.map((n) => fieldHeader(INITIALIZER_FIELD, n));
  const graphLength = graphHead.length + lengths.reduce((s, n, i) => s + n + initHeaders[i].length, 0);
  yield onnx.ModelProto.encode({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'Convas',
    producerVersion: GENERATED_BY.replace(/^Convas /, ''),
    docString: options.docString ?? '',
    metadataProps: Object.entries({ ...preprocessingMetadata(plan), ...options.metadata }).map(([key, value]) => ({ key, value })),
  }).finish();
  yield fieldHeader(GRAPH_FIELD, graphLength);
  yield graphHead;
  for (let i = 0; i < inits.length; i++) {
    yield initHeaders[i];
    yield* inits[i];
  }
}

/** The ONNX export as one file, `model.onnx`. */
export function onnxArtifact(plan: ExportPlan, options: OnnxOptions = {}): Artifact {
  return { kind: 'file', files: [{ name: 'model.onnx', chunks: () => onnxChunks(plan, options) }] };
}
