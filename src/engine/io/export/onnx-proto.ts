/**
 * onnx-proto is CommonJS whose `onnx` namespace Node's ESM loader cannot see as a named export:
 * take it (values and types) from the default export once, here.
 */
import onnxProto from 'onnx-proto';

export import onnx = onnxProto.onnx;
