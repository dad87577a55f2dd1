/**
 * Dipole from the right-ascension projection of a relative-intensity map (review Eq. 24–25):
 *   Ã1 e^{iα̃1} = (1/π) ∫dα e^{iα} (1/(s2 − s1)) ∫_{s1}^{s2} ds I(α, δ),   s = sin δ.
 * For a pure dipole this gives the right phase and the amplitude times the declination average
 * of cos δ,
 *   Ã1 = A1 (δ1 − δ2 + c1 s1 − c2 s2) / (2 (s1 − s2)),   c = cos δ                    (Eq. 25),
 * which experiments mostly do not undo. On HEALPix rings (equal pixel areas) the integrals are
 * the pixel sums Ã1 e^{iα̃1} = (2/N_FOV) Σ_FOV I_p e^{iα_p} and the factor is the mean of cos δ
 * over the field-of-view pixels; the corrected amplitude divides by that (exact for a pure
 * dipole on whole rings), and the closed form of Eq. 25 is reported next to it.
 */
import { equatorialDipole } from '../dipole.ts';
import { ringInfo } from '../healpix.ts';

/** Eq. 25's factor Ã1/A1 for the band δ1 < δ < δ2 (degrees). */
export function declinationAverageFactor(decMinDeg: number, decMaxDeg: number): number {
  return declinationAverageFactorBands([{ decMinDeg, decMaxDeg }]);
}

/**
 * Eq. 25's factor for a field of view of disjoint bands (e.g. the union of two detectors'): the
 * mean of cos δ over their area, Σ_b (δ1 − δ2 + c1 s1 − c2 s2) / Σ_b 2 (s1 − s2); for one band Eq. 25.
 */
export function declinationAverageFactorBands(bands: readonly { readonly decMinDeg: number; readonly decMaxDeg: number }[]): number {
  let num = 0, den = 0;
  for (const b of bands) {
    const d1 = (b.decMinDeg * Math.PI) / 180, d2 = (b.decMaxDeg * Math.PI) / 180;
    const s1 = Math.sin(d1), s2 = Math.sin(d2), c1 = Math.cos(d1), c2 = Math.cos(d2);
    num += d1 - d2 + c1 * s1 - c2 * s2;
    den += 2 * (s1 - s2);
  }
  return num / den;
}

export interface RaProjectionDipole {
  /** What the method reports: Ã1 and α̃1 (degrees). */
  readonly a1Projected: number;
  readonly alpha1Deg: number;
  /** Mean of cos δ over the field-of-view pixels: the Eq. 25 factor on the pixels. */
  readonly factor: number;
  /** Ã1 / factor: the equatorial dipole amplitude after the Eq. 25 rescaling. */
  readonly a1: number;
  /** (δ_0h, δ_6h) after the rescaling. */
  readonly d0h: number;
  readonly d6h: number;
}

/** Eq. 24 and the Eq. 25 rescaling on the pixels of `mask` (whole rings), map in RING order. */
export function raProjectionDipole(intensity: ArrayLike<number>, mask: ArrayLike<number>): RaProjectionDipole {
  const nside = Math.round(Math.sqrt(intensity.length / 12));
  const info = ringInfo(nside);
  let re = 0, im = 0, n = 0, cosSum = 0;
  for (let r = 0; r < info.nRings; r++) {
    const f = info.firstPix[r], np = info.nPix[r];
    if (!mask[f]) continue;
    for (let j = 0; j < np; j++) {
      if (!mask[f + j]) throw new RangeError('raProjectionDipole: the mask must consist of whole rings');
      const a = info.phi0[r] + (2 * Math.PI * j) / np;
      re += intensity[f + j] * Math.cos(a);
      im += intensity[f + j] * Math.sin(a);
    }
    n += np;
    cosSum += np * info.sinTheta[r];
  }
  if (n === 0) throw new RangeError('raProjectionDipole: empty field of view');
  re *= 2 / n;
  im *= 2 / n;
  const projected = equatorialDipole([re, im, 0]);
  const factor = cosSum / n;
  return { a1Projected: projected.a1, alpha1Deg: projected.alpha1Deg, factor, a1: projected.a1 / factor, d0h: re / factor, d6h: im / factor };
}
