/**
 * Rotation of sky maps in harmonic space: healpy's rotate_alm(alm, matrix=R) and
 * Rotator(coord=['C', 'G']).rotate_map_alms(map), with the frame matrix of config/frames.ts.
 *
 * A rotation R acts actively: the rotated map is f'(n) = f(Rᵀ n), so a feature at direction v
 * moves to R v (equatorial → galactic is R = EQUATORIAL_TO_GALACTIC: a source at equatorial v
 * lands at its galactic coordinates). With R = Rz(α) Ry(β) Rz(γ) (z-y-z Euler angles, right
 * handed, active),
 *   a'_lm = Σ_{m'=−l..l} D^l_{mm'}(R) a_lm',   D^l_{mm'} = e^{−imα} d^l_{mm'}(β) e^{−im'γ},
 * with a_{l,−m'} = (−1)^{m'} conj(a_lm') for a real map and d^l the Wigner small-d matrix
 * (d^{1/2} = [[cos β/2, −sin β/2], [sin β/2, cos β/2]] on m = +1/2, −1/2).
 *
 * Why by hand: no JavaScript library rotates spherical-harmonic coefficients. d^l(β) comes from
 * the spin-1/2 coupling recursion (Risbo 1996, J. Geodesy 70, 383): d^{j+1/2} from d^j in one
 * pass per half step, only square roots of integers and cos/sin(β/2), stable to any l (no
 * factorials, no division by sin β). Cost O(lmax³) for the recursion and the rotation each,
 * memory O(lmax²).
 */
import { EQUATORIAL_TO_GALACTIC, GALACTIC_TO_EQUATORIAL, type Frame, type Mat3 } from '../config/frames.ts';
import { alm2map, almGetLmax, almIndex, map2alm } from './harmonics.ts';
import { npix2nside, reorder } from './healpix.ts';

/**
 * Wigner small-d matrices d^j(β) for j = 0, 1/2, 1, ... in turn. After `next()` returns 2j,
 * `at(a, b)` is d^j_{j−a, j−b}(β) for a, b in 0 .. 2j.
 */
export class WignerD {
  private readonly p: number;
  private readonly q: number;
  private readonly sq: Float64Array;
  private cur: Float64Array;
  private nxt: Float64Array;
  private twoJ = -1;
  private readonly stride: number;

  constructor(maxTwoJ: number, betaRad: number) {
    this.p = Math.sin(betaRad / 2);
    this.q = Math.cos(betaRad / 2);
    this.stride = maxTwoJ + 1;
    this.sq = Float64Array.from({ length: maxTwoJ + 2 }, (_, i) => Math.sqrt(i));
    this.cur = new Float64Array(this.stride * this.stride);
    this.nxt = new Float64Array(this.stride * this.stride);
  }

  /** Advances j by 1/2 and returns the new 2j. */
  next(): number {
    const s = this.stride;
    if (this.twoJ < 0) {
      this.cur[0] = 1;
      this.twoJ = 0;
      return 0;
    }
    const K = this.twoJ + 1;
    if (K >= s) throw new RangeError(`WignerD: 2j would exceed ${s - 1}`);
    const { p, q, sq } = this;
    const old = this.cur;
    const out = this.nxt;
    const inv = 1 / K;
    // d^{K/2}[a][b] = (1/K)[√(K−a)(q√(K−b) d[a][b] − p√b d[a][b−1]) + √a(p√(K−b) d[a−1][b] + q√b d[a−1][b−1])],
    // the entries of d^{(K−1)/2} outside 0 .. K−1 being zero.
    for (let a = 0; a <= K; a++) {
      const upper = a < K; // row a of the old matrix exists
      const lower = a > 0; // row a − 1 exists
      const ra = sq[K - a];
      const la = sq[a];
      for (let b = 0; b <= K; b++) {
        const rb = sq[K - b];
        const lb = sq[b];
        let v = 0;
        if (upper) {
          const o = a * s;
          const d0 = b < K ? old[o + b] : 0;
          const d1 = b > 0 ? old[o + b - 1] : 0;
          v += ra * (q * rb * d0 - p * lb * d1);
        }
        if (lower) {
          const o = (a - 1) * s;
          const d0 = b < K ? old[o + b] : 0;
          const d1 = b > 0 ? old[o + b - 1] : 0;
          v += la * (p * rb * d0 + q * lb * d1);
        }
        out[a * s + b] = v * inv;
      }
    }
    this.nxt = old;
    this.cur = out;
    this.twoJ = K;
    return K;
  }

  /** d^j_{j−a, j−b}(β) of the current j. */
  at(a: number, b: number): number {
    return this.cur[a * this.stride + b];
  }
}

/** z-y-z Euler angles (α, β, γ) with R = Rz(α) Ry(β) Rz(γ), R row-major (active rotation). */
export function eulerZYZ(r: Mat3): { alpha: number; beta: number; gamma: number } {
  const sb = Math.hypot(r[2], r[5]);
  const beta = Math.atan2(sb, r[8]);
  // Third column (cos α sin β, sin α sin β, cos β), third row (−sin β cos γ, sin β sin γ, cos β).
  if (sb > 1e-12) return { alpha: Math.atan2(r[5], r[2]), beta, gamma: Math.atan2(r[7], -r[6]) };
  // sin β ≈ 0: only α ± γ is defined; put it all in α.
  if (r[8] > 0) return { alpha: Math.atan2(r[3], r[0]), beta: 0, gamma: 0 };
  return { alpha: Math.atan2(-r[3], r[4]), beta: Math.PI, gamma: 0 };
}

/** The alm of f'(n) = f(Rᵀ n) (healpy's rotate_alm(alm, matrix=R), not in place). */
export function rotateAlm(alm: Float64Array, r: Mat3): Float64Array {
  const lmax = almGetLmax(alm.length);
  const { alpha, beta, gamma } = eulerZYZ(r);
  const out = new Float64Array(alm.length);
  const wigner = new WignerD(2 * lmax, beta);
  // b_{m'} = e^{−im'γ} a_{lm'} for m' = 0 .. l; m' < 0 via b_{−m'} = (−1)^{m'} conj(b_{m'})
  const bRe = new Float64Array(lmax + 1);
  const bIm = new Float64Array(lmax + 1);
  const cg = Float64Array.from({ length: lmax + 1 }, (_, m) => Math.cos(m * gamma));
  const sg = Float64Array.from({ length: lmax + 1 }, (_, m) => Math.sin(m * gamma));
  const ca = Float64Array.from({ length: lmax + 1 }, (_, m) => Math.cos(m * alpha));
  const sa = Float64Array.from({ length: lmax + 1 }, (_, m) => Math.sin(m * alpha));
  for (let l = 0; l <= lmax; l++) {
    // advance the recursion to j = l (two half steps per l after the first)
    while (wigner.next() < 2 * l);
    for (let m = 0; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      const re = alm[i];
      const im = m === 0 ? 0 : alm[i + 1]; // a_l0 is real for a real map, as healpy assumes
      bRe[m] = re * cg[m] + im * sg[m];
      bIm[m] = im * cg[m] - re * sg[m];
    }
    for (let m = 0; m <= l; m++) {
      const a = l - m; // row of d^l_{m, ·}
      // m' = 0
      let cr = wigner.at(a, l) * bRe[0];
      let ci = wigner.at(a, l) * bIm[0];
      let sign = -1;
      for (let mp = 1; mp <= l; mp++, sign = -sign) {
        const dp = wigner.at(a, l - mp); // d^l_{m, +m'}
        const dn = sign * wigner.at(a, l + mp); // (−1)^{m'} d^l_{m, −m'}
        // dp·b + dn·conj(b)
        cr += (dp + dn) * bRe[mp];
        ci += (dp - dn) * bIm[mp];
      }
      // a'_lm = e^{−imα} c_m
      const o = 2 * almIndex(l, m, lmax);
      out[o] = cr * ca[m] + ci * sa[m];
      out[o + 1] = ci * ca[m] - cr * sa[m];
    }
  }
  return out;
}

/** The active rotation that takes vectors in `from` axes to `to` axes. */
export function frameRotation(from: Frame, to: Frame): Mat3 {
  if (from === to) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  return from === 'equatorial' ? EQUATORIAL_TO_GALACTIC : GALACTIC_TO_EQUATORIAL;
}

export interface RotateMapOptions {
  /** Frame of the input map. */
  from: Frame;
  /** Frame of the output map. */
  to: Frame;
  /** Largest multipole, default 3·N_side − 1. */
  lmax?: number;
  /** Jacobi iterations of map2alm, default 3. */
  iterations?: number;
  /** Map in NESTED order (output in the same order). */
  nest?: boolean;
}

/**
 * A map re-expressed in another sky frame, in harmonic space: alm2map(rotateAlm(map2alm(map))),
 * healpy's Rotator(coord=['C', 'G']).rotate_map_alms(map) for equatorial → galactic. Exact
 * (up to the map2alm quadrature) for band-limited maps; healpy's default use_pixel_weights=True
 * is not available here (no pixel weights), so compare with use_pixel_weights=False.
 */
export function rotateMap(map: ArrayLike<number>, opts: RotateMapOptions): Float64Array {
  const nside = npix2nside(map.length);
  const alm = map2alm(map, { lmax: opts.lmax, iterations: opts.iterations, nest: opts.nest });
  const out = alm2map(rotateAlm(alm, frameRotation(opts.from, opts.to)), nside);
  return opts.nest ? reorder(out, 'r2n') : out;
}

