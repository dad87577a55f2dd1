/**
 * Angular power on the cut sky of an observatory (review Sec. 2.4, Eq. 29–32, Appendix A).
 *
 *   pseudoAlm: a_lm of w·δI by the HEALPix pixel sum (4π/N_pix) Σ_p w_p δI_p Y*_lm(p), i.e.
 *              map2alm without iterations (iterating assumes a band-limited full-sky map, which a
 *              cut sky is not);
 *   pseudoCl:  C_l = Σ_m |a_lm|²/(2l+1) of those (Eq. 29);
 *   poissonNoiseSpectrum: the noise term N_l of Eq. 30 for independent Poisson pixels, δI_p of
 *              variance 1/n_p: (1/(2l+1)) Σ_{m≠0} Σ_p w_p² ΔΩ² |Y_lm(p)|²/n_p, which is Eq. 31,
 *              N = (1/4π) Σ_p w_p² ΔΩ²/n_p, minus the m = 0 part the normalization removes,
 *              (1/(2l+1)) Σ_p w_p² ΔΩ² Y_l0(p)²/n_p (Σ_m |Y_lm|² = (2l+1)/4π);
 *   fullSkyCl: <Ĉ_l> from Eq. 30 by solving Σ_l' M_ll' Ĉ_l' = C_l − N_l for 1 ≤ l, l' ≤ lmax
 *              (the sum over l' truncated at lmax), in l-bins where M alone is singular.
 */
import { alm2cl, map2alm } from '../harmonics.ts';
import { ringInfo } from '../healpix.ts';
import { legendreP } from './coupling.ts';

/** Pseudo-a_lm of weight·map (RING order; healpy's layout) by the pixel sum, no iterations. */
export function pseudoAlm(map: ArrayLike<number>, weight: ArrayLike<number>, lmax: number): Float64Array {
  if (weight.length !== map.length) throw new RangeError('pseudoAlm: map and weight differ in length');
  const wm = Float64Array.from(map, (v, p) => (weight[p] === 0 ? 0 : v * weight[p]));
  return map2alm(wm, { lmax, iterations: 0 });
}

/** Pseudo-C_l, l = 0 .. lmax, of weight·map. */
export function pseudoCl(map: ArrayLike<number>, weight: ArrayLike<number>, lmax: number): Float64Array {
  return alm2cl(pseudoAlm(map, weight, lmax));
}

export interface NoiseSpectrumOptions {
  /** Leave out the m = 0 modes, as the a_l0 = 0 normalization does (default true). */
  readonly withoutM0?: boolean;
}

/**
 * N_l, l = 0 .. lmax, of a relative-intensity map made of independent Poisson pixels with
 * counts n_p (pixels with w_p = 0 or n_p = 0 are left out), see the file header.
 */
export function poissonNoiseSpectrum(counts: ArrayLike<number>, weight: ArrayLike<number>, lmax: number, opts: NoiseSpectrumOptions = {}): Float64Array {
  const npix = counts.length;
  const nside = Math.round(Math.sqrt(npix / 12));
  const info = ringInfo(nside);
  const dOmega = (4 * Math.PI) / npix;
  let flat = 0;
  const noise = new Float64Array(lmax + 1);
  const ringSums = new Float64Array(info.nRings);
  for (let r = 0; r < info.nRings; r++) {
    let s = 0;
    for (let p = info.firstPix[r]; p < info.firstPix[r] + info.nPix[r]; p++) {
      const w = weight[p];
      if (w !== 0 && counts[p] > 0) s += (w * w * dOmega * dOmega) / counts[p];
    }
    ringSums[r] = s;
    flat += s;
  }
  flat /= 4 * Math.PI; // Eq. 31
  noise.fill(flat);
  if (opts.withoutM0 ?? true) {
    for (let r = 0; r < info.nRings; r++) {
      if (ringSums[r] === 0) continue;
      const pl = legendreP(lmax, info.z[r]);
      for (let l = 0; l <= lmax; l++) noise[l] -= (ringSums[r] * ((2 * l + 1) / (4 * Math.PI)) * pl[l] * pl[l]) / (2 * l + 1);
    }
    noise[0] = 0; // l = 0 is all m = 0: exactly nothing left (the sum above leaves rounding)
  }
  return noise;
}

interface LuFactors {
  readonly lu: Float64Array;
  readonly piv: Int32Array;
  readonly n: number;
}

/** LU factors with partial pivoting of an n × n row-major matrix, or null if it is singular to rounding. */
function luFactor(a: ArrayLike<number>, n: number): LuFactors | null {
  const m = Float64Array.from(a);
  const piv = Int32Array.from({ length: n }, (_, i) => i);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]));
  for (let col = 0; col < n; col++) {
    let p = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r * n + col]) > Math.abs(m[p * n + col])) p = r;
    if (!(Math.abs(m[p * n + col]) > 1e-14 * scale)) return null;
    if (p !== col) {
      for (let c = 0; c < n; c++) {
        const t = m[col * n + c];
        m[col * n + c] = m[p * n + c];
        m[p * n + c] = t;
      }
      const t = piv[col];
      piv[col] = piv[p];
      piv[p] = t;
    }
    for (let r = col + 1; r < n; r++) {
      const f = (m[r * n + col] /= m[col * n + col]);
      if (f !== 0) for (let c = col + 1; c < n; c++) m[r * n + c] -= f * m[col * n + c];
    }
  }
  return { lu: m, piv, n };
}

function luSolve(f: LuFactors, y: ArrayLike<number>): Float64Array {
  const { lu, piv, n } = f;
  const x = Float64Array.from({ length: n }, (_, i) => y[piv[i]]);
  for (let r = 1; r < n; r++) for (let c = 0; c < r; c++) x[r] -= lu[r * n + c] * x[c];
  for (let r = n - 1; r >= 0; r--) {
    for (let c = r + 1; c < n; c++) x[r] -= lu[r * n + c] * x[c];
    x[r] /= lu[r * n + r];
  }
  return x;
}

/** Solve A x = y (n × n, row-major) by Gaussian elimination with partial pivoting; throws if singular. */
export function solveLinear(a: ArrayLike<number>, y: ArrayLike<number>, n: number): Float64Array {
  const f = luFactor(a, n);
  if (!f) throw new RangeError('solveLinear: the matrix is singular (the field of view does not determine these multipoles)');
  return luSolve(f, y);
}

/** Condition number in the 1-norm, ||A||₁ ||A⁻¹||₁ (Infinity if singular to rounding). */
export function conditionNumber(a: ArrayLike<number>, n: number): number {
  const f = luFactor(a, n);
  if (!f) return Infinity;
  let normA = 0, normInv = 0;
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += Math.abs(a[r * n + c]);
    normA = Math.max(normA, s);
    const e = new Float64Array(n);
    e[c] = 1;
    const col = luSolve(f, e);
    let t = 0;
    for (let r = 0; r < n; r++) t += Math.abs(col[r]);
    normInv = Math.max(normInv, t);
  }
  return normA * normInv;
}

/** Bins of width w over l = 1 .. lmax (the last one may be narrower): [first, last] pairs. */
function lBins(lmax: number, w: number): [number, number][] {
  const bins: [number, number][] = [];
  for (let l = 1; l <= lmax; l += w) bins.push([l, Math.min(lmax, l + w - 1)]);
  return bins;
}

/** M binned: rows averaged over the l of a bin, columns summed over the l' of a bin (C flat within a bin). */
function binnedTransfer(m: ArrayLike<number>, lmax: number, bins: readonly [number, number][]): Float64Array {
  const L = lmax + 1, nb = bins.length;
  const out = new Float64Array(nb * nb);
  bins.forEach(([l0, l1], i) => {
    bins.forEach(([k0, k1], j) => {
      let s = 0;
      for (let l = l0; l <= l1; l++) for (let lp = k0; lp <= k1; lp++) s += m[l * L + lp];
      out[i * nb + j] = s / (l1 - l0 + 1);
    });
  });
  return out;
}

export interface FullSkyEstimate {
  /** <Ĉ_l> for l = 0 .. lmax (entry 0 NaN); within a bin every l carries the bin's band power. */
  readonly cl: Float64Array;
  /** Width of the l-bins used (1: every l on its own). */
  readonly binWidth: number;
  /** Condition number (1-norm) of the binned transfer matrix that was inverted. */
  readonly conditionNumber: number;
}

/** Condition number below which an Eq. 30 inversion is accepted when the bin width is chosen automatically. */
export const MAX_CONDITION = 1e3;

/**
 * Full-sky <Ĉ_l> from the cut-sky spectrum by Eq. 30, Σ_l' M_ll' Ĉ_l' = C_l − N_l over
 * 1 ≤ l, l' ≤ lmax (l = 0 carries no information: M_0l' = 0). Unbinned, M can be singular: a cap
 * around a pole (IceCube) cannot tell adjacent l apart, the known limitation of a partial sky.
 * So, as in MASTER (Hivon et al. 2002, ApJ 567, 2), the l are grouped in bins of `binWidth` with
 * C flat within a bin; without `binWidth` the narrowest bins from 1 to 8 whose binned matrix has
 * a condition number below MAX_CONDITION are used.
 */
export function fullSkyCl(pseudo: ArrayLike<number>, noise: ArrayLike<number>, m: ArrayLike<number>, lmax: number, binWidth?: number): FullSkyEstimate {
  const L = lmax + 1;
  if (m.length !== L * L) throw new RangeError(`fullSkyCl: M is ${m.length} entries, expected ${L * L}`);
  if (binWidth !== undefined && !(Number.isInteger(binWidth) && binWidth >= 1)) throw new RangeError(`fullSkyCl: binWidth must be an integer >= 1, got ${binWidth}`);
  const widths = binWidth !== undefined ? [binWidth] : [1, 2, 3, 4, 5, 6, 7, 8];
  let chosen: { w: number; bins: [number, number][]; mb: Float64Array; cond: number } | null = null;
  for (const w of widths) {
    const bins = lBins(lmax, w);
    const mb = binnedTransfer(m, lmax, bins);
    const cond = conditionNumber(mb, bins.length);
    chosen = { w, bins, mb, cond };
    if (cond < MAX_CONDITION) break;
  }
  const { w, bins, mb, cond } = chosen!;
  const y = bins.map(([l0, l1]) => {
    let s = 0;
    for (let l = l0; l <= l1; l++) s += pseudo[l] - noise[l];
    return s / (l1 - l0 + 1);
  });
  const cl = new Float64Array(L).fill(NaN);
  if (Number.isFinite(cond)) {
    const x = solveLinear(mb, y, bins.length);
    bins.forEach(([l0, l1], i) => cl.fill(x[i], l0, l1 + 1));
  }
  return { cl, binWidth: w, conditionNumber: cond };
}

/** Σ_l' M_ll' C_l' + N_l: the pseudo-spectrum expected for a statistically isotropic sky of spectrum C (l' ≤ lmax). */
export function expectedPseudoCl(cl: ArrayLike<number>, noise: ArrayLike<number>, m: ArrayLike<number>, lmax: number): Float64Array {
  const L = lmax + 1;
  const out = new Float64Array(L);
  out[0] = noise[0]; // M_0l' = 0: the monopole of the cut sky is removed with the m = 0 modes
  for (let l = 1; l <= lmax; l++) {
    let s = noise[l];
    for (let lp = 1; lp <= lmax; lp++) s += m[l * L + lp] * cl[lp];
    out[l] = s;
  }
  return out;
}
