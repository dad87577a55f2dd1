/**
 * Launch directions that do not come from sky pixels: isotropic random unit vectors for
 * diffusion runs (HEALPix pixel centres come from src/analysis/healpix.ts).
 */
import seedrandom from 'seedrandom';

/** n isotropic unit vectors (3n numbers) from a seedrandom stream: cos θ and φ uniform. */
export function isotropicDirections(n: number, seed: string): Float64Array {
  const rng = seedrandom(seed);
  const d = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const z = 2 * rng() - 1;
    const phi = 2 * Math.PI * rng();
    const s = Math.sqrt(Math.max(0, 1 - z * z));
    d[3 * i] = s * Math.cos(phi);
    d[3 * i + 1] = s * Math.sin(phi);
    d[3 * i + 2] = z;
  }
  return d;
}

/** n times log-spaced from tMin to tMax inclusive (n = 1 gives tMax). */
export function logSpacedTimes(tMin: number, tMax: number, n: number): number[] {
  if (!(tMin > 0 && tMax >= tMin && Number.isInteger(n) && n >= 1)) {
    throw new Error(`times: need 0 < tMin <= tMax and n >= 1, got tMin=${tMin}, tMax=${tMax}, n=${n}`);
  }
  if (n === 1) return [tMax];
  return Array.from({ length: n }, (_, i) => tMin * Math.pow(tMax / tMin, i / (n - 1)));
}

/**
 * n unit vectors on a golden-angle spiral: deterministic, well spread over the sphere, no
 * random numbers (benchmarks, validation runs, tests).
 */
export function spiralDirections(n: number): Float64Array {
  const golden = Math.PI * (3 - Math.sqrt(5));
  const d = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const z = -1 + (2 * (i + 0.5)) / n;
    const phi = i * golden;
    const s = Math.sqrt(1 - z * z);
    d[3 * i] = s * Math.cos(phi);
    d[3 * i + 1] = s * Math.sin(phi);
    d[3 * i + 2] = z;
  }
  return d;
}
