/**
 * Spherical-harmonic transforms of real HEALPix maps, healpy's conventions.
 *
 * Expansion (review Eq. 14):  f(θ, φ) = Σ_{l ≥ 0} Σ_{m=−l..l} a_lm Y_lm(θ, φ), with the
 * orthonormal Y_lm including the Condon–Shortley phase (−1)^m, as in healpy. For a real map
 * a_{l,−m} = (−1)^m conj(a_lm), so only m ≥ 0 is stored.
 *
 * alm layout (healpy's): a Float64Array of 2·almSize(lmax) numbers, complex interleaved
 * (re, im); the coefficient (l, m), 0 ≤ m ≤ l ≤ lmax, sits at 2·almIndex(l, m, lmax) with
 * almIndex = m·(2·lmax + 1 − m)/2 + l (m-major, l contiguous). mmax is always lmax.
 *
 * map2alm is the HEALPix quadrature a_lm = (4π/N_pix) Σ_p f_p Y*_lm(p) (healpy's default, no
 * ring or pixel weights), done on the iso-latitude rings: one FFT per pair of rings mirrored in
 * the equator, then the associated-Legendre recursion over l for each m, using λ_lm(−z) =
 * (−1)^(l+m) λ_lm(z). `iterations` Jacobi refinement steps follow (healpy's `iter`), alm ←
 * alm + map2alm(map − alm2map(alm)); the default 3 is healpy's default for map2alm and anafast.
 *
 * The associated-Legendre recursion (stable, no overflow, scaled past the underflow of sin^m θ
 * near the poles up to any lmax) is in harmonicsLegendre.ts, the ring FFTs (mixed radix for the
 * ring lengths 4i, Bluestein where i has a prime factor above 47) in harmonicsRingFft.ts.
 *
 * Differences from healpy: alm are an interleaved Float64Array, not a complex numpy array; mmax
 * is always lmax; no polarization, ring weights or pixel weights; NaN/±∞ pixels throw.
 */
import { checkNside, npix2nside, reorder, ringInfo, UNSEEN } from './healpix.ts';
import { LegendreBlock, LegendreWorkspace } from './harmonicsLegendre.ts';
import { ringDft } from './harmonicsRingFft.ts';

/** Number of complex coefficients for lmax (= mmax): (lmax+1)(lmax+2)/2. */
export function almSize(lmax: number): number {
  return ((lmax + 1) * (lmax + 2)) / 2;
}

/** Complex index of (l, m) in healpy's order for the given lmax (multiply by 2 for the Float64Array). */
export function almIndex(l: number, m: number, lmax: number): number {
  return (m * (2 * lmax + 1 - m)) / 2 + l;
}

/** lmax of an alm array from its length in numbers (2 per complex coefficient); throws if none fits. */
export function almGetLmax(lengthInNumbers: number): number {
  const n = lengthInNumbers / 2;
  const lmax = Math.round((Math.sqrt(1 + 8 * n) - 3) / 2);
  if (!Number.isInteger(n) || almSize(lmax) !== n) {
    throw new RangeError(`alm: ${lengthInNumbers} numbers is not 2·(lmax+1)(lmax+2)/2 for any lmax`);
  }
  return lmax;
}

export interface Map2AlmOptions {
  /** Largest multipole; default 3·N_side − 1 (healpy's default). */
  lmax?: number;
  /** Jacobi refinement steps (healpy's `iter`); default 3, as healpy's map2alm and anafast. */
  iterations?: number;
  /** The map is in NESTED order (healpy expects RING; it would need `reorder` first). */
  nest?: boolean;
}

export interface Alm2MapOptions {
  /** Write the map in NESTED order (default RING, as healpy). */
  nest?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Transforms
// ---------------------------------------------------------------------------------------------

/** Ring pairs per Legendre block: large enough to amortize the per-(l, m) work, small enough
 *  that the block's ring spectra (4·(lmax+1)·BLOCK numbers) stay modest at N_side 1024 (25 MB). */
const BLOCK = 256;

/** Work buffers of the ring FFTs, grown on demand and reused across calls. */
let ringBuf = new Float64Array(0);
let ringOut = new Float64Array(0);

function ringBuffers(n: number): void {
  if (ringBuf.length < 2 * n) {
    ringBuf = new Float64Array(2 * n);
    ringOut = new Float64Array(2 * n);
  }
}

/**
 * Ring pairs r ↔ nRings − 1 − r for r = 0 .. 2·N_side − 2 (north ring first), then the equator
 * r = 2·N_side − 1 alone; both rings of a pair have the same pixel count and φ0.
 */
function blocks(nside: number): [number, number][] {
  const nPairs = 2 * nside;
  const out: [number, number][] = [];
  for (let r0 = 0; r0 < nPairs; r0 += BLOCK) out.push([r0, Math.min(BLOCK, nPairs - r0)]);
  return out;
}

/**
 * Spectrum records of one ring pair for the analysis: rec[4m .. 4m+3] = P_E(m), P_O(m) (complex)
 * with P_E = F_N + F_S, P_O = F_N − F_S and F_X(m) = (4π/N_pix) Σ_j f_j e^{−imφ_j} on ring X.
 * `spec` is the DFT of (north + i·south); rec is written from index `o` on.
 */
function ringRecordsAnalysis(spec: Float64Array, n: number, phi0: number, w: number, lmax: number, rec: Float64Array, o: number): void {
  const c1 = Math.cos(phi0), s1 = Math.sin(phi0);
  let cm = 1, sm = 0; // cos, sin of m·φ0 by rotation, re-seeded exactly every 32 steps
  let q = 0; // m mod n
  for (let m = 0; m <= lmax; m++, o += 4) {
    if (m > 0) {
      if ((m & 31) === 0) {
        cm = Math.cos(m * phi0);
        sm = Math.sin(m * phi0);
      } else {
        const t = cm * c1 - sm * s1;
        sm = sm * c1 + cm * s1;
        cm = t;
      }
      if (++q === n) q = 0;
    }
    const qc = q === 0 ? 0 : n - q;
    const xr = spec[2 * q], xi = spec[2 * q + 1];
    const yr = spec[2 * qc], yi = -spec[2 * qc + 1]; // conj X[n−q]
    // DFT of the north ring (X + conj X[n−q])/2, of the south ring (X − conj X[n−q])/(2i)
    const nr = 0.5 * (xr + yr), ni = 0.5 * (xi + yi);
    const sr = 0.5 * (xi - yi), si = -0.5 * (xr - yr);
    // F(m) = e^{−imφ0} X[m mod n], times the quadrature weight 4π/N_pix
    const cr = cm * w, ci = -sm * w;
    const fnr = nr * cr - ni * ci, fni = nr * ci + ni * cr;
    const fsr = sr * cr - si * ci, fsi = sr * ci + si * cr;
    rec[o] = fnr + fsr;
    rec[o + 1] = fni + fsi;
    rec[o + 2] = fnr - fsr;
    rec[o + 3] = fni - fsi;
  }
}

/** One pass of the quadrature (no iterations), map in RING order, alm accumulated into the workspace's alm. */
function analysis(map: Float64Array, nside: number, ws: LegendreWorkspace): void {
  const { lmax } = ws;
  const info = ringInfo(nside);
  const w = (4 * Math.PI) / (12 * nside * nside);
  ringBuffers(4 * nside);
  const buf = ringBuf, spec = ringOut;
  const block = new LegendreBlock(ws);
  for (const [r0, count] of blocks(nside)) {
    block.setRings(info.z.subarray(r0, r0 + count), info.sinTheta.subarray(r0, r0 + count), count);
    for (let k = 0; k < count; k++) {
      const r = r0 + k;
      const rs = info.nRings - 1 - r;
      const n = info.nPix[r];
      const fN = info.firstPix[r];
      const fS = info.firstPix[rs];
      if (rs === r) {
        // the equator
        for (let j = 0; j < n; j++) {
          buf[2 * j] = map[fN + j];
          buf[2 * j + 1] = 0;
        }
      } else {
        for (let j = 0; j < n; j++) {
          buf[2 * j] = map[fN + j];
          buf[2 * j + 1] = map[fS + j];
        }
      }
      ringDft(n).forward(buf, spec);
      ringRecordsAnalysis(spec, n, info.phi0[r], w, lmax, ws.f64, ws.recIndex(k, 0));
    }
    block.analysis();
  }
}

/**
 * Ring spectrum c = c_N + i·c_S of one ring pair for the synthesis, folded to n points, from the
 * records rec[4m ..] = (E, O) for m < mEnd: G_N = E + O and G_S = E − O (zero for the lone
 * equator), times e^{imφ0}; c_X[m mod n] += G_X(m), c_X[−m mod n] += conj G_X(m) (m > 0).
 * Returns c conjugated, ready for a forward DFT that does the inverse.
 */
function ringSpectrumSynthesis(rec: Float64Array, o: number, mEnd: number, n: number, phi0: number, single: boolean, buf: Float64Array): void {
  buf.fill(0, 0, 2 * n);
  const c1 = Math.cos(phi0), s1 = Math.sin(phi0);
  let cr = 1, ci = 0; // cos, sin of m·φ0 by rotation, re-seeded exactly every 32 steps
  let q = 0; // m mod n
  const sgn = single ? 0 : 1;
  for (let m = 0; m < mEnd; m++, o += 4) {
    if (m > 0) {
      if ((m & 31) === 0) {
        cr = Math.cos(m * phi0);
        ci = Math.sin(m * phi0);
      } else {
        const t = cr * c1 - ci * s1;
        ci = ci * c1 + cr * s1;
        cr = t;
      }
      if (++q === n) q = 0;
    }
    const er = rec[o], ei = rec[o + 1], or = rec[o + 2], oi = rec[o + 3];
    const gNr0 = er + or, gNi0 = ei + oi;
    const gSr0 = sgn * (er - or), gSi0 = sgn * (ei - oi);
    const gNr = gNr0 * cr - gNi0 * ci, gNi = gNr0 * ci + gNi0 * cr;
    const gSr = gSr0 * cr - gSi0 * ci, gSi = gSr0 * ci + gSi0 * cr;
    buf[2 * q] += gNr - gSi;
    buf[2 * q + 1] += gNi + gSr;
    if (m > 0) {
      const qc = q === 0 ? 0 : n - q;
      buf[2 * qc] += gNr + gSi;
      buf[2 * qc + 1] += -gNi + gSr;
    }
  }
  // f_j = Σ_q c_q e^{+2πijq/n} = conj(DFT(conj c))_j
  for (let j = 1; j < 2 * n; j += 2) buf[j] = -buf[j];
}

/** Synthesis of the workspace's alm into a RING-order map (overwritten). */
function synthesis(ws: LegendreWorkspace, nside: number, map: Float64Array): void {
  const { lmax } = ws;
  const info = ringInfo(nside);
  ringBuffers(4 * nside);
  const buf = ringBuf, out = ringOut;
  const block = new LegendreBlock(ws);
  for (const [r0, count] of blocks(nside)) {
    block.setRings(info.z.subarray(r0, r0 + count), info.sinTheta.subarray(r0, r0 + count), count);
    block.synthesis();
    for (let k = 0; k < count; k++) {
      const r = r0 + k;
      const rs = info.nRings - 1 - r;
      const single = rs === r;
      const n = info.nPix[r];
      ringSpectrumSynthesis(ws.f64, ws.recIndex(k, 0), Math.min(lmax + 1, block.mEnd[k]), n, info.phi0[r], single, buf);
      ringDft(n).forward(buf, out);
      // north = Re, south = −Im (conjugated output)
      const fN = info.firstPix[r];
      const fS = info.firstPix[rs];
      for (let j = 0; j < n; j++) map[fN + j] = out[2 * j];
      if (!single) for (let j = 0; j < n; j++) map[fS + j] = -out[2 * j + 1];
    }
  }
}

function checkLmax(lmax: number): void {
  if (!Number.isInteger(lmax) || lmax < 0) throw new RangeError(`lmax must be a non-negative integer, got ${lmax}`);
}

/** Copy of the map in RING order with healpy's UNSEEN pixels set to 0 (as healpy does); throws on NaN/∞. */
function prepareMap(map: ArrayLike<number>, nest: boolean): Float64Array {
  const ring = nest ? reorder(map, 'n2r') : map instanceof Float64Array ? map.slice() : Float64Array.from(map);
  const unseen = UNSEEN; // a local: the imported binding is a getter call in the loop under tsx
  for (let p = 0; p < ring.length; p++) {
    const v = ring[p];
    if (v === unseen) ring[p] = 0;
    else if (!Number.isFinite(v)) throw new RangeError(`map2alm: pixel ${p} is ${v}; mask it with UNSEEN or 0`);
  }
  return ring;
}

/**
 * Spherical-harmonic coefficients of a real map (healpy's map2alm with use_weights=False).
 * Returns interleaved complex alm in healpy's order (see the file header). Pixels equal to
 * UNSEEN count as 0, like healpy; NaN or ±∞ throw.
 */
export function map2alm(map: ArrayLike<number>, opts: Map2AlmOptions = {}): Float64Array {
  const nside = npix2nside(map.length);
  const lmax = opts.lmax ?? 3 * nside - 1;
  checkLmax(lmax);
  const iterations = opts.iterations ?? 3;
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be ≥ 0, got ${iterations}`);
  const ring = prepareMap(map, opts.nest === true);
  const ws = LegendreWorkspace.get(lmax, Math.min(BLOCK, 2 * nside));
  const a0 = ws.almIndex(0, 0);
  const nAlm = 2 * almSize(lmax);
  ws.f64.fill(0, a0, a0 + nAlm);
  analysis(ring, nside, ws);
  if (iterations > 0) {
    const rec = new Float64Array(ring.length);
    for (let it = 0; it < iterations; it++) {
      synthesis(ws, nside, rec);
      for (let p = 0; p < rec.length; p++) rec[p] = ring[p] - rec[p];
      analysis(rec, nside, ws);
    }
  }
  return ws.f64.slice(a0, a0 + nAlm);
}

/** Real map on N_side from interleaved alm (lmax from the array length) (healpy's alm2map, no pixel window). */
export function alm2map(alm: Float64Array, nside: number, opts: Alm2MapOptions = {}): Float64Array {
  checkNside(nside);
  const lmax = almGetLmax(alm.length);
  const map = new Float64Array(12 * nside * nside);
  const ws = LegendreWorkspace.get(lmax, Math.min(BLOCK, 2 * nside));
  ws.f64.set(alm, ws.almIndex(0, 0));
  synthesis(ws, nside, map);
  return opts.nest ? reorder(map, 'r2n') : map;
}

/**
 * Angular power spectrum C_l = Σ_m |a_lm|² / (2l+1) (review Eq. 29), l = 0 .. lmax, from m ≥ 0
 * alm of a real map: |a_l0|² + 2 Σ_{m≥1} |a_lm|². With a second alm: the cross-spectrum
 * Σ_m Re(a_lm conj b_lm) / (2l+1), like healpy's alm2cl(alm1, alm2).
 */
export function alm2cl(alm: Float64Array, alm2?: Float64Array): Float64Array {
  const lmax = almGetLmax(alm.length);
  const b = alm2 ?? alm;
  if (b.length !== alm.length) throw new RangeError('alm2cl: the two alm arrays have different lmax');
  const cl = new Float64Array(lmax + 1);
  for (let m = 0; m <= lmax; m++) {
    const off = almIndex(0, m, lmax);
    const f = m === 0 ? 1 : 2;
    for (let l = m; l <= lmax; l++) {
      const i = 2 * (off + l);
      cl[l] += f * (alm[i] * b[i] + alm[i + 1] * b[i + 1]);
    }
  }
  for (let l = 0; l <= lmax; l++) cl[l] /= 2 * l + 1;
  return cl;
}

/**
 * C_l of a map, alm2cl(map2alm(map, opts)), or with a second map of the same N_side the
 * cross-spectrum C_l^{XY} = Σ_m Re(a_lm conj b_lm)/(2l+1) of the two (healpy's
 * anafast(map1, map2); lmax 3·N_side − 1 and 3 iterations by default, the same for both maps).
 */
export function anafast(map: ArrayLike<number>, opts?: Map2AlmOptions): Float64Array;
export function anafast(map1: ArrayLike<number>, map2: ArrayLike<number>, opts?: Map2AlmOptions): Float64Array;
export function anafast(map1: ArrayLike<number>, second?: ArrayLike<number> | Map2AlmOptions, third?: Map2AlmOptions): Float64Array {
  const map2 = second !== undefined && isArrayLike(second) ? second : undefined;
  const opts = (map2 !== undefined ? third : (second as Map2AlmOptions | undefined)) ?? {};
  const alm1 = map2alm(map1, opts);
  if (map2 === undefined) return alm2cl(alm1);
  if (map2.length !== map1.length) throw new RangeError(`anafast: the maps differ in size (${map1.length} and ${map2.length} pixels)`);
  return alm2cl(alm1, map2alm(map2, opts));
}

function isArrayLike(x: ArrayLike<number> | Map2AlmOptions): x is ArrayLike<number> {
  return typeof (x as ArrayLike<number>).length === 'number';
}
