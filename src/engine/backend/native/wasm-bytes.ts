/**
 * The smallest WebAssembly binary writer the native kernels need: one imported memory, one
 * exported function `run(start, end, seed)`, and the handful of scalar and SIMD opcodes the GEMMs
 * use. Opcode numbers from the WebAssembly core spec (SIMD opcodes are LEB128 after 0xfd).
 */

export type ValType = 'i32' | 'f32' | 'v128';
const VAL: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** One function body: locals are numbered after the three parameters (start, end, seed). */
export class Body {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  local(type: ValType): number {
    this.locals.push(type);
    return 3 + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(op: number, ...rest: number[]): this {
    this.code.push(0xfd);
    uleb(op, this.code);
    this.code.push(...rest);
    return this;
  }

  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, depth); }
  brIf(depth: number): this { return this.op(0x0d, depth); }
  get(i: number): this { return this.op(0x20, i); }
  set(i: number): this { return this.op(0x21, i); }
  tee(i: number): this { return this.op(0x22, i); }
  i32(v: number): this {
    this.code.push(0x41);
    sleb(v | 0, this.code);
    return this;
  }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  divU(): this { return this.op(0x6e); }
  remU(): this { return this.op(0x70); }
  shl(): this { return this.op(0x74); }
  ltS(): this { return this.op(0x48); }
  gtS(): this { return this.op(0x4a); }
  leS(): this { return this.op(0x4c); }
  geS(): this { return this.op(0x4e); }
  eqz(): this { return this.op(0x45); }
  eq(): this { return this.op(0x46); }
  ltU(): this { return this.op(0x49); }
  and(): this { return this.op(0x71); }
  or(): this { return this.op(0x72); }
  f32Eq(): this { return this.op(0x5b); }
  f32Gt(): this { return this.op(0x5e); }
  /** f32 → i32, truncating (indices held in f32 are exact integers). */
  f32ToI32(): this { return this.op(0xa8); }
  i32ToF32(): this { return this.op(0xb2); }
  select(): this { return this.op(0x1b); }
  f32Load(offset = 0): this {
    this.code.push(0x2a, 2);
    uleb(offset, this.code);
    return this;
  }
  f32Store(offset = 0): this {
    this.code.push(0x38, 2);
    uleb(offset, this.code);
    return this;
  }
  f32Const0(): this { return this.op(0x43, 0, 0, 0, 0); }
  f32Add(): this { return this.op(0x92); }
  f32Mul(): this { return this.op(0x94); }
  v128Load(offset = 0): this {
    this.simd(0x00, 0);
    uleb(offset, this.code);
    return this;
  }
  v128Store(offset = 0): this {
    this.simd(0x0b, 0);
    uleb(offset, this.code);
    return this;
  }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  f32x4Splat(): this { return this.simd(0x13); }
  f32x4Lane(lane: number): this { return this.simd(0x1f, lane); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }

  bytes(): number[] {
    const out: number[] = [];
    // locals as runs of one type
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, out);
    for (const [n, t] of runs) {
      uleb(n, out);
      out.push(VAL[t]);
    }
    out.push(...this.code, 0x0b);
    return out;
  }
}

function section(id: number, payload: number[], out: number[]): void {
  out.push(id);
  uleb(payload.length, out);
  out.push(...payload);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * A module importing `env.memory` with gpu.js's limits (every module of one fused plan must declare
 * the same) and exporting `run: (i32, i32, i32) → ()`.
 */
export function moduleBytes(body: Body, memory: { initial: number; maximum: number; shared: boolean }): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(1, [1, 0x60, 3, 0x7f, 0x7f, 0x7f, 0], out);
  const imp: number[] = [1];
  name('env', imp);
  name('memory', imp);
  imp.push(0x02, memory.shared ? 0x03 : 0x01);
  uleb(memory.initial, imp);
  uleb(memory.maximum, imp);
  section(2, imp, out);
  section(3, [1, 0], out);
  const exp: number[] = [1];
  name('run', exp);
  exp.push(0x00, 0);
  section(7, exp, out);
  const fn = body.bytes();
  const code: number[] = [1];
  uleb(fn.length, code);
  code.push(...fn);
  section(10, code, out);
  return Uint8Array.from(out);
}
