/**
 * The dipole vector δ of a sky map, I(n) = I_0 + δ·n + (l ≥ 2), review Eq. 17.
 *
 * From the l = 1 coefficients of I = Σ a_lm Y_lm (Eq. 14; Y_10 = sqrt(3/4π) cos θ,
 * Y_11 = −sqrt(3/8π) sin θ e^{iφ}):
 *   δ = sqrt(3/(4π)) · (−√2 Re a_11, √2 Im a_11, a_10)
 *     = (−sqrt(3/(2π)) Re a_11, sqrt(3/(2π)) Im a_11, sqrt(3/(4π)) a_10).
 * This is the formula of docs/physics.md Sec. 5. Review Eq. 18 prints sqrt(3/(2π)) in front of all three
 * components; its x and y agree with the above, but its δ_N would be √2 too large (a map
 * 1 + δ_N sin δ has a_10 = sqrt(4π/3) δ_N): dipole.test.ts decides this numerically.
 *
 * Vectors are in the simulation's equatorial axes (frames.ts), so the direction is (α, δ);
 * `dipoleDirection(..., 'galactic')` gives (l, b).
 */
import { fromEquatorial, vecToLonLat, type Frame } from '../config/frames.ts';
import { almGetLmax, almIndex } from './harmonics.ts';
import { removeMultipoles } from './multipoles.ts';
import type { Vec3 } from '../config/vec3.ts';

const SQRT_3_4PI = Math.sqrt(3 / (4 * Math.PI));

/** Dipole vector δ from alm (healpy order, interleaved; any lmax ≥ 1), in the map's units. */
export function dipoleFromAlm(alm: Float64Array): Vec3 {
  const lmax = almGetLmax(alm.length);
  if (lmax < 1) throw new RangeError('dipoleFromAlm: alm needs lmax ≥ 1');
  const i10 = 2 * almIndex(1, 0, lmax);
  const i11 = 2 * almIndex(1, 1, lmax);
  return [
    -SQRT_3_4PI * Math.SQRT2 * alm[i11],
    SQRT_3_4PI * Math.SQRT2 * alm[i11 + 1],
    SQRT_3_4PI * alm[i10],
  ];
}

/** a_10 and a_11 (a_1,−1 = −conj a_11) of the dipole δ·n: the inverse of dipoleFromAlm. */
export function dipoleToAlm1(d: readonly [number, number, number]): { a10: number; a11Re: number; a11Im: number } {
  return { a10: d[2] / SQRT_3_4PI, a11Re: -d[0] / (SQRT_3_4PI * Math.SQRT2), a11Im: d[1] / (SQRT_3_4PI * Math.SQRT2) };
}

export interface DipoleDirection {
  /** |δ|, in the map's units (a fraction for a relative-intensity map). */
  amplitude: number;
  /** Longitude of δ in degrees, [0, 360): right ascension α (equatorial) or l (galactic). */
  lonDeg: number;
  /** Latitude of δ in degrees: declination δ (equatorial) or b (galactic). */
  latDeg: number;
}

/** Amplitude and direction of an equatorial dipole vector, in the requested frame. */
export function dipoleDirection(d: readonly [number, number, number], frame: Frame = 'equatorial'): DipoleDirection {
  const v = fromEquatorial(d, frame);
  const amplitude = Math.hypot(v[0], v[1], v[2]);
  if (amplitude === 0) return { amplitude: 0, lonDeg: 0, latDeg: 0 };
  const { lonDeg, latDeg } = vecToLonLat(v);
  return { amplitude, lonDeg, latDeg };
}

/**
 * What a ground-based observatory reports (review Eq. 19): the projection of δ on the
 * equatorial plane, (δ_0h, δ_6h) = A1 (cos α1, sin α1); A1 ≥ 0, α1 in degrees [0, 360).
 */
export function equatorialDipole(d: readonly [number, number, number]): { a1: number; alpha1Deg: number } {
  const a1 = Math.hypot(d[0], d[1]);
  let alpha = (Math.atan2(d[1], d[0]) * 180) / Math.PI;
  if (alpha < 0) alpha += 360;
  return { a1, alpha1Deg: a1 === 0 ? 0 : alpha };
}

export interface DipoleSummary {
  /** |δ|. */
  amplitude: number;
  /** Direction in equatorial (α, δ), degrees. */
  equatorial: { raDeg: number; decDeg: number };
  /** Direction in galactic (l, b), degrees. */
  galactic: { lDeg: number; bDeg: number };
  /** What a ground array quotes (Eq. 19): A1 = |projection on the equatorial plane|, phase α1 (degrees). */
  groundArray: { a1: number; alpha1Deg: number };
}

/** One dipole vector (equatorial axes) in the three ways papers quote it. */
export function dipoleSummary(d: readonly [number, number, number]): DipoleSummary {
  const eq = dipoleDirection(d, 'equatorial');
  const gal = dipoleDirection(d, 'galactic');
  return {
    amplitude: eq.amplitude,
    equatorial: { raDeg: eq.lonDeg, decDeg: eq.latDeg },
    galactic: { lDeg: gal.lonDeg, bDeg: gal.latDeg },
    groundArray: equatorialDipole(d),
  };
}

export interface DipoleFromMapOptions {
  /** Per-pixel fit weight (0 = excluded), as in removeMultipoles. */
  mask?: ArrayLike<number | boolean>;
  nest?: boolean;
  /** Divide δ by the fitted monopole I_0 (for maps not normalized to mean 1). Default false. */
  relative?: boolean;
}

export interface DipoleFit extends DipoleDirection {
  /** Fitted monopole I_0 (the mean for a full-sky map). */
  monopole: number;
  /** δ (divided by I_0 if `relative`), equatorial axes. */
  vector: Vec3;
}

/**
 * Monopole and dipole of a map by least squares over its pixel centres (healpy's fit_dipole):
 * exact, to rounding, for a map I_0 + δ·n on any N_side and any mask, unlike the HEALPix
 * quadrature of map2alm. Direction in equatorial (α, δ).
 */
export function dipoleFromMap(map: ArrayLike<number>, opts: DipoleFromMapOptions = {}): DipoleFit {
  const fit = removeMultipoles(map, { lmax: 1, mask: opts.mask, nest: opts.nest });
  const monopole = fit.coefficients[0] / Math.sqrt(4 * Math.PI);
  let vector = dipoleFromAlm(fit.alm);
  if (opts.relative) vector = [vector[0] / monopole, vector[1] / monopole, vector[2] / monopole];
  return { monopole, vector, ...dipoleDirection(vector) };
}
