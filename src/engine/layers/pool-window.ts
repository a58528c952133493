/**
 * What MaxPool2D and AvgPool2D share: the parameter schema, the window geometry (stride defaults
 * to the pool size) and the node-face summary. The two layers differ only in their kernels.
 */
import { ShapeError } from '../graph/errors';
import type { Padding, ParamDef } from './params';
import { expectImage, windowGeometry, type Window } from './geometry';
import { copyGrid, elementwise, exactDiv, type Addressing, type GeneratedKernel } from './conv-codegen';
import { poolTiles, type PoolMaxOp } from './native-op';

export interface PoolParams {
  poolSize: [number, number];
  /** null: the pool size (non-overlapping windows), as in Keras and PyTorch. */
  stride: [number, number] | null;
  padding: Padding;
}

export const POOL_PARAMS: readonly ParamDef[] = [
  { name: 'poolSize', label: 'Pool', kind: 'pair', min: 1, max: 1024, suggested: [2, 2], help: 'Window height × width.' },
  { name: 'stride', label: 'Stride', kind: 'pair', min: 1, max: 1024, default: null, help: 'Step between windows (rows, columns); empty means the pool size.' },
  { name: 'padding', label: 'Padding', kind: 'padding', default: 'valid', help: '"valid" (none), "same" (output = ⌈input / stride⌉) or [rows, columns] on each side.' },
];

export function poolStride(p: PoolParams): [number, number] {
  return p.stride ?? p.poolSize;
}

/**
 * Output size and padding offsets. Explicit padding is limited to half the window (PyTorch's
 * rule): beyond that a window could hold only padding, and a max over nothing has no value.
 * "same" never gets there (its padding on either side is at most half the window).
 */
export function poolGeometry(layer: string, inShape: readonly number[], p: PoolParams): Window & { C: number; H: number; W: number } {
  const [C, H, W] = expectImage(inShape, layer);
  if (Array.isArray(p.padding)) {
    const [ph, pw] = p.padding;
    const [kh, kw] = p.poolSize;
    if (2 * ph > kh || 2 * pw > kw) {
      throw new ShapeError(`padding ${ph}×${pw} is more than half the pool size ${kh}×${kw}: a window could hold only padding`, 'padding');
    }
  }
  const g = windowGeometry('pool', H, W, p.poolSize, poolStride(p), p.padding, 'poolSize');
  return { ...g, C, H, W };
}

export function poolSummary(p: PoolParams): string {
  const s = poolStride(p);
  const pad = p.padding === 'same' ? ', same' : Array.isArray(p.padding) && (p.padding[0] || p.padding[1]) ? `, p${p.padding[0] === p.padding[1] ? p.padding[0] : p.padding.join('×')}` : '';
  return `${p.poolSize[0]}×${p.poolSize[1]}, s${s[0] === s[1] ? s[0] : s.join('×')}${pad}`;
}

/** Constants every pooling kernel sees. */
export type PoolConsts = {
  C: number; H: number; W: number; KH: number; KW: number;
  OH: number; OW: number; SH: number; SW: number; PT: number; PL: number;
  /** OH·OW, the size of one output plane. */
  OHW: number;
};

export function poolConsts(inShape: readonly number[], p: PoolParams, layer: string): PoolConsts {
  const g = poolGeometry(layer, inShape, p);
  const [SH, SW] = poolStride(p);
  return { C: g.C, H: g.H, W: g.W, KH: p.poolSize[0], KW: p.poolSize[1], OH: g.oh, OW: g.ow, SH, SW, PT: g.pt, PL: g.pl, OHW: g.oh * g.ow };
}

/**
 * The input gradient of a pooling layer, one thread per input pixel: the sum over the windows
 * that contain it (output row oh takes the pixel through tap kh when oh·SH = ih + PT − kh
 * exactly). Max pooling adds a window's delta only where the saved argmax is this pixel
 * (`dy, arg`); average pooling adds every window's delta and divides by the window size (`dy`).
 * `a`: webasm's grid, or exact i32 offsets elsewhere (tensors past 2^24: VGG-16 at batch 8).
 */
export function poolBackwardSource(k: PoolConsts, planes: number, mode: 'max' | 'avg', a: Addressing = {}): GeneratedKernel {
  if (poolTiles(k)) return tiledBackwardSource(k, planes, mode, a);
  return elementwise(copyGrid(a, [['iw', k.W], ['ih', k.H]]), [['iw', k.W], ['ih', k.H]], [['plane', planes]], mode === 'max' ? ['dy', 'arg'] : ['dy'], ({ int }) => {
    const L = [`const pos = ih * ${k.W} + iw;`, 'let s = 0;'];
    L.push(`for (let kh = 0; kh < ${k.KH}; kh++) {`, `const th = ih + ${k.PT} - kh;`);
    exactDiv(L, 'oh', 'th', k.SH);
    L.push(`if (th >= 0 && oh * ${k.SH} === th && oh < ${k.OH}) {`);
    L.push(`for (let kw = 0; kw < ${k.KW}; kw++) {`, `const tw = iw + ${k.PL} - kw;`);
    exactDiv(L, 'ow', 'tw', k.SW);
    const o = `${int('plane')} * ${k.OHW} + ${int('oh')} * ${k.OW} + ${int('ow')}`;
    L.push(`if (tw >= 0 && ow * ${k.SW} === tw && ow < ${k.OW}) {`);
    L.push(mode === 'max' ? `if (arg[${o}] === pos) {` : '{', `s += dy[${o}];`, '}');
    L.push('}', '}', '}', '}');
    L.push(mode === 'max' ? 'return s;' : `return s / ${k.KH * k.KW};`);
    return L;
  }, a);
}

/**
 * The input gradient when windows tile the input (pool size = stride, no padding: the usual 2×2
 * pooling): each pixel lies in at most one window, found by exact division — no loops and no
 * per-lane branches (the general form's window search cost 5× more on webasm).
 */
function tiledBackwardSource(k: PoolConsts, planes: number, mode: 'max' | 'avg', a: Addressing): GeneratedKernel {
  return elementwise(copyGrid(a, [['iw', k.W], ['ih', k.H]]), [['iw', k.W], ['ih', k.H]], [['plane', planes]], mode === 'max' ? ['dy', 'arg'] : ['dy'], ({ int }) => {
    const L: string[] = [];
    exactDiv(L, 'oh', 'ih', k.SH);
    exactDiv(L, 'ow', 'iw', k.SW);
    // pixels past the last whole window (ceil-less pooling drops them) get no gradient
    L.push(`const inside = (oh < ${k.OH} && ow < ${k.OW}) ? 1 : 0;`);
    L.push(`const ohc = Math.min(oh, ${k.OH - 1});`, `const owc = Math.min(ow, ${k.OW - 1});`);
    // the offset inline (not a const): with exact addressing it is computed in i32
    const o = `${int('plane')} * ${k.OHW} + ${int('ohc')} * ${k.OW} + ${int('owc')}`;
    if (mode === 'max') L.push(`return (arg[${o}] === ih * ${k.W} + iw ? 1 : 0) * inside * dy[${o}];`);
    else L.push(`return inside * dy[${o}] / ${k.KH * k.KW};`);
    return L;
  }, a);
}

/**
 * The forward scan of each window, one thread per output cell (planes = batch × channels):
 * `argmax` returns the position (ih·W + iw, exact in f32) of the first maximum in window order,
 * as PyTorch on ties, skipping padded cells; `avg` returns the window's sum over real cells
 * divided by KH·KW (padding counts as zeros).
 */
export function poolForwardSource(k: PoolConsts, planes: number, mode: 'argmax' | 'avg', a: Addressing = {}): GeneratedKernel {
  return elementwise(copyGrid(a, [['ow', k.OW], ['oh', k.OH]]), [['ow', k.OW], ['oh', k.OH]], [['plane', planes]], ['x'], ({ int }) => {
    const L = mode === 'argmax' ? ['let best = 0;', 'let at = -1;'] : ['let s = 0;'];
    L.push(`for (let kh = 0; kh < ${k.KH}; kh++) {`, `const ih = oh * ${k.SH} - ${k.PT} + kh;`, `if (ih >= 0 && ih < ${k.H}) {`);
    L.push(`for (let kw = 0; kw < ${k.KW}; kw++) {`, `const iw = ow * ${k.SW} - ${k.PL} + kw;`, `if (iw >= 0 && iw < ${k.W}) {`);
    const at = `x[${int('plane')} * ${k.H * k.W} + ${int('ih')} * ${k.W} + ${int('iw')}]`;
    if (mode === 'argmax') {
      // strict > keeps the first maximum on ties
      L.push(`const v = ${at};`, 'if (at < 0 || v > best) {', 'best = v;', `at = ih * ${k.W} + iw;`, '}');
    } else {
      L.push(`s += ${at};`);
    }
    L.push('}', '}', '}', '}');
    L.push(mode === 'argmax' ? 'return at;' : `return s / ${k.KH * k.KW};`);
    return L;
  }, a);
}

/**
 * A max pooling kernel of this geometry as a native operation, over the kernel's own grid. The
 * gather reads only the plane sizes, and two poolings with the same sizes share its source: its
 * window fields are left neutral so that one source means one operation (hook.ts refuses two).
 */
export function poolMaxOp(k: PoolConsts, size: number | [number, number], phase: PoolMaxOp['phase']): PoolMaxOp {
  const [J, Y] = typeof size === 'number' ? [size, 1] : size;
  const window = phase === 'gather' ? { KH: 1, KW: 1, SH: 1, SW: 1, PT: 0, PL: 0 } : { KH: k.KH, KW: k.KW, SH: k.SH, SW: k.SW, PT: k.PT, PL: k.PL };
  return { kind: 'pool-max', phase, J, rows: [{ size: Y, a: 0, b: 0 }], H: k.H, W: k.W, OH: k.OH, OW: k.OW, ...window };
}

/** Max pooling's output: the input at each window's saved argmax. */
export function poolGatherSource(k: PoolConsts, planes: number, a: Addressing = {}): GeneratedKernel {
  return elementwise(copyGrid(a, [['p', k.OHW]]), [['p', k.OHW]], [['plane', planes]], ['x', 'arg'], ({ I, int }) => [`return x[${int('plane')} * ${k.H * k.W} + ${int(`arg[${I}]`)}];`], a);
}
