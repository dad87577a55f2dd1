/**
 * Degrading a RING map to a coarser N_side by averaging the 4^k sub-pixels of every pixel
 * (healpy's ud_grade for nside_out < nside_in, power = 0, no UNSEEN handling): the analysis
 * resolution of an observation. Only degrading; the same N_side returns a copy.
 */
import { checkNside, npix2nside, reorder } from '../healpix.ts';

export function udGrade(map: ArrayLike<number>, nsideOut: number): Float64Array {
  const nsideIn = npix2nside(map.length);
  checkNside(nsideOut);
  if (nsideOut > nsideIn) throw new RangeError(`udGrade: N_side ${nsideOut} is finer than the map's ${nsideIn}; only degrading is supported`);
  if (nsideOut === nsideIn) return Float64Array.from(map);
  const nest = reorder(map, 'r2n');
  const k = (nsideIn / nsideOut) ** 2;
  const out = new Float64Array(12 * nsideOut * nsideOut);
  for (let p = 0; p < out.length; p++) {
    let s = 0;
    for (let c = p * k; c < (p + 1) * k; c++) s += nest[c];
    out[p] = s / k;
  }
  return reorder(out, 'n2r');
}
