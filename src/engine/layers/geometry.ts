/** Window geometry shared by Conv2D and the pooling layers: output size and padding offsets. */
import { ShapeError } from '../graph/errors';
import type { Padding } from './params';

export interface Window {
  /** Output height and width. */
  oh: number;
  ow: number;
  /** Padding before (top, left); padding after is implied by the output size. */
  pt: number;
  pl: number;
}

/**
 * `valid`: no padding; `same`: output = ceil(input / stride), padding split as TensorFlow/Keras
 * do (the extra pixel, if any, after); [ph, pw]: symmetric explicit padding, as PyTorch.
 */
export function windowGeometry(
  what: string,
  inH: number,
  inW: number,
  k: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
  sizeField: string,
): Window {
  let pt: number, pl: number, oh: number, ow: number;
  if (padding === 'same') {
    oh = Math.ceil(inH / stride[0]);
    ow = Math.ceil(inW / stride[1]);
    pt = Math.floor(Math.max((oh - 1) * stride[0] + k[0] - inH, 0) / 2);
    pl = Math.floor(Math.max((ow - 1) * stride[1] + k[1] - inW, 0) / 2);
  } else {
    const [ph, pw] = padding === 'valid' ? [0, 0] : padding;
    if (k[0] > inH + 2 * ph || k[1] > inW + 2 * pw) {
      const pad = ph === pw ? `${ph}` : `${ph}×${pw}`;
      // say what would fix it: 'same' padding keeps any window, or a window no larger than the padded input
      throw new ShapeError(`${what} ${k[0]}×${k[1]} does not fit input ${inH}×${inW} (padding ${pad}): use padding "same" or a ${what} of at most ${inH + 2 * ph}×${inW + 2 * pw}`, sizeField);
    }
    pt = ph;
    pl = pw;
    oh = Math.floor((inH + 2 * ph - k[0]) / stride[0]) + 1;
    ow = Math.floor((inW + 2 * pw - k[1]) / stride[1]) + 1;
  }
  return { oh, ow, pt, pl };
}

export function expectImage(inShape: readonly number[], layer: string): [number, number, number] {
  if (inShape.length !== 3) {
    throw new ShapeError(`${layer} needs an image input C×H×W, got ${inShape.length === 1 ? `a vector of ${inShape[0]}` : inShape.join('×')}`, null);
  }
  return [inShape[0], inShape[1], inShape[2]];
}
