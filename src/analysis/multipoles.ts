/**
 * Least-squares fit and removal of the low multipoles l ≤ lmax of a HEALPix map, on the full sky
 * or on a masked / weighted sky (healpy's remove_monopole / remove_dipole generalized to any
 * lmax, e.g. the dipole and quadrupole subtraction of review Fig. 2 and Fig. 13).
 *
 * Real orthonormal basis, (lmax+1)² functions, index l² + k:
 *   k = 0:       Y_l0 = λ_l0(cos θ)
 *   k = 2m − 1:  √2 λ_lm(cos θ) cos mφ   (m = 1 .. l)
 *   k = 2m:      √2 λ_lm(cos θ) sin mφ
 * with λ_lm the normalized associated Legendre functions of harmonics.ts (Condon–Shortley phase
 * included). For a real map the complex coefficients follow as a_l0 = c_l0 and
 * a_lm = (c_lm,cos − i c_lm,sin)/√2 for m > 0 (healpy's convention).
 */
import { almIndex, almSize } from './harmonics.ts';
import { npix2nside, pixelCentres, UNSEEN } from './healpix.ts';

export interface RemoveMultipolesOptions {
  /** Remove all multipoles l ≤ lmax (0: monopole, 1: monopole + dipole, 2: + quadrupole, ...). */
  lmax: number;
  /**
   * Per-pixel weight of the fit (booleans count as 0/1): pixels with weight 0 are left out of
   * the fit (e.g. outside an observatory's field of view or |b| < cut). Pixels equal to UNSEEN
   * or not finite are always left out.
   */
  mask?: ArrayLike<number | boolean>;
  /** The map (and mask) are in NESTED order; outputs follow the same order. */
  nest?: boolean;
}

export interface MultipoleFit {
  lmax: number;
  /** Real-basis coefficients, (lmax+1)², in the order of the file header. */
  coefficients: Float64Array;
  /** The same fit as complex alm, healpy's order and interleaved layout (harmonics.ts). */
  alm: Float64Array;
  /** Σ coefficients × basis at every pixel (also masked ones). */
  fitted: Float64Array;
  /**
   * map − fitted at every pixel, masked ones included (like healpy's remove_dipole with
   * gal_cut); pixels that were UNSEEN or not finite keep their input value.
   */
  residual: Float64Array;
  /** Number of pixels that entered the fit. */
  nFit: number;
}

/** Number of real basis functions for lmax: (lmax+1)². */
export function realBasisSize(lmax: number): number {
  return (lmax + 1) * (lmax + 1);
}

/**
 * The (lmax+1)² real orthonormal harmonics at unit vector (x, y, z), written to out[o ..]
 * (order of the file header). For small lmax (the recursion has no underflow protection; fine
 * up to lmax ~ 150 everywhere).
 */
export function realYlm(lmax: number, x: number, y: number, z: number, out: Float64Array, o = 0): void {
  const st = Math.hypot(x, y);
  const cphi = st > 0 ? x / st : 1;
  const sphi = st > 0 ? y / st : 0;
  let lmm = 1 / Math.sqrt(4 * Math.PI); // λ_mm
  let cm = 1; // cos mφ
  let sm = 0; // sin mφ
  for (let m = 0; m <= lmax; m++) {
    if (m > 0) {
      lmm *= -Math.sqrt((2 * m + 1) / (2 * m)) * st;
      const t = cm * cphi - sm * sphi;
      sm = sm * cphi + cm * sphi;
      cm = t;
    }
    let prev = 0;
    let cur = lmm;
    for (let l = m; l <= lmax; l++) {
      if (l > m) {
        const al = Math.sqrt((4 * l * l - 1) / (l * l - m * m));
        const bl = Math.sqrt(((l - 1) * (l - 1) - m * m) / (4 * (l - 1) * (l - 1) - 1));
        const nx = al * (z * cur - bl * prev);
        prev = cur;
        cur = nx;
      }
      const base = o + l * l;
      if (m === 0) out[base] = cur;
      else {
        out[base + 2 * m - 1] = Math.SQRT2 * cur * cm;
        out[base + 2 * m] = Math.SQRT2 * cur * sm;
      }
    }
  }
}

/** Complex alm (healpy order, interleaved) from real-basis coefficients. */
export function realCoefficientsToAlm(lmax: number, coeffs: ArrayLike<number>): Float64Array {
  const alm = new Float64Array(2 * almSize(lmax));
  for (let l = 0; l <= lmax; l++) {
    alm[2 * almIndex(l, 0, lmax)] = coeffs[l * l];
    for (let m = 1; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      alm[i] = coeffs[l * l + 2 * m - 1] / Math.SQRT2;
      alm[i + 1] = -coeffs[l * l + 2 * m] / Math.SQRT2;
    }
  }
  return alm;
}

/** Solve the symmetric positive-definite system A x = b in place (Cholesky); throws if singular. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        // relative pivot test: a mask that leaves too little sky makes the basis degenerate
        if (!(s > 1e-12 * Math.abs(a[i * n + i]))) {
          throw new RangeError('removeMultipoles: the unmasked pixels do not determine all multipoles (mask too small for this lmax)');
        }
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/**
 * Weighted least-squares fit of all multipoles l ≤ lmax and its removal (healpy's remove_dipole
 * for lmax = 1, remove_monopole for lmax = 0, with `mask` playing the role of `bad`/`gal_cut`).
 * Map units are kept: the fit is Σ c_i B_i(n) in the map's own units.
 */
export function removeMultipoles(map: ArrayLike<number>, opts: RemoveMultipolesOptions): MultipoleFit {
  const { lmax } = opts;
  if (!Number.isInteger(lmax) || lmax < 0) throw new RangeError(`removeMultipoles: lmax must be ≥ 0, got ${lmax}`);
  const npix = map.length;
  const nside = npix2nside(npix);
  if (opts.mask && opts.mask.length !== npix) throw new RangeError('removeMultipoles: mask and map differ in length');
  const nb = realBasisSize(lmax);
  const centres = pixelCentres(nside, { nest: opts.nest === true });
  const use = new Float64Array(npix); // fit weight, 0 for excluded pixels
  let nFit = 0;
  for (let p = 0; p < npix; p++) {
    const v = map[p];
    if (v === UNSEEN || !Number.isFinite(v)) continue;
    const w = opts.mask ? Number(opts.mask[p]) : 1;
    if (!(w > 0)) continue;
    use[p] = w;
    nFit++;
  }
  if (nFit < nb) throw new RangeError(`removeMultipoles: ${nFit} usable pixels for ${nb} coefficients`);
  const b = new Float64Array(nb);
  const ata = new Float64Array(nb * nb);
  for (let p = 0; p < npix; p++) {
    const w = use[p];
    if (w === 0) continue;
    realYlm(lmax, centres[3 * p], centres[3 * p + 1], centres[3 * p + 2], b);
    for (let i = 0; i < nb; i++) {
      const wbi = w * b[i];
      for (let j = 0; j <= i; j++) ata[i * nb + j] += wbi * b[j];
    }
  }
  for (let i = 0; i < nb; i++) for (let j = 0; j < i; j++) ata[j * nb + i] = ata[i * nb + j];
  // least squares by the normal equations, plus one step of iterative refinement on the residual:
  // the first solve carries the rounding of sums of O(map) values (~1e-13 for a map ~ 1 at
  // N_side 32), the refinement works on the ~1e-3 residual and brings it to ~1e-16
  const coefficients = new Float64Array(nb);
  const fitted = new Float64Array(npix);
  const current = Float64Array.from(map, (v, p) => (use[p] > 0 ? v : 0));
  for (let pass = 0; pass < 2; pass++) {
    const atb = new Float64Array(nb);
    for (let p = 0; p < npix; p++) {
      const w = use[p];
      if (w === 0) continue;
      realYlm(lmax, centres[3 * p], centres[3 * p + 1], centres[3 * p + 2], b);
      const wv = w * current[p];
      for (let i = 0; i < nb; i++) atb[i] += wv * b[i];
    }
    const x = choleskySolve(ata, atb, nb);
    for (let i = 0; i < nb; i++) coefficients[i] += x[i];
    for (let p = 0; p < npix; p++) {
      realYlm(lmax, centres[3 * p], centres[3 * p + 1], centres[3 * p + 2], b);
      let f = 0;
      for (let i = 0; i < nb; i++) f += coefficients[i] * b[i];
      fitted[p] = f;
      if (use[p] > 0) current[p] = map[p] - f;
    }
  }
  const residual = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    const v = map[p];
    residual[p] = v === UNSEEN || !Number.isFinite(v) ? v : v - fitted[p];
  }
  return { lmax, coefficients, alm: realCoefficientsToAlm(lmax, coefficients), fitted, residual, nFit };
}
