/**
 * Native kernels on webasm (backend/native/). GEMMs: inside gpu.js plans, single-threaded and on the worker
 * pool (ranges that start and end mid-row), the WebAssembly computes exactly — bit for bit —
 * what `nativeReference` says, and that equals what the kernel's own source computes on the cpu
 * backend within f32 rounding. Shapes cover rows shorter than a 16-column pass, columns and
 * reductions that are not multiples of 4, three-digit rows, bias, and both forms.
 */
import { describe, expect, it } from 'vitest';
import type { Handle } from '../../src/engine/layers/spec';
import { nativeArity, nativeReference, nativeRows, nativeSource, rowBases, type GemmNN, type GemmNT, type NativeOp, type PoolMaxOp } from '../../src/engine/layers/native-op';
import { poolBackwardSource, poolConsts, poolForwardSource, poolGatherSource, poolMaxOp, type PoolParams } from '../../src/engine/layers/pool-window';
import { nativeKernels, nativeStats, registerNative, registeredNativeKernels, REGISTRY_LIMIT } from '../../src/engine/backend/native/hook';
import { Rng } from '../../src/engine/util/rng';
import type { ConvGeometry, GeneratedKernel } from '../../src/engine/layers/conv-codegen';
import { col2imOp, col2imSource, columnsSize, im2colOp, im2colSource } from '../../src/engine/layers/im2col';
import { deviceFor } from '../helpers/backends';

/** How long each argument must be for `op` to stay in bounds. */
function argLengths(op: GemmNN | GemmNT): number[] {
  let a = 0;
  let b = 0;
  let c = 0;
  const outer = op.kind === 'gemm-nt' && op.outer ? op.outer : { size: 1, a: 0, b: 0 };
  for (let y = 0; y < nativeRows(op); y++) {
    const r = rowBases(op, y);
    a = Math.max(a, r.a + (outer.size - 1) * outer.a + (op.kind === 'gemm-nn' ? (op.K - 1) * op.aK : op.K - 1) + 1);
    b = Math.max(b, r.b + (outer.size - 1) * outer.b + (op.kind === 'gemm-nn' ? (op.K - 1) * op.bK + op.J : (op.J - 1) * op.bJ + op.K));
    c = Math.max(c, r.bias + 1);
  }
  const lengths = new Array<number>(nativeArity(op)).fill(1);
  lengths[op.a] = a;
  lengths[op.b] = b;
  if (op.bias !== undefined) lengths[op.bias] = op.J;
  if (op.kind === 'gemm-nn' && op.rowBias !== undefined) lengths[op.rowBias] = c;
  return lengths;
}

const OPS: (GemmNN | GemmNT)[] = [
  // Winograd-forward-like: three row digits, B shared along the middle one
  { kind: 'gemm-nn', J: 36, rows: [{ size: 3, a: 10 * 7, b: 7 * 2 * 36 }, { size: 10, a: 7, b: 0 }, { size: 2, a: 0, b: 36 }], K: 7, aK: 1, bK: 2 * 36, a: 0, b: 1 },
  // Dense backward-weight-like: A read with a stride, arguments swapped
  { kind: 'gemm-nn', J: 53, rows: [{ size: 9, a: 1, b: 0 }], K: 5, aK: 9, bK: 53, a: 1, b: 0 },
  // wide rows (16-column passes), bias
  { kind: 'gemm-nn', J: 100, rows: [{ size: 90, a: 13, b: 0 }], K: 13, aK: 1, bK: 100, a: 0, b: 1, bias: 2 },
  // Dense-forward-like: reduction contiguous in both, K not a multiple of 4, bias
  { kind: 'gemm-nt', J: 11, rows: [{ size: 6, a: 23, b: 0 }], K: 23, bJ: 23, a: 0, b: 1, bias: 2 },
  // Winograd-weight-gradient-like: two row digits, K a multiple of 4, many cells (threads split rows)
  { kind: 'gemm-nt', J: 30, rows: [{ size: 4, a: 5 * 64, b: 30 * 64 }, { size: 5, a: 64, b: 0 }], K: 64, bJ: 64, a: 0, b: 1 },
  { kind: 'gemm-nt', J: 70, rows: [{ size: 300, a: 3, b: 0 }], K: 3, bJ: 3, a: 0, b: 1 },
  // convolution forward as im2col: bias per output channel (a row digit), arguments (cols, w, b)
  { kind: 'gemm-nn', J: 36, rows: [{ size: 3, a: 0, b: 18 * 36 }, { size: 5, a: 18, b: 0, bias: 1 }], K: 18, aK: 1, bK: 36, a: 1, b: 0, rowBias: 2 },
  // convolution weight gradient: an outer reduction over the batch, K with a remainder
  { kind: 'gemm-nt', J: 25, rows: [{ size: 6, a: 37, b: 0 }], K: 37, bJ: 37, outer: { size: 5, a: 6 * 37, b: 25 * 37 }, a: 0, b: 1 },
  { kind: 'gemm-nt', J: 9, rows: [{ size: 3, a: 8, b: 0 }], K: 8, bJ: 8, outer: { size: 4, a: 24, b: 72 }, a: 0, b: 1, bias: 2 },
];

function randomArgs(op: GemmNN | GemmNT, rng: Rng): Float32Array[] {
  return argLengths(op).map((n) => new Float32Array(n).map(() => rng.random() * 2 - 1));
}

async function runOn(backend: 'webasm' | 'cpu', op: GemmNN | GemmNT, args: Float32Array[], threads: boolean, executors: string[] = []): Promise<Float32Array> {
  const device = await deviceFor(backend);
  const k = device.kernel(nativeSource(op) as never, [op.J, nativeRows(op)], undefined, op);
  const plan = device.plan(args.length, (...h) => [k(...(h as Handle[]))], { threads });
  try {
    const [out] = await plan(...args);
    executors.push(plan.executorKind);
    return out;
  } finally {
    plan.destroy();
  }
}

describe('native GEMMs (webasm)', () => {
  it('remember a bounded number of kernels (previews recompile at every edit), refusing one source for two operations', () => {
    const op = OPS[1];
    for (let i = 0; i < REGISTRY_LIMIT + 100; i++) registerNative(`function probe${i}() {}`, [op.J, nativeRows(op)], op);
    expect(registeredNativeKernels()).toBe(REGISTRY_LIMIT);
    expect(() => registerNative('function probe0b() {}', [op.J, nativeRows(op)], OPS[2])).not.toThrow();
    expect(() => registerNative('function probe0b() {}', [op.J, nativeRows(op)], op)).toThrow('one kernel source registered with two different operations');
  });

  it('compute what nativeReference says, bit for bit, on one thread and on the worker pool', async () => {
    const rng = new Rng(5);
    for (const op of OPS) {
      const args = randomArgs(op, rng);
      const expected = nativeReference(op, args);
      for (const threads of [false, true]) {
        const before = nativeStats.modules;
        const executors: string[] = [];
        const got = await runOn('webasm', op, args, threads, executors);
        // gpu.js splits plans of at least 2 × 4,096 cells between workers (on a machine with 2+ cores)
        if (threads && nativeRows(op) * op.J >= 8192) expect(executors[0]).toBe('fused-threaded');
        if (!threads) expect(executors[0]).toBe('fused-sync');
        expect(nativeStats.modules, `${op.kind} J=${op.J}: the native module was built`).toBeGreaterThan(before);
        expect(got.length).toBe(expected.length);
        const wrong = got.findIndex((v, i) => !Object.is(v, expected[i]));
        expect(wrong, `${op.kind} J=${op.J} threads=${threads}: first differing cell ${wrong}: ${got[wrong]} vs ${expected[wrong]}`).toBe(-1);
      }
    }
  }, 120_000);

  it('equal the kernel source run by the cpu backend, within f32 rounding', async () => {
    const rng = new Rng(6);
    for (const op of OPS) {
      const args = randomArgs(op, rng);
      const native = await runOn('webasm', op, args, false);
      const cpu = await runOn('cpu', op, args, false);
      const scale = Math.sqrt(op.K);
      for (let i = 0; i < cpu.length; i++) expect(Math.abs(native[i] - cpu[i]), `${op.kind} cell ${i}`).toBeLessThan(1e-5 * scale + 1e-6);
    }
  }, 120_000);

  it('give way to gpu.js’s own module when switched off, with the same results within rounding', async () => {
    const rng = new Rng(7);
    const op = OPS[0];
    const args = randomArgs(op, rng);
    const native = await runOn('webasm', op, args, false);
    nativeKernels.enabled = false;
    try {
      const before = nativeStats.modules;
      const own = await runOn('webasm', { ...op }, args, false);
      expect(nativeStats.modules).toBe(before);
      for (let i = 0; i < own.length; i++) expect(Math.abs(own[i] - native[i])).toBeLessThan(1e-5);
    } finally {
      nativeKernels.enabled = true;
    }
  }, 120_000);
});

/** Convolution geometries for the copies: strides, padding-sized inputs, rows that do not fill quads. */
const GEOMETRIES: ConvGeometry[] = [
  { N: 2, C: 3, H: 9, W: 11, F: 4, KH: 3, KW: 3, OH: 7, OW: 9, SH: 1, SW: 1, PT: 0, PL: 0 },
  { N: 3, C: 2, H: 13, W: 13, F: 2, KH: 5, KW: 5, OH: 9, OW: 9, SH: 1, SW: 1, PT: 0, PL: 0 },
  { N: 2, C: 2, H: 11, W: 12, F: 3, KH: 3, KW: 2, OH: 5, OW: 6, SH: 2, SW: 2, PT: 0, PL: 0 },
  { N: 1, C: 4, H: 10, W: 9, F: 2, KH: 4, KW: 3, OH: 3, OW: 7, SH: 3, SW: 1, PT: 0, PL: 0 },
  { N: 8, C: 8, H: 28, W: 28, F: 4, KH: 5, KW: 5, OH: 24, OW: 24, SH: 1, SW: 1, PT: 0, PL: 0 },
];

async function runKernel(backend: 'webasm' | 'cpu', k: GeneratedKernel, op: NativeOp | undefined, arg: Float32Array, threads: boolean, executors: string[] = []): Promise<Float32Array> {
  const device = await deviceFor(backend);
  const kernel = device.kernel(k.source, k.size, undefined, op);
  const plan = device.plan(1, (h) => [kernel(h as Handle)], { threads });
  try {
    const [out] = await plan(arg);
    executors.push(plan.executorKind);
    return out;
  } finally {
    plan.destroy();
  }
}

describe('native im2col and col2im (webasm)', () => {
  it('equal nativeReference bit for bit and the gpu.js kernels on cpu within rounding, on one thread and on the worker pool', async () => {
    const rng = new Rng(8);
    for (const g of GEOMETRIES) {
      const HP = (g.OH - 1) * g.SH + g.KH;
      const WP = (g.OW - 1) * g.SW + g.KW;
      const cases: [string, GeneratedKernel, NativeOp | null, number][] = [
        ['im2col', im2colSource(g, HP, WP), im2colOp(g, HP, WP), g.N * g.C * HP * WP],
        ['col2im', col2imSource(g, HP, WP), col2imOp(g, HP, WP), columnsSize(g)],
      ];
      for (const [name, k, op, inputSize] of cases) {
        const what = `${name} ${JSON.stringify(g)}`;
        if (!op) {
          expect(g.SW, `${what}: only strided widths keep gpu.js's col2im`).toBeGreaterThan(1);
          continue;
        }
        const x = new Float32Array(inputSize).map(() => rng.random() * 2 - 1);
        const expected = nativeReference(op, [x]);
        const cpu = await runKernel('cpu', k, undefined, x, false);
        const cpuWrong = cpu.findIndex((v, i) => Math.abs(v - expected[i]) > 1e-5);
        expect(cpuWrong, `${what}: gpu.js source on cpu vs reference at ${cpuWrong}`).toBe(-1);
        for (const threads of [false, true]) {
          const before = nativeStats.modules;
          const executors: string[] = [];
          const got = await runKernel('webasm', k, op, x, threads, executors);
          expect(nativeStats.modules, what).toBeGreaterThan(before);
          if (threads && expected.length >= 8192) expect(executors[0]).toBe('fused-threaded');
          const wrong = got.findIndex((v, i) => !Object.is(v, expected[i]));
          expect(wrong, `${what} threads=${threads}: first differing cell ${wrong}: ${got[wrong]} vs ${expected[wrong]}`).toBe(-1);
        }
      }
    }
  }, 120_000);
});

/** Pooling geometries: the usual tiling 2×2, overlapping 3×3 stride 2 with padding (AlexNet-like), odd sizes with pixels no window reaches, rows that do not fill quads. */
const POOLS: PoolParams[] = [
  { poolSize: [2, 2], stride: null, padding: 'valid' },
  { poolSize: [3, 3], stride: [2, 2], padding: [1, 1] },
  { poolSize: [2, 3], stride: [1, 2], padding: 'valid' },
  { poolSize: [3, 2], stride: [3, 2], padding: 'same' },
];

describe('native max pooling (webasm)', () => {
  it('equals nativeReference bit for bit and the gpu.js kernels on cpu exactly, on one thread and on the worker pool', async () => {
    const rng = new Rng(9);
    for (const [shape, batch] of [
      [[3, 9, 11], 2],
      [[8, 24, 24], 16],
    ] as [number[], number][]) {
      for (const p of POOLS) {
        const k = poolConsts(shape, p, 'pool');
        const planes = batch * k.C;
        // ties on purpose: values from a few levels, so the first-maximum rule is exercised
        const x = new Float32Array(planes * k.H * k.W).map(() => Math.floor(rng.random() * 5));
        const cases: [PoolMaxOp['phase'], GeneratedKernel, () => Float32Array[]][] = [];
        const am = poolForwardSource(k, planes, 'argmax', { grid: true });
        const argmaxOp = poolMaxOp(k, am.size, 'argmax');
        const arg = nativeReference(argmaxOp, [x]);
        const dy = new Float32Array(arg.length).map(() => rng.random() * 2 - 1);
        cases.push(['argmax', am, () => [x]]);
        cases.push(['gather', poolGatherSource(k, planes, { grid: true }), () => [x, arg]]);
        cases.push(['backward', poolBackwardSource(k, planes, 'max', { grid: true }), () => [dy, arg]]);
        for (const [phase, kernel, argsOf] of cases) {
          const what = `${phase} ${JSON.stringify(p)} on ${shape.join('×')} × ${batch}`;
          const op = poolMaxOp(k, kernel.size, phase);
          const args = argsOf();
          const expected = nativeReference(op, args);
          const cpu = await runKernelN('cpu', kernel, undefined, args, false);
          const cpuWrong = cpu.findIndex((v, i) => Math.abs(v - expected[i]) > 1e-6);
          expect(cpuWrong, `${what}: gpu.js source on cpu vs reference at ${cpuWrong}: ${cpu[cpuWrong]} vs ${expected[cpuWrong]}`).toBe(-1);
          for (const threads of [false, true]) {
            const before = nativeStats.modules;
            const got = await runKernelN('webasm', kernel, op, args, threads);
            expect(nativeStats.modules, what).toBeGreaterThan(before);
            const wrong = got.findIndex((v, i) => !Object.is(v, expected[i]));
            expect(wrong, `${what} threads=${threads}: first differing cell ${wrong}: ${got[wrong]} vs ${expected[wrong]}`).toBe(-1);
          }
        }
      }
    }
  }, 120_000);
});

async function runKernelN(backend: 'webasm' | 'cpu', k: GeneratedKernel, op: NativeOp | undefined, args: Float32Array[], threads: boolean): Promise<Float32Array> {
  const device = await deviceFor(backend);
  const kernel = device.kernel(k.source, k.size, undefined, op);
  const plan = device.plan(args.length, (...h) => [kernel(...(h as Handle[]))], { threads });
  try {
    const [out] = await plan(...args);
    return out;
  } finally {
    plan.destroy();
  }
}
