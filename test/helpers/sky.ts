/** Deterministic sky inputs for the analysis tests: Gaussian alm with a chosen spectrum, comparisons. */
import { almIndex, almSize } from '../../src/analysis/harmonics.ts';
import { gauss, parkMiller } from './random.ts';

/**
 * A Gaussian random alm of a real map with <|a_lm|²> = cl(l): a_l0 real with variance C_l,
 * Re and Im of a_lm (m > 0) each with variance C_l/2 (healpy's synalm convention).
 */
export function randomAlm(lmax: number, cl: (l: number) => number, seed: number): Float64Array {
  const r = parkMiller(seed);
  const a = new Float64Array(2 * almSize(lmax));
  for (let m = 0; m <= lmax; m++) {
    for (let l = m; l <= lmax; l++) {
      const i = 2 * almIndex(l, m, lmax);
      const s = Math.sqrt(cl(l));
      if (m === 0) a[i] = s * gauss(r);
      else {
        a[i] = (s / Math.SQRT2) * gauss(r);
        a[i + 1] = (s / Math.SQRT2) * gauss(r);
      }
    }
  }
  return a;
}

export function maxAbs(a: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]));
  return w;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}
