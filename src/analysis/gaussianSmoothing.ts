/**
 * Gaussian beam smoothing in harmonic space, healpy's `smoothing`, `smoothalm`, `gauss_beam` and
 * `almxfl`: a_lm ← b_l a_lm with
 *   b_l = exp(−l(l+1) σ²/2),  σ = FWHM / sqrt(8 ln 2)
 * (the harmonic transform of a Gaussian beam of that FWHM in the small-angle limit, as healpy).
 * The top-hat of the published maps is in smoothing.ts.
 *
 * Differences from healpy: the FWHM is given in degrees (healpy: radians); temperature maps only
 * (no polarization); no pixel or ring weights.
 */
import { alm2map, almGetLmax, almIndex, map2alm } from './harmonics.ts';
import { npix2nside, reorder, UNSEEN } from './healpix.ts';
import { DEG } from '../config/units.ts';

/** b_l = exp(−l(l+1)σ²/2), σ = FWHM/sqrt(8 ln 2), l = 0 .. lmax (healpy's gauss_beam, FWHM in degrees). */
export function gaussBeam(fwhmDeg: number, lmax: number): Float64Array {
  if (!(fwhmDeg >= 0 && Number.isFinite(fwhmDeg))) throw new RangeError(`gaussBeam: FWHM ${fwhmDeg}° must be finite and >= 0`);
  const sigma = (fwhmDeg * DEG) / Math.sqrt(8 * Math.LN2);
  return Float64Array.from({ length: lmax + 1 }, (_, l) => Math.exp(-0.5 * l * (l + 1) * sigma * sigma));
}

/** a_lm · f_l (healpy's almxfl with a real f_l); f_l beyond its length counts as 0, as healpy. */
export function almxfl(alm: Float64Array, fl: ArrayLike<number>): Float64Array {
  const lmax = almGetLmax(alm.length);
  const out = new Float64Array(alm.length);
  for (let m = 0; m <= lmax; m++) {
    const off = almIndex(0, m, lmax);
    for (let l = m; l <= lmax; l++) {
      const f = l < fl.length ? fl[l] : 0;
      const i = 2 * (off + l);
      out[i] = alm[i] * f;
      out[i + 1] = alm[i + 1] * f;
    }
  }
  return out;
}

/** Gaussian-beam smoothed alm (healpy's smoothalm, not in place). */
export function smoothalm(alm: Float64Array, fwhmDeg: number): Float64Array {
  return almxfl(alm, gaussBeam(fwhmDeg, almGetLmax(alm.length)));
}

export interface SmoothingOptions {
  /** Beam FWHM in degrees (>= 0; 0 band-limits the map to lmax and nothing else). */
  fwhmDeg: number;
  /** Largest multipole, default 3·N_side − 1 (healpy's). */
  lmax?: number;
  /** Jacobi iterations of map2alm, default 3 (healpy's). */
  iterations?: number;
  /** Map in NESTED order (output in the same order). */
  nest?: boolean;
}

/**
 * The map convolved with a Gaussian beam: alm2map(smoothalm(map2alm(map), fwhm)) (healpy's
 * smoothing). UNSEEN pixels count as 0 in the transform, as in healpy, and are UNSEEN again in
 * the output.
 */
export function smoothing(map: ArrayLike<number>, opts: SmoothingOptions): Float64Array {
  const nside = npix2nside(map.length);
  const nest = opts.nest === true;
  const ring = nest ? reorder(map, 'n2r') : Float64Array.from(map);
  const alm = map2alm(ring, { lmax: opts.lmax, iterations: opts.iterations });
  const out = alm2map(smoothalm(alm, opts.fwhmDeg), nside);
  for (let p = 0; p < out.length; p++) if (ring[p] === UNSEEN) out[p] = UNSEEN;
  return nest ? reorder(out, 'r2n') : out;
}
