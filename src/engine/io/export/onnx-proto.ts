/**
 * onnx-proto is CommonJS whose `onnx` namespace Node's ESM loader cannot see as a named export:
 * take it from the default export once, here, with its types.
 */
import onnxProto from 'onnx-proto';

export const onnx: typeof onnxProto.onnx = onnxProto.onnx;
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace onnx {
  export type INodeProto = onnxProto.onnx.INodeProto;
  export type IAttributeProto = onnxProto.onnx.IAttributeProto;
  export type IValueInfoProto = onnxProto.onnx.IValueInfoProto;
}
