/**
 * One-point statistics of a sky map after its low multipoles are removed: the skewness and the
 * excess kurtosis of the pixel values, a second non-Gaussian statistic next to the Minkowski
 * functionals (both are 0 in expectation for a Gaussian field).
 *
 *   skewness = m3 / m2^{3/2},  excess kurtosis = m4 / m2² − 3,  m_k = <(u − <u>)^k> over pixels
 * (equal-area pixels, so pixel means are sky means). The multipoles l ≤ removeLmax are fitted by
 * least squares and subtracted first (multipoles.ts), e.g. removeLmax = 1 for the dipole that
 * dominates a relative-intensity map: a dipole alone has skewness 0 but kurtosis −1.2.
 */
import { UNSEEN } from './healpix.ts';
import { removeMultipoles } from './multipoles.ts';

export interface MapMomentsOptions {
  /** Remove multipoles l ≤ removeLmax first (default: none; 0 removes the monopole only). */
  removeLmax?: number;
  /** Per-pixel weight (0 excludes the pixel from the fit and from the moments). */
  mask?: ArrayLike<number | boolean>;
  nest?: boolean;
}

export interface MapMoments {
  readonly mean: number;
  readonly variance: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
  /** Pixels that entered. */
  readonly n: number;
}

export function mapMoments(map: ArrayLike<number>, opts: MapMomentsOptions = {}): MapMoments {
  const values =
    opts.removeLmax === undefined ? map : removeMultipoles(map, { lmax: opts.removeLmax, mask: opts.mask, nest: opts.nest }).residual;
  const use = (p: number): boolean => {
    const v = values[p];
    return v !== UNSEEN && Number.isFinite(v) && (opts.mask === undefined || Number(opts.mask[p]) > 0);
  };
  let n = 0;
  let s1 = 0;
  for (let p = 0; p < values.length; p++) {
    if (!use(p)) continue;
    n++;
    s1 += values[p];
  }
  if (n < 2) throw new RangeError(`mapMoments: ${n} usable pixels`);
  const mean = s1 / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let p = 0; p < values.length; p++) {
    if (!use(p)) continue;
    const d = values[p] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: m2, skewness: m3 / Math.pow(m2, 1.5), excessKurtosis: m4 / (m2 * m2) - 3, n };
}
