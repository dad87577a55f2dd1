/**
 * The East–West method (review Eq. 20–23) on the counts of a sidereal day. At every step τ the
 * events east (0 < φ < π) and west (−π < φ < 0) of the meridian give
 *   (N_E − N_W)/(N_E + N_W) ≃ Δα ∂/∂α δI(α, 0) at α = α_τ,                              (Eq. 22)
 *   Δα = ∫_0^π dφ ∫ dθ sin θ A(θ) sin θ sin φ / ∫_0^π dφ ∫ dθ sin θ A(θ),              (Eq. 23)
 * independent of the exposure. For an equatorial dipole A1 cos(α − α1) the ratio is
 * −Δα A1 sin(α_τ − α1): its first harmonic over the day, r(τ) = c cos α_τ + s sin α_τ, gives
 * A1 cos α1 = −s/Δα and A1 sin α1 = c/Δα. Only the dipole's equatorial components are seen.
 * Δα is taken from the data like the rest: Σ_i Â_i |e_i| / Σ_i Â_i over the local pixels off
 * the meridian, Â_i the events of local pixel i over the day and e_i = sin θ sin φ its east
 * component (Eq. 23 on the pixels, the acceptance estimated by direct integration).
 */
import { DEG } from '../../config/units.ts';
import { equatorialDipole } from '../dipole.ts';
import { relativeAcceptance, type Observatory } from './definition.ts';
import type { SiderealCube } from './exposure.ts';

export interface EastWestDipole {
  readonly a1: number;
  readonly alpha1Deg: number;
  readonly d0h: number;
  readonly d6h: number;
  /** Effective right-ascension step Δα (radians) used. */
  readonly deltaAlpha: number;
  /** (N_E − N_W)/(N_E + N_W) at every sidereal step. */
  readonly ratio: Float64Array;
}

/** Eq. 23 for the observatory's A(θ), by Simpson's rule in θ (n even intervals). */
export function eastWestStep(obs: Observatory, n = 2000): number {
  const tmax = obs.zenithMaxDeg * DEG;
  let num = 0, den = 0;
  for (let i = 0; i <= n; i++) {
    const t = (tmax * i) / n;
    const w = i === 0 || i === n ? 1 : i % 2 ? 4 : 2;
    // at the cut itself use the acceptance just inside it
    const a = relativeAcceptance(obs, i === n ? t * (1 - 1e-12) : t);
    num += w * a * Math.sin(t) * Math.sin(t);
    den += w * a * Math.sin(t);
  }
  // ∫_0^π sin φ dφ = 2 in the numerator, ∫_0^π dφ = π in the denominator
  return (2 * num) / (Math.PI * den);
}

/** The East–West dipole of the cells' counts (see the file header). */
export function eastWestDipole(cube: SiderealCube, counts: ArrayLike<number>): EastWestDipole {
  const v = cube.visibleLocal.length;
  if (counts.length !== cube.cellPixel.length) throw new RangeError(`eastWestDipole: ${counts.length} counts for ${cube.cellPixel.length} cells`);
  const perLocal = new Float64Array(v);
  const ratio = new Float64Array(cube.nTimes);
  for (let t = 0; t < cube.nTimes; t++) {
    let east = 0, west = 0;
    for (let q = 0, c = t * v; q < v; q++, c++) {
      const e = cube.localEast[cube.visibleLocal[q]];
      perLocal[q] += counts[c];
      if (e > 0) east += counts[c];
      else if (e < 0) west += counts[c];
    }
    ratio[t] = east + west > 0 ? (east - west) / (east + west) : 0;
  }
  let num = 0, den = 0;
  for (let q = 0; q < v; q++) {
    const e = cube.localEast[cube.visibleLocal[q]];
    if (e === 0) continue;
    num += perLocal[q] * Math.abs(e);
    den += perLocal[q];
  }
  if (!(num > 0)) throw new RangeError('eastWestDipole: no events off the meridian');
  const deltaAlpha = num / den;
  let cc = 0, ss = 0;
  for (let t = 0; t < cube.nTimes; t++) {
    const a = (2 * Math.PI * t) / cube.nTimes;
    cc += ratio[t] * Math.cos(a);
    ss += ratio[t] * Math.sin(a);
  }
  cc *= 2 / cube.nTimes;
  ss *= 2 / cube.nTimes;
  const d0h = -ss / deltaAlpha, d6h = cc / deltaAlpha;
  const { a1, alpha1Deg } = equatorialDipole([d0h, d6h, 0]);
  return { a1, alpha1Deg, d0h, d6h, deltaAlpha, ratio };
}
