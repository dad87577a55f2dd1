/**
 * Event counts of a sidereal day's cells (review Eq. 8): expected μ_c = E A_i I_a, scaled so that
 * Σ μ = N_events, and Poisson draws of them for a finite data set (the noise of Eq. 31–32).
 *
 * poissonDeviate is exact: inversion by sequential search for λ < 30 and, above, the
 * transformed rejection with squeeze "PTRS" of W. Hörmann, "The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and Economics 12 (1993) 39–45.
 * `random` returns uniform numbers in [0, 1) (seedrandom in the CLI), so every draw is seeded.
 */
import type { SiderealCube } from './exposure.ts';
import { logFactorial } from './logFactorial.ts';

/** Expected events μ_c of every cell for a relative-intensity map I (RING, the cube's N_side), Σ μ = nEvents. */
export function expectedCounts(cube: SiderealCube, map: ArrayLike<number>, nEvents: number): Float64Array {
  if (map.length !== cube.fovMask.length) throw new RangeError(`expectedCounts: map has ${map.length} pixels, the cube ${cube.fovMask.length}`);
  if (!(nEvents > 0)) throw new RangeError(`expectedCounts: nEvents must be > 0, got ${nEvents}`);
  const v = cube.visibleLocal.length;
  const mu = new Float64Array(cube.cellPixel.length);
  let sum = 0;
  for (let c = 0; c < mu.length; c++) {
    const x = cube.localAcceptance[cube.visibleLocal[c % v]] * map[cube.cellPixel[c]];
    mu[c] = x;
    sum += x;
  }
  if (!(sum > 0)) throw new RangeError('expectedCounts: no expected events in the field of view');
  const scale = nEvents / sum;
  for (let c = 0; c < mu.length; c++) mu[c] *= scale;
  return mu;
}

/** One Poisson deviate of mean λ ≥ 0. */
export function poissonDeviate(lambda: number, random: () => number): number {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poissonDeviate: mean must be finite and >= 0, got ${lambda}`);
  if (lambda === 0) return 0;
  if (lambda < 30) {
    // inversion: the smallest k with F(k) ≥ u
    const u = random();
    let p = Math.exp(-lambda);
    let f = p;
    let k = 0;
    while (u > f && k < 1000) {
      k++;
      p *= lambda / k;
      f += p;
    }
    return k;
  }
  // PTRS (Hörmann 1993), valid for λ ≥ 10
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random() - 0.5;
    const v = random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) return k;
  }
}

/** Poisson draws of every expected count, in order (one seeded stream). */
export function poissonCounts(mu: ArrayLike<number>, random: () => number): Float64Array {
  const out = new Float64Array(mu.length);
  for (let i = 0; i < mu.length; i++) out[i] = poissonDeviate(mu[i], random);
  return out;
}
