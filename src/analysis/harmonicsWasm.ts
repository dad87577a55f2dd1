/**
 * A minimal WebAssembly binary writer for the SIMD kernels of the spherical-harmonic
 * transforms (internal to harmonicsLegendre.ts).
 *
 * Why: the associated-Legendre loops do ~10⁸ multiply-adds per transform at N_side 256. V8's
 * scalar JavaScript reaches ~1 ns per ring and l step; WebAssembly's 128-bit SIMD (two doubles
 * per instruction, in every Node ≥ 16.4) halves that. The module is small and written here
 * instruction by instruction (no toolchain, no binary blob in the repository): each kernel is a
 * TypeScript function that emits its stack-machine code through the `Fn` methods below, so the
 * kernels are reviewed as source and assembled when the module is first imported.
 *
 * Only what the kernels use is implemented: i32/f64/v128 locals, structured control flow,
 * loads and stores with a byte offset, and the arithmetic opcodes listed in `Op`/`SimdOp`.
 * Reference: the WebAssembly core specification 2.0, binary format (chapter 5), and the
 * fixed-width SIMD opcode table.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

/** One-byte opcodes used by the kernels. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  i32Load: 0x28,
  f64Load: 0x2b,
  i32Store: 0x36,
  f64Store: 0x39,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  f64Abs: 0x99,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Max: 0xa5,
} as const;

/** SIMD opcodes (after the 0xfd prefix, LEB128-encoded). */
export const SimdOp = {
  v128Load: 0x00,
  v128Load64Splat: 0x0a,
  v128Store: 0x0b,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  v128Load64Lane: 0x57,
  v128Store64Lane: 0x5b,
  f64x2Abs: 0xec,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Max: 0xf5,
} as const;

function uleb(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`wasm: bad unsigned ${n}`);
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`wasm: bad signed ${n}`);
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** log2 of the natural alignment written into memory arguments (a hint only in WebAssembly). */
const ALIGN = { i32: 2, f64: 3, v128: 4 } as const;

/** One function: parameters are locals 0..n−1; `local()` adds more. Methods append code and return `this`. */
export class Fn {
  private readonly locals: ValType[] = [];
  private readonly code: number[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** A new local of the given type (zero-initialised on entry); returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(i: number): this {
    this.code.push(0x20);
    uleb(i, this.code);
    return this;
  }

  set(i: number): this {
    this.code.push(0x21);
    uleb(i, this.code);
    return this;
  }

  tee(i: number): this {
    this.code.push(0x22);
    uleb(i, this.code);
    return this;
  }

  i32(n: number): this {
    this.code.push(0x41);
    sleb(n, this.code);
    return this;
  }

  f64(x: number): this {
    this.code.push(0x44);
    const b = new Uint8Array(new Float64Array([x]).buffer);
    this.code.push(...b);
    return this;
  }

  private mem(opcode: number, align: number, offset: number): this {
    this.code.push(opcode, align);
    uleb(offset, this.code);
    return this;
  }

  i32Load(offset = 0): this {
    return this.mem(Op.i32Load, ALIGN.i32, offset);
  }
  i32Store(offset = 0): this {
    return this.mem(Op.i32Store, ALIGN.i32, offset);
  }
  f64Load(offset = 0): this {
    return this.mem(Op.f64Load, ALIGN.f64, offset);
  }
  f64Store(offset = 0): this {
    return this.mem(Op.f64Store, ALIGN.f64, offset);
  }

  simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  private simdMem(opcode: number, align: number, offset: number): this {
    this.simd(opcode);
    this.code.push(align);
    uleb(offset, this.code);
    return this;
  }

  /** [addr] → v128 at addr + offset. */
  vLoad(offset = 0): this {
    return this.simdMem(SimdOp.v128Load, ALIGN.v128, offset);
  }
  /** [addr, v] → store v at addr + offset. */
  vStore(offset = 0): this {
    return this.simdMem(SimdOp.v128Store, ALIGN.v128, offset);
  }
  /** [addr] → (x, x) with x the f64 at addr + offset. */
  vSplatLoad(offset = 0): this {
    return this.simdMem(SimdOp.v128Load64Splat, ALIGN.f64, offset);
  }
  /** [addr, v] → v with lane `lane` replaced by the f64 at addr + offset. */
  vLoadLane(lane: 0 | 1, offset = 0): this {
    this.simdMem(SimdOp.v128Load64Lane, ALIGN.f64, offset);
    this.code.push(lane);
    return this;
  }
  /** [addr, v] → store lane `lane` of v at addr + offset. */
  vStoreLane(lane: 0 | 1, offset = 0): this {
    this.simdMem(SimdOp.v128Store64Lane, ALIGN.f64, offset);
    this.code.push(lane);
    return this;
  }
  /** [v] → f64 lane. */
  vLane(lane: 0 | 1): this {
    this.simd(SimdOp.f64x2ExtractLane);
    this.code.push(lane);
    return this;
  }
  vAdd(): this {
    return this.simd(SimdOp.f64x2Add);
  }
  vSub(): this {
    return this.simd(SimdOp.f64x2Sub);
  }
  vMul(): this {
    return this.simd(SimdOp.f64x2Mul);
  }
  vSplat(): this {
    return this.simd(SimdOp.f64x2Splat);
  }

  /** block … end (empty block type); `br 0` inside jumps past the end. */
  block(body: () => void): this {
    this.code.push(Op.block, 0x40);
    body();
    this.code.push(Op.end);
    return this;
  }

  /** loop … end; `br 0` inside jumps back to the start. */
  loop(body: () => void): this {
    this.code.push(Op.loop, 0x40);
    body();
    this.code.push(Op.end);
    return this;
  }

  /** [cond] if … (else …) end. */
  if(then: () => void, otherwise?: () => void): this {
    this.code.push(Op.if, 0x40);
    then();
    if (otherwise) {
      this.code.push(Op.else);
      otherwise();
    }
    this.code.push(Op.end);
    return this;
  }

  /** The function body as it goes into the code section. */
  encode(): number[] {
    const body: number[] = [];
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, body);
    for (const [n, t] of runs) {
      uleb(n, body);
      body.push(t);
    }
    body.push(...this.code, Op.end);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

/**
 * A module with one exported memory ("memory", `pages` × 64 KiB initially, growable) and the
 * given functions, each exported under its name.
 */
export function assemble(fns: readonly Fn[], pages: number): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: number[]): void => {
    out.push(id);
    uleb(content.length, out);
    out.push(...content);
  };
  const name = (s: string, c: number[]): void => {
    const b = new TextEncoder().encode(s);
    uleb(b.length, c);
    c.push(...b);
  };
  let c: number[] = [];
  // type section: one signature per function (duplicates are allowed)
  uleb(fns.length, c);
  for (const f of fns) {
    c.push(0x60);
    uleb(f.params.length, c);
    c.push(...f.params);
    uleb(f.results.length, c);
    c.push(...f.results);
  }
  section(1, c);
  c = [];
  uleb(fns.length, c);
  fns.forEach((_, i) => uleb(i, c));
  section(3, c); // function section
  c = [1, 0x00]; // one memory, no maximum
  uleb(pages, c);
  section(5, c);
  c = [];
  uleb(fns.length + 1, c);
  fns.forEach((f, i) => {
    name(f.name, c);
    c.push(0x00); // function export
    uleb(i, c);
  });
  name('memory', c);
  c.push(0x02, 0x00); // memory export, index 0
  section(7, c);
  c = [];
  uleb(fns.length, c);
  for (const f of fns) c.push(...f.encode());
  section(10, c);
  return new Uint8Array(out);
}
