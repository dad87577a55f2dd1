/**
 * The associated-Legendre part of the spherical-harmonic transforms, for a block of rings at a
 * time (internal to harmonics.ts). The inner loops run as WebAssembly SIMD (harmonicsWasm.ts)
 * where WebAssembly.validate accepts the kernel module, else as the scalar TypeScript kernels of
 * harmonicsLegendreScalar.ts (the same operations and bitwise the same results, 3-6x slower);
 * the bookkeeping around them (starting values, underflow, skipping) stays here.
 *
 * Y_lm(θ, φ) = λ_lm(cos θ) e^{imφ}, orthonormal, with the Condon–Shortley phase:
 *   λ_00 = 1/sqrt(4π),  λ_mm = −sqrt((2m+1)/(2m)) · sin θ · λ_{m−1,m−1},
 *   λ_lm = A_lm · z · λ_{l−1,m} − C_lm · λ_{l−2,m}   (l > m, z = cos θ),
 *   A_lm = sqrt((4l²−1)/(l²−m²)),  C_lm = A_lm · sqrt(((l−1)²−m²)/(4(l−1)²−1)) = A_lm / A_{l−1,m}.
 * The upward recursion in l is stable for the normalized functions.
 *
 * Rescaled recursion (one multiplication fewer per step): with λ_lm = μ_lm · p_lm, where
 * μ_mm = μ_{m+1,m} = 1 and μ_lm = C_lm · μ_{l−2,m},
 *   p_lm = α_lm · z · p_{l−1,m} − p_{l−2,m},   α_lm = A_lm · μ_{l−1,m} / μ_lm.
 * μ stays within [~1/sqrt(m), 1] (C_lm < 1), so nothing over- or underflows that did not before;
 * the rounding of μ_lm enters as a relative error of ~1e-16 in the coefficient of each step, as
 * the rounding of C_lm did, and does not accumulate otherwise. The sums over rings are taken for
 * p and multiplied by μ_lm once per (l, m) (analysis), or the a_lm are multiplied by μ_lm once per
 * (l, m) before the sums (synthesis).
 *
 * Underflow: sin^m θ is 1e-1900 on the first ring of N_side 256 at m = 767. p_mm = λ_mm is
 * carried as mantissa · 2^(300·scale); the l-recursion runs in that scaled form until |p| is back
 * above 2^−300 (≈ 5e-91) of its true value, and only from there on contributes. Terms below
 * 2^−300 are dropped, which cannot show at double precision next to the O(1) terms. Nothing
 * overflows: |λ_lm| ≤ sqrt((2l+1)/(4π)).
 *
 * Loop order: m outer, then groups of GROUP = 8 rings, l innermost with the eight recursions as
 * four two-lane SIMD vectors (independent chains keep the floating-point units busy; a_lm, α and
 * the per-l sums are read once per (l, m) for the eight rings). A group runs together from the
 * latest of its rings' starting l on; rings that start earlier are first brought there one at a
 * time (here in JavaScript: only happens next to the poles at high m), rings with nothing
 * significant at this m ride along as zeros.
 *
 * Skipping: a ring is retired for all larger m once m is past its turning point
 * (lmax+1)·sin θ and |λ| at lmax is below 1e-30 (the functions only decay from there).
 *
 * Rings are given by z ≥ 0 (north ring of a pair mirrored in the equator, or the equator itself)
 * with their even and odd parts: for analysis P_E = F_N + F_S and P_O = F_N − F_S (since
 * λ_lm(−z) = (−1)^(l+m) λ_lm(z)), for synthesis the sums E = Σ_{l+m even} a_lm λ_lm and
 * O = Σ_{l+m odd} a_lm λ_lm, from which F_N = E + O and F_S = E − O.
 *
 * Memory: the kernels' memory (the WebAssembly instance's, or an ArrayBuffer for the scalar
 * kernels) holds α and μ for every (l, m) and one alm array (each (lmax+1)(lmax+2)/2 numbers,
 * complex for the alm: 32 bytes per coefficient in all, 150 MB at lmax 3071) and the ring
 * spectra of one block. It is shared by all transforms (one at a time:
 * everything here is synchronous) and laid out again when lmax or the block size changes.
 */
import { assemble, F64, Fn, I32, Op, V128 } from './harmonicsWasm.ts';
import { GROUP, scalarLegendreKernels, type LegendreKernels } from './harmonicsLegendreScalar.ts';

/** Beyond the turning point m > (lmax+1)·sin θ, λ_lm falls with m and peaks at l = lmax; once
 *  |λ_{lmax−1,m}| and |λ_{lmax,m}| are below this, the ring's larger m are skipped. */
const M_CUTOFF = 1e-30;
const FBIG = 2 ** 300;
const INV_FBIG = 2 ** -300;
const INV_SQRT_4PI = 1 / Math.sqrt(4 * Math.PI);

/** Two-lane vectors per ring group (GROUP rings, harmonicsLegendreScalar.ts). */
const NV = GROUP / 2;

// ---------------------------------------------------------------------------------------------
// WebAssembly kernels
// ---------------------------------------------------------------------------------------------

/**
 * Emit the shared opening of a group: lS = LS[g]; skip the group if lS > lmax; load z, p_lS (u)
 * and p_{lS−1} (v) of the 2·NV rings. Returns the locals.
 */
interface GroupLocals {
  z: number[];
  u: number[];
  v: number[];
  al: number;
  lS: number;
  oa: number;
  ob: number;
  rec: number;
  pa: number;
  end: number;
  n: number;
}

/** Parameters shared by both kernels (i32, in this order). */
const KP = {
  alpha: 0, // byte address of α_{0,m} (α_lm at alpha + 8l)
  data: 1, // analysis: T (per l: Σ p·P re in two lanes, then im); synthesis: μ·a_lm (re, im) for this m
  z: 2, // byte address of z for the first ring of the first group (then u and v follow at +uOff, +vOff)
  rec: 3, // byte address of the spectrum record (E re, E im, O re, O im) of (first ring, m)
  recStride: 4, // bytes between the records of consecutive rings
  ls: 5, // byte address of the groups' starting l (i32)
  nGroups: 6,
  m: 7,
  lmax: 8,
  uvOff: 9, // bytes from z[k] to u[k]; v[k] is at twice that
} as const;
const KERNEL_PARAMS = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32] as const;

function groupPrologue(f: Fn, g: number): GroupLocals {
  const L: GroupLocals = {
    z: [],
    u: [],
    v: [],
    al: f.local(V128),
    lS: f.local(I32),
    oa: f.local(I32),
    ob: f.local(I32),
    rec: f.local(I32),
    pa: f.local(I32),
    end: f.local(I32),
    n: f.local(I32),
  };
  for (let j = 0; j < NV; j++) {
    L.z.push(f.local(V128));
    L.u.push(f.local(V128));
    L.v.push(f.local(V128));
  }
  return L;
}

/** Code of the group loop header: computes per-group addresses; `body` runs for live groups. */
function forEachGroup(f: Fn, L: GroupLocals, g: number, zp: number, body: () => void): void {
  // for (g = 0; g < nGroups; g++)
  f.i32(0).set(g);
  f.block(() => {
    f.loop(() => {
      f.get(g).get(KP.nGroups).op(Op.i32GeS).op(Op.brIf, 1);
      // lS = LS[g]
      f.get(KP.ls).get(g).i32(2).op(Op.i32Shl).op(Op.i32Add).i32Load().set(L.lS);
      // zp = z + 8·GROUP·g
      f.get(KP.z).get(g).i32(8 * GROUP).op(Op.i32Mul).op(Op.i32Add).set(zp);
      f.get(L.lS).get(KP.lmax).op(Op.i32LeS);
      f.if(() => {
        // oa: offset in the record of the parity of lS (E at 0 if (lS − m) even, O at 16); ob the other
        f.get(L.lS).get(KP.m).op(Op.i32Sub).i32(1).op(Op.i32And).i32(4).op(Op.i32Shl).set(L.oa);
        f.i32(16).get(L.oa).op(Op.i32Sub).set(L.ob);
        // rec = record of the group's first ring
        f.get(KP.rec).get(g).i32(GROUP).op(Op.i32Mul).get(KP.recStride).op(Op.i32Mul).op(Op.i32Add).set(L.rec);
        for (let j = 0; j < NV; j++) {
          f.get(zp).vLoad(16 * j).set(L.z[j]);
          f.get(zp).get(KP.uvOff).op(Op.i32Add).vLoad(16 * j).set(L.u[j]);
          f.get(zp).get(KP.uvOff).i32(1).op(Op.i32Shl).op(Op.i32Add).vLoad(16 * j).set(L.v[j]);
        }
        // pa = &α_{lS+1}; n = lmax − lS steps after lS; end = pa + 8·(n & ~1)
        f.get(KP.alpha).get(L.lS).i32(3).op(Op.i32Shl).op(Op.i32Add).i32(8).op(Op.i32Add).set(L.pa);
        f.get(KP.lmax).get(L.lS).op(Op.i32Sub).set(L.n);
        f.get(L.pa).get(L.n).i32(-2).op(Op.i32And).i32(3).op(Op.i32Shl).op(Op.i32Add).set(L.end);
        body();
        // write back p_lmax into u and p_{lmax−1} into v (the roles alternate with the parity of n)
        f.get(L.n).i32(1).op(Op.i32And);
        f.if(
          () => storeUV(f, L, zp, L.v, L.u),
          () => storeUV(f, L, zp, L.u, L.v),
        );
      });
      f.get(g).i32(1).op(Op.i32Add).set(g);
      f.op(Op.br, 0);
    });
  });
}

function storeUV(f: Fn, L: GroupLocals, zp: number, cur: number[], prev: number[]): void {
  for (let j = 0; j < NV; j++) {
    f.get(zp).get(KP.uvOff).op(Op.i32Add).get(cur[j]).vStore(16 * j);
    f.get(zp).get(KP.uvOff).i32(1).op(Op.i32Shl).op(Op.i32Add).get(prev[j]).vStore(16 * j);
  }
}

/** x ← (z·α)·y − x for the NV vectors, α = the f64 at pa + off. */
function recurrence(f: Fn, L: GroupLocals, x: number[], y: number[], off: number): void {
  f.get(L.pa).vSplatLoad(off).set(L.al);
  for (let j = 0; j < NV; j++) f.get(L.z[j]).get(L.al).vMul().get(y[j]).vMul().get(x[j]).vSub().set(x[j]);
}

/**
 * Analysis kernel for one m and a run of groups:
 *   T_l += Σ_rings p_lm(z_k) · P^{par(l)}_k  for l = lS .. lmax,
 * T_l at data + 32 l: (re lane 0, re lane 1, im lane 0, im lane 1), lanes = even/odd rings.
 */
function analysisKernel(): Fn {
  const f = new Fn('analysis', KERNEL_PARAMS);
  const g = f.local(I32);
  const zp = f.local(I32);
  const L = groupPrologue(f, g);
  const t = f.local(I32);
  const q = f.local(I32);
  // P of parity a (that of lS) and b, re and im, per vector: gathered into locals once per group
  const Pa: number[] = [], Pb: number[] = [];
  for (let j = 0; j < 2 * NV; j++) {
    Pa.push(f.local(V128));
    Pb.push(f.local(V128));
  }
  const gather = (P: number[], offLocal: number): void => {
    // q = rec + off; ring 2j at q + 2j·stride, ring 2j+1 one stride further
    f.get(L.rec).get(offLocal).op(Op.i32Add).set(q);
    for (let j = 0; j < NV; j++) {
      for (let c = 0; c < 2; c++) {
        f.get(q).get(KP.recStride).op(Op.i32Add); // address of the odd ring, for the lane load
        f.get(q).vSplatLoad(8 * c);
        f.vLoadLane(1, 8 * c).set(P[2 * j + c]);
      }
      f.get(q).get(KP.recStride).i32(1).op(Op.i32Shl).op(Op.i32Add).set(q);
    }
  };
  /** T(t + off) += Σ_j x_j · P_j (re at off, im at off + 16). */
  const accumulate = (x: number[], P: number[], off: number): void => {
    for (let c = 0; c < 2; c++) {
      f.get(t);
      f.get(t).vLoad(off + 16 * c);
      for (let j = 0; j < NV; j++) f.get(x[j]).get(P[2 * j + c]).vMul().vAdd();
      f.vStore(off + 16 * c);
    }
  };
  forEachGroup(f, L, g, zp, () => {
    gather(Pa, L.oa);
    gather(Pb, L.ob);
    f.get(KP.data).get(L.lS).i32(5).op(Op.i32Shl).op(Op.i32Add).set(t);
    accumulate(L.u, Pa, 0); // the term l = lS
    f.block(() => {
      f.loop(() => {
        f.get(L.pa).get(L.end).op(Op.i32GeS).op(Op.brIf, 1);
        recurrence(f, L, L.v, L.u, 0);
        accumulate(L.v, Pb, 32);
        recurrence(f, L, L.u, L.v, 8);
        accumulate(L.u, Pa, 64);
        f.get(L.pa).i32(16).op(Op.i32Add).set(L.pa);
        f.get(t).i32(64).op(Op.i32Add).set(t);
        f.op(Op.br, 0);
      });
    });
    f.get(L.n).i32(1).op(Op.i32And);
    f.if(() => {
      recurrence(f, L, L.v, L.u, 0);
      accumulate(L.v, Pb, 32);
    });
  });
  return f;
}

/**
 * Synthesis kernel for one m and a run of groups: the records get
 *   E_k = Σ_{l+m even} p_lm(z_k) · (μ a)_lm,  O_k = Σ_{l+m odd} …,  l = lS .. lmax,
 * with (μ a)_lm at data + 16 l (re, im). The records are overwritten.
 */
function synthesisKernel(): Fn {
  const f = new Fn('synthesis', KERNEL_PARAMS);
  const g = f.local(I32);
  const zp = f.local(I32);
  const L = groupPrologue(f, g);
  const a = f.local(I32);
  const q = f.local(I32);
  const ar = f.local(V128), ai = f.local(V128);
  // sums of parity a (that of lS) and b, re and im, per vector
  const Sa: number[] = [], Sb: number[] = [];
  for (let j = 0; j < 2 * NV; j++) {
    Sa.push(f.local(V128));
    Sb.push(f.local(V128));
  }
  const zero = f.local(V128);
  /** S_j += x_j · (μa)_l, (μa)_l at a + off. */
  const accumulate = (x: number[], S: number[], off: number): void => {
    f.get(a).vSplatLoad(off).set(ar);
    f.get(a).vSplatLoad(off + 8).set(ai);
    for (let j = 0; j < NV; j++) {
      f.get(S[2 * j]).get(x[j]).get(ar).vMul().vAdd().set(S[2 * j]);
      f.get(S[2 * j + 1]).get(x[j]).get(ai).vMul().vAdd().set(S[2 * j + 1]);
    }
  };
  const scatter = (S: number[], offLocal: number): void => {
    f.get(L.rec).get(offLocal).op(Op.i32Add).set(q);
    for (let j = 0; j < NV; j++) {
      for (let c = 0; c < 2; c++) {
        f.get(q).get(S[2 * j + c]).vStoreLane(0, 8 * c);
        f.get(q).get(KP.recStride).op(Op.i32Add).get(S[2 * j + c]).vStoreLane(1, 8 * c);
      }
      f.get(q).get(KP.recStride).i32(1).op(Op.i32Shl).op(Op.i32Add).set(q);
    }
  };
  forEachGroup(f, L, g, zp, () => {
    for (let j = 0; j < 2 * NV; j++) {
      f.get(zero).set(Sa[j]);
      f.get(zero).set(Sb[j]);
    }
    f.get(KP.data).get(L.lS).i32(4).op(Op.i32Shl).op(Op.i32Add).set(a);
    accumulate(L.u, Sa, 0); // the term l = lS
    f.block(() => {
      f.loop(() => {
        f.get(L.pa).get(L.end).op(Op.i32GeS).op(Op.brIf, 1);
        recurrence(f, L, L.v, L.u, 0);
        accumulate(L.v, Sb, 16);
        recurrence(f, L, L.u, L.v, 8);
        accumulate(L.u, Sa, 32);
        f.get(L.pa).i32(16).op(Op.i32Add).set(L.pa);
        f.get(a).i32(32).op(Op.i32Add).set(a);
        f.op(Op.br, 0);
      });
    });
    f.get(L.n).i32(1).op(Op.i32And);
    f.if(() => {
      recurrence(f, L, L.v, L.u, 0);
      accumulate(L.v, Sb, 16);
    });
    scatter(Sa, L.oa);
    scatter(Sb, L.ob);
  });
  return f;
}

/**
 * alm_l += μ_l · (T_l lane 0 + lane 1) for l = lFrom .. lTo (re and im), and T_l ← 0.
 * Params: T at l = 0, μ_{0,m}, alm_{0,m} (complex) byte addresses; lFrom, lTo.
 */
function reduceKernel(): Fn {
  const f = new Fn('reduce', [I32, I32, I32, I32, I32]);
  const [pT, pMu, pAlm, lFrom, lTo] = [0, 1, 2, 3, 4];
  const t = f.local(I32), mu = f.local(I32), al = f.local(I32), end = f.local(I32);
  const zero = f.local(V128);
  f.get(pT).get(lFrom).i32(5).op(Op.i32Shl).op(Op.i32Add).set(t);
  f.get(pMu).get(lFrom).i32(3).op(Op.i32Shl).op(Op.i32Add).set(mu);
  f.get(pAlm).get(lFrom).i32(4).op(Op.i32Shl).op(Op.i32Add).set(al);
  f.get(pT).get(lTo).i32(1).op(Op.i32Add).i32(5).op(Op.i32Shl).op(Op.i32Add).set(end);
  f.block(() => {
    f.loop(() => {
      f.get(t).get(end).op(Op.i32GeS).op(Op.brIf, 1);
      for (let c = 0; c < 2; c++) {
        // alm[c] += μ · (T[2c] + T[2c+1])
        f.get(al);
        f.get(al).f64Load(8 * c);
        f.get(mu).f64Load();
        f.get(t).vLoad(16 * c).vLane(0).get(t).vLoad(16 * c).vLane(1).op(Op.f64Add);
        f.op(Op.f64Mul).op(Op.f64Add).f64Store(8 * c);
        f.get(t).get(zero).vStore(16 * c);
      }
      f.get(t).i32(32).op(Op.i32Add).set(t);
      f.get(mu).i32(8).op(Op.i32Add).set(mu);
      f.get(al).i32(16).op(Op.i32Add).set(al);
      f.op(Op.br, 0);
    });
  });
  return f;
}

/** (μa)_l = μ_l · alm_l (complex) for l = lFrom .. lTo. Params: out, μ_{0,m}, alm_{0,m}; lFrom, lTo. */
function scaleKernel(): Fn {
  const f = new Fn('scale', [I32, I32, I32, I32, I32]);
  const [pOut, pMu, pAlm, lFrom, lTo] = [0, 1, 2, 3, 4];
  const l = f.local(I32);
  f.get(lFrom).set(l);
  f.block(() => {
    f.loop(() => {
      f.get(l).get(lTo).op(Op.i32GtS).op(Op.brIf, 1);
      f.get(pOut).get(l).i32(4).op(Op.i32Shl).op(Op.i32Add);
      f.get(pMu).get(l).i32(3).op(Op.i32Shl).op(Op.i32Add).vSplatLoad();
      f.get(pAlm).get(l).i32(4).op(Op.i32Shl).op(Op.i32Add).vLoad();
      f.vMul().vStore();
      f.get(l).i32(1).op(Op.i32Add).set(l);
      f.op(Op.br, 0);
    });
  });
  return f;
}

let simdModuleBytes: Uint8Array<ArrayBuffer> | null = null;

/** The SIMD kernel module, assembled once. */
function simdModule(): Uint8Array<ArrayBuffer> {
  simdModuleBytes ??= assemble([analysisKernel(), synthesisKernel(), reduceKernel(), scaleKernel()], 1);
  return simdModuleBytes;
}

/** Whether this engine runs the SIMD kernels: WebAssembly.validate accepts their module. */
export function simdAvailable(): boolean {
  return typeof WebAssembly !== 'undefined' && WebAssembly.validate(simdModule());
}

/** A new instance of the SIMD kernels, with its own memory of one page to start with. */
export function simdLegendreKernels(): LegendreKernels {
  const e = new WebAssembly.Instance(new WebAssembly.Module(simdModule()), {}).exports;
  const fn = (name: string) => e[name] as (...args: number[]) => void;
  return {
    kind: 'simd',
    memory: e.memory as WebAssembly.Memory,
    analysis: fn('analysis'),
    synthesis: fn('synthesis'),
    reduce: fn('reduce'),
    scale: fn('scale'),
  };
}

/** 'auto': SIMD where available, else scalar (the default); or one of them forced. */
export type LegendreKernelChoice = 'auto' | LegendreKernels['kind'];
let choice: LegendreKernelChoice = 'auto';
let kernels: LegendreKernels | null = null;

/**
 * Chooses the kernels the transforms use from the next transform on (tests and benchmarks; the
 * default 'auto' is right otherwise). Forcing 'simd' where it is missing throws at the next use.
 */
export function setLegendreKernels(c: LegendreKernelChoice): void {
  choice = c;
  kernels = null;
}

/** The kernels the transforms use now (made on first use after setLegendreKernels). */
export function legendreKernels(): LegendreKernels {
  if (kernels) return kernels;
  if (choice === 'scalar') return (kernels = scalarLegendreKernels());
  if (choice === 'simd' && !simdAvailable()) throw new Error('harmonics: WebAssembly SIMD is not available here (setLegendreKernels)');
  if (choice === 'simd') return (kernels = simdLegendreKernels());
  try {
    // a page may forbid compiling WebAssembly (CSP) although the engine validates it
    kernels = simdAvailable() ? simdLegendreKernels() : scalarLegendreKernels();
  } catch {
    kernels = scalarLegendreKernels();
  }
  return kernels;
}

// Keep F64 referenced for readers looking for the value types in one place.
void F64;

// ---------------------------------------------------------------------------------------------
// Workspace: memory layout in the kernels' memory
// ---------------------------------------------------------------------------------------------

/** Byte offsets of the regions (all multiples of 16). */
interface Layout {
  lmax: number;
  cap: number;
  alpha: number;
  mu: number;
  alm: number;
  data: number;
  z: number;
  uvOff: number;
  ls: number;
  rec: number;
  end: number;
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

function makeLayout(lmax: number, cap: number): Layout {
  const nA = ((lmax + 1) * (lmax + 2)) / 2;
  const ringSlots = cap + GROUP;
  let o = 0;
  const take = (bytes: number): number => {
    const at = o;
    o = align16(o + bytes);
    return at;
  };
  const alpha = take(8 * nA);
  const mu = take(8 * nA);
  const alm = take(16 * nA);
  const data = take(32 * (lmax + 1));
  const z = take(3 * 8 * ringSlots);
  const ls = take(4 * (Math.ceil(ringSlots / GROUP) + 1));
  const rec = take(32 * (lmax + 1) * ringSlots);
  return { lmax, cap, alpha, mu, alm, data, z, uvOff: 8 * ringSlots, ls, rec, end: o };
}

/** The shared workspace for one lmax and block size: tables, alm, ring spectra. */
export class LegendreWorkspace {
  readonly lmax: number;
  readonly cap: number;
  readonly layout: Layout;
  readonly k: LegendreKernels;
  /** Views on the kernels' memory (valid until the next layout). */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  /** Index of α_{0,m} (and μ_{0,m}) in f64 relative to the table start; (l, m) at mOff[m] + l. */
  readonly mOff: Int32Array;
  readonly fmm: Float64Array;

  private constructor(lmax: number, cap: number, prev: LegendreWorkspace | null) {
    this.lmax = lmax;
    this.cap = cap;
    this.k = legendreKernels();
    this.layout = makeLayout(lmax, cap);
    const mem = this.k.memory;
    const need = this.layout.end - mem.buffer.byteLength;
    if (need > 0) {
      try {
        mem.grow(Math.ceil(need / 65536));
      } catch (e) {
        throw new RangeError(`harmonics: cannot allocate ${(this.layout.end / 2 ** 20).toFixed(0)} MiB for lmax ${lmax} (${String(e)})`);
      }
    }
    this.f64 = new Float64Array(mem.buffer);
    this.i32 = new Int32Array(mem.buffer);
    this.mOff = new Int32Array(lmax + 1);
    this.fmm = new Float64Array(lmax + 1);
    for (let m = 0; m <= lmax; m++) {
      this.mOff[m] = (m * (2 * lmax + 1 - m)) / 2;
      this.fmm[m] = m === 0 ? 1 : -Math.sqrt((2 * m + 1) / (2 * m));
    }
    // α and μ survive a re-layout in the same memory (they come first)
    if (!prev || prev.k !== this.k || prev.lmax !== lmax || prev.layout.alpha !== this.layout.alpha) this.fillTables();
    // ring slots: zero (padding rings must stay 0, their records finite)
    this.f64.fill(0, this.layout.z / 8, this.layout.ls / 8);
    this.f64.fill(0, this.layout.data / 8, this.layout.z / 8);
  }

  private fillTables(): void {
    const { lmax } = this;
    const al = this.layout.alpha / 8;
    const mu = this.layout.mu / 8;
    const f = this.f64;
    for (let m = 0; m <= lmax; m++) {
      const off = this.mOff[m];
      const m2 = m * m;
      // μ_m = μ_{m+1} = 1; μ_l = C_l μ_{l−2}; α_l = A_l μ_{l−1} / μ_l
      f[mu + off + m] = 1;
      f[al + off + m] = 0;
      let muPrev2 = 1; // μ_{l−2}
      let muPrev = 1; // μ_{l−1}
      for (let l = m + 1; l <= lmax; l++) {
        const l2 = l * l;
        const A = Math.sqrt((4 * l2 - 1) / (l2 - m2));
        let muL = 1;
        if (l > m + 1) {
          const lm1 = l - 1;
          const C = A * Math.sqrt((lm1 * lm1 - m2) / (4 * lm1 * lm1 - 1));
          muL = C * muPrev2;
        }
        f[mu + off + l] = muL;
        f[al + off + l] = (A * muPrev) / muL;
        muPrev2 = muPrev;
        muPrev = muL;
      }
    }
  }

  private static current: LegendreWorkspace | null = null;

  /** The workspace for (lmax, at least `cap` rings per block); lays the memory out again if needed. */
  static get(lmax: number, cap: number): LegendreWorkspace {
    const k = legendreKernels();
    const c = LegendreWorkspace.current?.k === k ? LegendreWorkspace.current : null;
    if (c && c.lmax === lmax && c.cap >= cap && c.f64.buffer === k.memory.buffer) return c;
    const ws = new LegendreWorkspace(lmax, Math.max(cap, c && c.lmax === lmax ? c.cap : 0), c);
    LegendreWorkspace.current = ws;
    return ws;
  }

  /** Index in f64 of the alm (l, m) real part (imaginary part next). */
  almIndex(l: number, m: number): number {
    return this.layout.alm / 8 + 2 * (this.mOff[m] + l);
  }

  /** Index in f64 of the record (E re, E im, O re, O im) of ring k of the block at m. */
  recIndex(k: number, m: number): number {
    return this.layout.rec / 8 + 4 * (k * (this.lmax + 1) + m);
  }
}

// ---------------------------------------------------------------------------------------------
// A block of rings
// ---------------------------------------------------------------------------------------------

/**
 * Legendre work for up to `ws.cap` rings. Analysis reads the records P (ring, m) from the
 * workspace (recIndex) and adds into its alm; synthesis reads its alm and writes the records,
 * valid for m < mEnd[k] (the ring is skipped from there on: its records there mean zero).
 */
export class LegendreBlock {
  private count = 0;
  /** Ring k's records are valid (nonzero) for m < mEnd[k]. */
  readonly mEnd: Int32Array;
  private readonly st: Float64Array;
  private readonly mTurn: Float64Array;
  private readonly mant: Float64Array;
  private readonly scale: Int32Array;
  private readonly startL: Int32Array;
  /** Synthesis sums of rings brought up to their group's start one at a time (E re/im, O re/im). */
  private readonly pre: Float64Array;
  private kLo = 0;
  /** Some ring needed the scaled start at the current m (groups may start unevenly). */
  private slow = false;

  constructor(private readonly ws: LegendreWorkspace) {
    const cap = ws.cap + GROUP;
    this.mEnd = new Int32Array(cap);
    this.st = new Float64Array(cap);
    this.mTurn = new Float64Array(cap);
    this.mant = new Float64Array(cap);
    this.scale = new Int32Array(cap);
    this.startL = new Int32Array(cap);
    this.pre = new Float64Array(4 * cap);
  }

  /** Set the block's rings: z = cos θ ≥ 0 and sin θ (computed without cancellation). */
  setRings(z: ArrayLike<number>, sinTheta: ArrayLike<number>, count: number): void {
    const { ws } = this;
    if (count > ws.cap) throw new RangeError('LegendreBlock: too many rings');
    this.count = count;
    this.kLo = 0;
    const f = ws.f64;
    const zi = ws.layout.z / 8;
    const slots = ws.layout.uvOff / 8;
    for (let k = 0; k < slots; k++) {
      const live = k < count;
      f[zi + k] = live ? z[k] : 0;
      f[zi + slots + k] = 0;
      f[zi + 2 * slots + k] = 0;
      if (k >= this.mEnd.length) continue;
      this.st[k] = live ? sinTheta[k] : 1;
      this.mTurn[k] = (ws.lmax + 1) * this.st[k];
      this.mant[k] = INV_SQRT_4PI;
      this.scale[k] = 0;
      this.mEnd[k] = live ? ws.lmax + 1 : 0;
    }
    // records of the padding rings: finite (they are multiplied by zeros)
    f.fill(0, ws.recIndex(count, 0), ws.recIndex(slots, 0));
  }

  /**
   * Advance λ_mm to this m for every live ring and find where its p_lm first reaches 2^−300
   * (startL, with p there in u and one l before in v); startL = −1 if never up to lmax. Sets the
   * groups' starting l. Returns the number of groups from kLo (0: every ring is retired).
   */
  private prepare(m: number): number {
    const { ws, count, mEnd, st, mant, scale, startL } = this;
    const f = ws.f64;
    const { lmax } = ws;
    const zi = ws.layout.z / 8;
    const slots = ws.layout.uvOff / 8;
    const ui = zi + slots;
    const vi = zi + 2 * slots;
    while (this.kLo < count && mEnd[this.kLo] <= m) this.kLo++;
    const kLo = this.kLo;
    if (kLo >= count) return 0;
    const fm = ws.fmm[m];
    let slow = false;
    this.slow = false;
    for (let k = kLo; k < count; k++) {
      startL[k] = -1;
      if (mEnd[k] <= m) continue;
      let mt = mant[k];
      if (m > 0) {
        mt *= fm * st[k];
        if (Math.abs(mt) < INV_FBIG) {
          mt *= FBIG;
          scale[k]--;
        }
        mant[k] = mt;
      }
      const s = scale[k];
      if (s >= -1) {
        f[ui + k] = s === 0 ? mt : mt * INV_FBIG;
        f[vi + k] = 0;
        startL[k] = m;
      } else {
        slow = true;
        this.scaledStart(k, m);
      }
    }
    const nGroups = Math.ceil((count - kLo) / GROUP);
    const ls = ws.layout.ls / 4;
    const i32 = ws.i32;
    for (let g = 0; g < nGroups; g++) {
      const k0 = kLo + GROUP * g;
      if (!slow) {
        i32[ls + g] = m;
        continue;
      }
      let lS = -1;
      for (let k = k0; k < k0 + GROUP && k < count; k++) lS = Math.max(lS, startL[k]);
      i32[ls + g] = lS < 0 ? lmax + 1 : lS;
    }
    this.slow = slow;
    return nGroups;
  }

  /** Ring k at m with p_mm below 2^−600: run the recursion in scaled form up to where it matters. */
  private scaledStart(k: number, m: number): void {
    const { ws } = this;
    const f = ws.f64;
    const { lmax } = ws;
    const zi = ws.layout.z / 8;
    const slots = ws.layout.uvOff / 8;
    const al = ws.layout.alpha / 8 + ws.mOff[m];
    const zk = f[zi + k];
    let lam0 = 0;
    let lam1 = this.mant[k];
    let s = this.scale[k];
    let l = m;
    while (s < -1) {
      if (l === lmax) {
        // nothing significant at this m; beyond the turning point, nothing at larger m either
        f[zi + slots + k] = 0;
        f[zi + 2 * slots + k] = 0;
        if (m > this.mTurn[k]) this.mEnd[k] = m;
        return;
      }
      l++;
      const nx = zk * f[al + l] * lam1 - lam0;
      lam0 = lam1;
      lam1 = nx;
      if (Math.abs(lam1) > FBIG) {
        lam0 *= INV_FBIG;
        lam1 *= INV_FBIG;
        s++;
      }
    }
    this.startL[k] = l;
    f[zi + slots + k] = lam1 * INV_FBIG;
    f[zi + 2 * slots + k] = lam0 * INV_FBIG;
  }

  /**
   * Rings of group g that start before the group: run them alone up to the group's start lS.
   * Analysis adds their terms to the alm; synthesis keeps their sums in `pre` for afterwards.
   */
  private bringUp(m: number, g: number, analysis: boolean): void {
    const { ws, count, startL } = this;
    const f = ws.f64;
    const i32 = ws.i32;
    const lS = i32[ws.layout.ls / 4 + g];
    const zi = ws.layout.z / 8;
    const slots = ws.layout.uvOff / 8;
    const al = ws.layout.alpha / 8 + ws.mOff[m];
    const mu = ws.layout.mu / 8 + ws.mOff[m];
    const k0 = this.kLo + GROUP * g;
    for (let k = k0; k < k0 + GROUP && k < count; k++) {
      const l0 = startL[k];
      if (l0 < 0 || l0 >= lS) {
        if (l0 < 0) {
          f[zi + slots + k] = 0;
          f[zi + 2 * slots + k] = 0;
        }
        continue;
      }
      const zk = f[zi + k];
      let cur = f[zi + slots + k];
      let prev = f[zi + 2 * slots + k];
      const rec = ws.recIndex(k, m);
      let sEr = 0, sEi = 0, sOr = 0, sOi = 0;
      for (let l = l0; l < lS; l++) {
        if (l > l0) {
          const nx = zk * f[al + l] * cur - prev;
          prev = cur;
          cur = nx;
        }
        const even = ((l - m) & 1) === 0;
        const a = ws.almIndex(l, m);
        const c = cur * f[mu + l];
        if (analysis) {
          f[a] += c * f[rec + (even ? 0 : 2)];
          f[a + 1] += c * f[rec + (even ? 1 : 3)];
        } else if (even) {
          sEr += c * f[a];
          sEi += c * f[a + 1];
        } else {
          sOr += c * f[a];
          sOi += c * f[a + 1];
        }
      }
      const nx = zk * f[al + lS] * cur - prev;
      f[zi + slots + k] = nx;
      f[zi + 2 * slots + k] = cur;
      this.pre[4 * k] = sEr;
      this.pre[4 * k + 1] = sEi;
      this.pre[4 * k + 2] = sOr;
      this.pre[4 * k + 3] = sOi;
      startL[k] = -2; // marks "has pre" for synthesis
    }
  }

  /** Groups with rings that start before the group (only with scaled starts). */
  private bringUpAll(m: number, nGroups: number, analysis: boolean): boolean {
    const { ws, count, startL } = this;
    const ls = ws.layout.ls / 4;
    let any = false;
    for (let g = 0; g < nGroups; g++) {
      const lS = ws.i32[ls + g];
      const k0 = this.kLo + GROUP * g;
      let need = false;
      for (let k = k0; k < k0 + GROUP && k < count; k++) if (startL[k] !== lS) need = true;
      if (need) {
        this.bringUp(m, g, analysis);
        any = true;
      }
    }
    return any;
  }

  /** Retire rings whose λ at lmax and lmax−1 are negligible beyond the turning point. */
  private retire(m: number): void {
    const { ws, count, mEnd, mTurn } = this;
    const f = ws.f64;
    const { lmax } = ws;
    const zi = ws.layout.z / 8;
    const slots = ws.layout.uvOff / 8;
    const mu = ws.layout.mu / 8 + ws.mOff[m];
    const muA = f[mu + lmax];
    const muB = lmax > m ? f[mu + lmax - 1] : 1;
    for (let k = this.kLo; k < count; k++) {
      if (mEnd[k] <= m || m <= mTurn[k]) continue;
      const u = f[zi + slots + k] * muA;
      const v = f[zi + 2 * slots + k] * muB;
      if (Math.abs(u) < M_CUTOFF && Math.abs(v) < M_CUTOFF) {
        mEnd[k] = m + 1;
        f[zi + slots + k] = 0;
        f[zi + 2 * slots + k] = 0;
      }
    }
  }

  /** The arguments of the analysis and synthesis kernels, in KP's order. */
  private kernelArgs(m: number, data: number, nGroups: number): Parameters<LegendreKernels['analysis']> {
    const { ws } = this;
    const L = ws.layout;
    return [
      L.alpha + 8 * ws.mOff[m],
      data,
      L.z + 8 * this.kLo,
      8 * ws.recIndex(this.kLo, m),
      32 * (ws.lmax + 1),
      L.ls,
      nGroups,
      m,
      ws.lmax,
      L.uvOff,
    ];
  }

  /**
   * alm(l, m) += Σ_rings λ_lm(z_k) · (P_E or P_O)(k, m), P_E for l+m even, P_O for odd, from the
   * records (recIndex) into the workspace's alm.
   */
  analysis(): void {
    const { ws } = this;
    const { lmax } = ws;
    const L = ws.layout;
    // T (shared with the synthesis' μ·a) starts at zero; `reduce` leaves it so
    ws.f64.fill(0, L.data / 8, L.data / 8 + 4 * (lmax + 1));
    for (let m = 0; m <= lmax; m++) {
      const nGroups = this.prepare(m);
      if (nGroups === 0) return;
      if (this.slow) this.bringUpAll(m, nGroups, true);
      let lMin = lmax + 1;
      for (let g = 0; g < nGroups; g++) lMin = Math.min(lMin, ws.i32[L.ls / 4 + g]);
      if (lMin > lmax) continue;
      ws.k.analysis(...this.kernelArgs(m, L.data, nGroups));
      const off = ws.mOff[m];
      ws.k.reduce(L.data, L.mu + 8 * off, L.alm + 16 * off, lMin, lmax);
      this.retire(m);
    }
  }

  /**
   * Records (k, m) ← (E, O) sums Σ_{l+m even/odd} a_lm λ_lm(z_k) for m < mEnd[k], from the
   * workspace's alm.
   */
  synthesis(): void {
    const { ws, count } = this;
    const { lmax } = ws;
    const L = ws.layout;
    for (let m = 0; m <= lmax; m++) {
      const nGroups = this.prepare(m);
      if (nGroups === 0) return;
      const hasPre = this.slow && this.bringUpAll(m, nGroups, false);
      let lMin = lmax + 1;
      for (let g = 0; g < nGroups; g++) lMin = Math.min(lMin, ws.i32[L.ls / 4 + g]);
      const off = ws.mOff[m];
      if (lMin <= lmax) ws.k.scale(L.data, L.mu + 8 * off, L.alm + 16 * off, lMin, lmax);
      ws.k.synthesis(...this.kernelArgs(m, L.data, nGroups));
      if (this.slow) {
        const f = ws.f64;
        for (let k = this.kLo; k < count; k++) {
          const r = ws.recIndex(k, m);
          const g = Math.floor((k - this.kLo) / GROUP);
          if (ws.i32[L.ls / 4 + g] > lmax) {
            // a group the kernel skipped: nothing significant at this m
            for (let c = 0; c < 4; c++) f[r + c] = 0;
          } else if (hasPre && this.startL[k] === -2) {
            for (let c = 0; c < 4; c++) f[r + c] += this.pre[4 * k + c];
          }
        }
      }
      this.retire(m);
    }
  }
}
