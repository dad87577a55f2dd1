/**
 * Cross-spectra of sky maps and their correlation coefficient, e.g. between the relative-intensity
 * maps of two rigidity bins: how fast small-scale structure decorrelates with energy.
 *
 *   C_l^{XY} = Σ_{m=−l..l} Re(a_lm conj b_lm) / (2l+1)    (healpy's alm2cl(alm1, alm2); for
 *              real maps the m < 0 terms equal the m > 0 ones, so healpy's m ≥ 0 storage gives
 *              Re(a_l0 b_l0) + 2 Σ_{m≥1} Re(a_lm conj b_lm))
 *   r_l      = C_l^{XY} / sqrt(C_l^{XX} C_l^{YY})           (in [−1, 1] by Cauchy–Schwarz)
 *
 * For an ensemble, r_l is the ratio of the ensemble means, <C^XY>/sqrt(<C^XX><C^YY>), not the
 * mean of per-realization ratios (which is biased for few modes): pass the means to
 * correlationCoefficient.
 */
import { alm2cl, almGetLmax, map2alm, type Map2AlmOptions } from './harmonics.ts';

export interface CrossSpectra {
  /** Auto-spectrum of the first map, l = 0 .. lmax. */
  readonly clXX: Float64Array;
  /** Auto-spectrum of the second map. */
  readonly clYY: Float64Array;
  /** Cross-spectrum. */
  readonly clXY: Float64Array;
  /** r_l = C_l^{XY}/sqrt(C_l^{XX} C_l^{YY}); NaN where either auto-spectrum is 0. */
  readonly r: Float64Array;
}

/** r_l = C_l^{XY}/sqrt(C_l^{XX} C_l^{YY}) element-wise; NaN where C_l^{XX}·C_l^{YY} ≤ 0. */
export function correlationCoefficient(clXY: ArrayLike<number>, clXX: ArrayLike<number>, clYY: ArrayLike<number>): Float64Array {
  if (clXY.length !== clXX.length || clXY.length !== clYY.length) throw new RangeError('correlationCoefficient: spectra differ in length');
  return Float64Array.from({ length: clXY.length }, (_, l) => {
    const d = clXX[l] * clYY[l];
    return d > 0 ? clXY[l] / Math.sqrt(d) : NaN;
  });
}

/** Auto-, cross-spectra and r_l from the alm of two maps (same lmax). */
export function crossSpectraFromAlm(alm1: Float64Array, alm2: Float64Array): CrossSpectra {
  if (almGetLmax(alm1.length) !== almGetLmax(alm2.length)) throw new RangeError('crossSpectraFromAlm: the two alm arrays have different lmax');
  const clXX = alm2cl(alm1);
  const clYY = alm2cl(alm2);
  const clXY = alm2cl(alm1, alm2);
  return { clXX, clYY, clXY, r: correlationCoefficient(clXY, clXX, clYY) };
}

/** Auto-, cross-spectra and r_l of two maps (one map2alm each; options as anafast). */
export function crossSpectra(map1: ArrayLike<number>, map2: ArrayLike<number>, opts: Map2AlmOptions = {}): CrossSpectra {
  if (map1.length !== map2.length) throw new RangeError(`crossSpectra: the maps differ in size (${map1.length} and ${map2.length} pixels)`);
  return crossSpectraFromAlm(map2alm(map1, opts), map2alm(map2, opts));
}

/**
 * All auto- and cross-spectra of n maps' alm: cl[i][j] = C_l^{ij} (cl[j][i] is the same array),
 * e.g. for the rigidity bins of an energy spectrum.
 */
export function crossSpectrumMatrix(alms: readonly Float64Array[]): Float64Array[][] {
  const n = alms.length;
  const out: Float64Array[][] = Array.from({ length: n }, () => new Array<Float64Array>(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const c = alm2cl(alms[i], alms[j]);
      out[i][j] = c;
      out[j][i] = c;
    }
  }
  return out;
}
