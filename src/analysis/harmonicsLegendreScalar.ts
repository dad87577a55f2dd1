/**
 * The Legendre kernels of the spherical-harmonic transforms in plain TypeScript (internal to
 * harmonicsLegendre.ts): the reference the WebAssembly SIMD kernels are tested against, and the
 * fallback where WebAssembly SIMD is missing. This module also defines the kernels' interface.
 *
 * Same interface as the SIMD kernels (byte addresses into one memory, the same parameters, the
 * same memory layout) and the same floating-point operations in the same order for each SIMD
 * lane: the recurrence is (z·α)·p − p_prev, the analysis sums of a group's even rings go to
 * lane 0 and its odd rings to lane 1 in ring order, no fused multiply-add on either side. So the
 * two give bitwise the same numbers (harmonicsLegendre.test.ts). This one runs one ring at a time,
 * a single dependent chain per ring: ~3.4 ns per ring and l step on V8, against ~0.5 ns for the
 * SIMD kernels' eight rings in four independent two-lane chains; whole transforms are 3-6x slower.
 *
 * Ring groups: GROUP rings run together from the group's starting l (harmonicsLegendre.ts), ring
 * k of group g has z at z + 8·(GROUP·g + k), p at the starting l (u) one slot block further
 * (uvOff bytes) and p one l before (v) two blocks further, and its spectrum record
 * (E re, E im, O re, O im) for this m at rec + (GROUP·g + k)·recStride.
 */

/** Rings per group: four two-lane SIMD vectors. */
export const GROUP = 8;

/** The memory the kernels address: a WebAssembly.Memory, or ArrayMemory below. */
export interface KernelMemory {
  /** Replaced by grow(): views on the old buffer must be made again. */
  readonly buffer: ArrayBuffer;
  /** Adds `pages` × 64 KiB; returns the previous size in pages. */
  grow(pages: number): number;
}

/** The Legendre kernels for one m and a run of ring groups. Addresses are bytes into `memory`. */
export interface LegendreKernels {
  readonly kind: 'simd' | 'scalar';
  readonly memory: KernelMemory;
  /**
   * T_l += Σ_rings p_lm(z_k) · P^{par(l−m)}_k for l = lS .. lmax of each group (lS = the i32 at
   * ls + 4g; lS > lmax skips the group), P^even = the record's E, P^odd = its O; T_l at
   * data + 32 l as (re lane 0, re lane 1, im lane 0, im lane 1), lane = ring index parity, each
   * lane summed in ring order.
   * α_lm at alpha + 8 l. Leaves p_lmax in u and p_{lmax−1} in v.
   */
  analysis(alpha: number, data: number, z: number, rec: number, recStride: number, ls: number, nGroups: number, m: number, lmax: number, uvOff: number): void;
  /**
   * Records ← E = Σ_{l+m even} p_lm(z_k) · (μa)_l, O = Σ_{l+m odd} …, l = lS .. lmax, with
   * (μa)_l at data + 16 l (re, im); the other arguments as for analysis.
   */
  synthesis(alpha: number, data: number, z: number, rec: number, recStride: number, ls: number, nGroups: number, m: number, lmax: number, uvOff: number): void;
  /** alm_l += μ_l · (T_l lane 0 + lane 1), re and im, then T_l ← 0, for l = lFrom .. lTo (T, μ, alm at l = 0). */
  reduce(t: number, mu: number, alm: number, lFrom: number, lTo: number): void;
  /** (μa)_l = μ_l · alm_l, re and im, for l = lFrom .. lTo (out, μ, alm at l = 0). */
  scale(out: number, mu: number, alm: number, lFrom: number, lTo: number): void;
}

const PAGE = 65536;

/** A growable memory on ArrayBuffers, with WebAssembly.Memory's grow semantics (a new buffer). */
export class ArrayMemory implements KernelMemory {
  private bytes: ArrayBuffer;
  constructor(pages: number) {
    this.bytes = new ArrayBuffer(pages * PAGE);
  }
  get buffer(): ArrayBuffer {
    return this.bytes;
  }
  grow(pages: number): number {
    const old = this.bytes;
    this.bytes = new ArrayBuffer(old.byteLength + pages * PAGE);
    new Uint8Array(this.bytes).set(new Uint8Array(old));
    return old.byteLength / PAGE;
  }
}

/** Scalar kernels on their own memory of `pages` × 64 KiB to start with. */
export function scalarLegendreKernels(pages = 1): LegendreKernels {
  const memory = new ArrayMemory(pages);
  let f64 = new Float64Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  /** Views on the current buffer (grow() replaces it). */
  const views = (): { f: Float64Array; i: Int32Array } => {
    if (f64.buffer !== memory.buffer) {
      f64 = new Float64Array(memory.buffer);
      i32 = new Int32Array(memory.buffer);
    }
    return { f: f64, i: i32 };
  };

  return {
    kind: 'scalar',
    memory,

    analysis(alpha, data, z, rec, recStride, ls, nGroups, m, lmax, uvOff) {
      const { f, i } = views();
      const slots = uvOff >>> 3;
      const a0 = alpha >>> 3;
      for (let g = 0; g < nGroups; g++) {
        const lS = i[(ls >>> 2) + g];
        if (lS > lmax) continue;
        for (let k = 0; k < GROUP; k++) {
          const zi = (z >>> 3) + GROUP * g + k;
          const zk = f[zi];
          const r = (rec + (GROUP * g + k) * recStride) >>> 3;
          const t = (data >>> 3) + (k & 1);
          let cur = f[zi + slots];
          let prev = f[zi + 2 * slots];
          for (let l = lS; ; ) {
            const o = r + 2 * ((l - m) & 1);
            f[t + 4 * l] += cur * f[o];
            f[t + 4 * l + 2] += cur * f[o + 1];
            if (l === lmax) break;
            l++;
            const next = zk * f[a0 + l] * cur - prev;
            prev = cur;
            cur = next;
          }
          f[zi + slots] = cur;
          f[zi + 2 * slots] = prev;
        }
      }
    },

    synthesis(alpha, data, z, rec, recStride, ls, nGroups, m, lmax, uvOff) {
      const { f, i } = views();
      const slots = uvOff >>> 3;
      const a0 = alpha >>> 3;
      for (let g = 0; g < nGroups; g++) {
        const lS = i[(ls >>> 2) + g];
        if (lS > lmax) continue;
        for (let k = 0; k < GROUP; k++) {
          const zi = (z >>> 3) + GROUP * g + k;
          const zk = f[zi];
          let cur = f[zi + slots];
          let prev = f[zi + 2 * slots];
          // sums of l + m even (E) and odd (O), re and im
          let er = 0, ei = 0, or = 0, oi = 0;
          for (let l = lS; ; ) {
            const a = (data >>> 3) + 2 * l;
            if (((l - m) & 1) === 0) {
              er += cur * f[a];
              ei += cur * f[a + 1];
            } else {
              or += cur * f[a];
              oi += cur * f[a + 1];
            }
            if (l === lmax) break;
            l++;
            const next = zk * f[a0 + l] * cur - prev;
            prev = cur;
            cur = next;
          }
          f[zi + slots] = cur;
          f[zi + 2 * slots] = prev;
          const r = (rec + (GROUP * g + k) * recStride) >>> 3;
          f[r] = er;
          f[r + 1] = ei;
          f[r + 2] = or;
          f[r + 3] = oi;
        }
      }
    },

    reduce(t, mu, alm, lFrom, lTo) {
      const { f } = views();
      for (let l = lFrom; l <= lTo; l++) {
        const tl = (t >>> 3) + 4 * l;
        const a = (alm >>> 3) + 2 * l;
        const ml = f[(mu >>> 3) + l];
        f[a] = f[a] + ml * (f[tl] + f[tl + 1]);
        f[a + 1] = f[a + 1] + ml * (f[tl + 2] + f[tl + 3]);
        f[tl] = f[tl + 1] = f[tl + 2] = f[tl + 3] = 0;
      }
    },

    scale(out, mu, alm, lFrom, lTo) {
      const { f } = views();
      for (let l = lFrom; l <= lTo; l++) {
        const ml = f[(mu >>> 3) + l];
        f[(out >>> 3) + 2 * l] = ml * f[(alm >>> 3) + 2 * l];
        f[(out >>> 3) + 2 * l + 1] = ml * f[(alm >>> 3) + 2 * l + 1];
      }
    },
  };
}
