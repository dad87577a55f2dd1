/**
 * Dipole from the pseudo-a_11 of the cut sky with the truncated coupling K′ (review Eq. 26–28):
 * for a sky dominated by its dipole, a_11 = K′_1111 â_11 and
 *   (δ_0h, δ_6h) = sqrt(3/2π) (−Re a_11, Im a_11) / K′_1111,                           (Eq. 28)
 *   K′_1111 = ∫ w |Y_11|² dΩ = (3(s2 − s1) + s1³ − s2³)/4 for w = 1 on δ1 < δ < δ2     (Eq. 27).
 * On the pixels a_11 = ΔΩ Σ_FOV δI_p Y*_11(p) and K′ = ΔΩ Σ_FOV |Y_11(p)|² (the same pixel sum,
 * so a pure dipole on whole rings comes back exactly); Eq. 27's closed form is reported with it.
 */
import { equatorialDipole } from '../dipole.ts';
import { ringInfo } from '../healpix.ts';

const Y11_NORM = Math.sqrt(3 / (8 * Math.PI)); // Y_11 = −sqrt(3/8π) sin θ e^{iφ}

/** Eq. 27 for the band δ1 < δ < δ2 (degrees). */
export function kPrime1111(decMinDeg: number, decMaxDeg: number): number {
  const s1 = Math.sin((decMinDeg * Math.PI) / 180), s2 = Math.sin((decMaxDeg * Math.PI) / 180);
  return (3 * (s2 - s1) + s1 ** 3 - s2 ** 3) / 4;
}

/** Eq. 27 for a field of view of disjoint bands (the integral is additive over them). */
export function kPrime1111Bands(bands: readonly { readonly decMinDeg: number; readonly decMaxDeg: number }[]): number {
  let k = 0;
  for (const b of bands) k += kPrime1111(b.decMinDeg, b.decMaxDeg);
  return k;
}

export interface KPrimeDipole {
  readonly a1: number;
  readonly alpha1Deg: number;
  readonly d0h: number;
  readonly d6h: number;
  /** Pseudo a_11 (re, im) of the field of view. */
  readonly a11: readonly [number, number];
  /** K′_1111 as the pixel sum used. */
  readonly kPrime: number;
}

/** Eq. 28 from a relative-intensity map (RING) and its field-of-view mask (whole rings). */
export function kPrimeDipole(intensity: ArrayLike<number>, mask: ArrayLike<number>): KPrimeDipole {
  const npix = intensity.length;
  const nside = Math.round(Math.sqrt(npix / 12));
  const info = ringInfo(nside);
  const dOmega = (4 * Math.PI) / npix;
  let re = 0, im = 0, k = 0;
  for (let r = 0; r < info.nRings; r++) {
    const f = info.firstPix[r], np = info.nPix[r];
    if (!mask[f]) continue;
    const cd = info.sinTheta[r]; // cos δ
    for (let j = 0; j < np; j++) {
      if (!mask[f + j]) throw new RangeError('kPrimeDipole: the mask must consist of whole rings');
      const a = info.phi0[r] + (2 * Math.PI * j) / np;
      const di = intensity[f + j] - 1;
      // δI · Y*_11 = δI · (−sqrt(3/8π)) cos δ (cos α − i sin α)
      re -= di * Y11_NORM * cd * Math.cos(a);
      im += di * Y11_NORM * cd * Math.sin(a);
    }
    k += np * Y11_NORM * Y11_NORM * cd * cd;
  }
  re *= dOmega;
  im *= dOmega;
  k *= dOmega;
  if (!(k > 0)) throw new RangeError('kPrimeDipole: empty field of view');
  const c = Math.sqrt(3 / (2 * Math.PI));
  const d0h = (-c * re) / k, d6h = (c * im) / k;
  const { a1, alpha1Deg } = equatorialDipole([d0h, d6h, 0]);
  return { a1, alpha1Deg, d0h, d6h, a11: [re, im], kPrime: k };
}
