/**
 * Wigner 3j symbols (j1 j2 j3; m1 m2 m3) for all j1 at fixed (j2, j3, m2, m3), m1 = −m2 − m3, by
 * the three-term recursion in j1 of K. Schulten and R. G. Gordon, J. Math. Phys. 16, 1961 (1975),
 * in the form of Luscombe & Luban, Phys. Rev. E 57, 7274 (1998):
 *   j X(j+1) f(j+1) + Y(j) f(j) + (j+1) X(j) f(j−1) = 0,
 *   X(j) = sqrt[(j² − (j2 − j3)²) ((j2 + j3 + 1)² − j²) (j² − m1²)],
 *   Y(j) = −(2j + 1) [j2(j2+1) m1 − j3(j3+1) m1 − j(j+1)(m3 − m2)].
 * X vanishes at both ends of j1 ∈ [max(|j2−j3|, |m1|), j2 + j3], so the recursion starts from
 * either end. It is run upwards from the lower end and downwards from the upper end, each only
 * through the region where its solution grows (where it is stable), the two are matched by least
 * squares on their overlap, normalized by Σ (2 j1 + 1) f² = 1 and signed by the stretched case
 * (j1 = j2 + j3): sign (−1)^(j2 − j3 − m1). Tested against sympy's exact values.
 */
import { logFactorial } from './logFactorial.ts';

export interface Wigner3jRange {
  /** Smallest j1 (the first entry of `values`). */
  readonly j1Min: number;
  /** values[k] = (j1Min + k, j2, j3; m1, m2, m3), up to j1 = j2 + j3; empty if the m are not allowed. */
  readonly values: Float64Array;
}

const BIG = 1e150;

/** Largest of |a| and |b| (zeros of the m = 0 symbols alternate, so growth is judged by pairs). */
function pairMax(a: number, b: number): number {
  return Math.max(Math.abs(a), Math.abs(b));
}

/** All (j1, j2, j3; −m2−m3, m2, m3) for j1 from max(|j2−j3|, |m2+m3|) to j2 + j3 (integer j, m). */
export function wigner3jRange(j2: number, j3: number, m2: number, m3: number): Wigner3jRange {
  const m1 = -m2 - m3;
  if (Math.abs(m2) > j2 || Math.abs(m3) > j3) return { j1Min: 0, values: new Float64Array(0) };
  const jMin = Math.max(Math.abs(j2 - j3), Math.abs(m1));
  const jMax = j2 + j3;
  const n = jMax - jMin + 1;
  const X = (j: number) => Math.sqrt((j * j - (j2 - j3) * (j2 - j3)) * ((j2 + j3 + 1) * (j2 + j3 + 1) - j * j) * (j * j - m1 * m1));
  const Y = (j: number) => -(2 * j + 1) * (j2 * (j2 + 1) * m1 - j3 * (j3 + 1) * m1 - j * (j + 1) * (m3 - m2));
  const out = new Float64Array(n);
  const sign = ((j2 - j3 - m1) & 1) === 0 ? 1 : -1; // of the stretched symbol, j1 = j2 + j3
  if (n === 1) {
    out[0] = sign / Math.sqrt(2 * jMin + 1);
  } else {
    // upwards from jMin while the solution grows; at jMin = 0 (j2 = j3, m1 = 0) the recursion
    // says nothing about f(1), whose ratio to f(0) is known: (1 j j; 0 m −m)/(0 j j; 0 m −m) = m/sqrt(j(j+1))
    const fwd = new Float64Array(n);
    fwd[0] = 1;
    fwd[1] = jMin === 0 ? m2 / Math.sqrt(j2 * (j2 + 1)) : -Y(jMin) / (jMin * X(jMin + 1));
    let kf = 1; // last index computed upwards
    for (let k = 1; k < n - 1; k++) {
      const j = jMin + k;
      fwd[k + 1] = -(Y(j) * fwd[k] + (j + 1) * X(j) * fwd[k - 1]) / (j * X(j + 1));
      kf = k + 1;
      if (Math.abs(fwd[k + 1]) > BIG) for (let i = 0; i <= k + 1; i++) fwd[i] /= BIG;
      if (pairMax(fwd[k + 1], fwd[k]) < pairMax(fwd[k], fwd[k - 1])) break;
    }
    // downwards from jMax while the solution grows
    const bwd = new Float64Array(n);
    bwd[n - 1] = 1;
    let kb = n - 1; // last index computed downwards
    for (let k = n - 1; k > 0; k--) {
      const j = jMin + k;
      const next = k < n - 1 ? bwd[k + 1] : 0;
      const xNext = k < n - 1 ? X(j + 1) : 0;
      bwd[k - 1] = -(j * xNext * next + Y(j) * bwd[k]) / ((j + 1) * X(j));
      kb = k - 1;
      if (Math.abs(bwd[k - 1]) > BIG) for (let i = k - 1; i < n; i++) bwd[i] /= BIG;
      if (k <= n - 2 && pairMax(bwd[k - 1], bwd[k]) < pairMax(bwd[k], bwd[k + 1])) break;
    }
    // extend each through the oscillating middle (neutrally stable there) to an overlap of ≥ 3 points
    const lo = Math.max(0, Math.min(kb, kf) - 2);
    const hi = Math.min(n - 1, Math.max(kb, kf) + 2);
    for (let k = kf; k < hi; k++) {
      const j = jMin + k;
      fwd[k + 1] = -(Y(j) * fwd[k] + (j + 1) * X(j) * fwd[k - 1]) / (j * X(j + 1));
    }
    for (let k = kb; k > lo; k--) {
      const j = jMin + k;
      bwd[k - 1] = -(j * (k < n - 1 ? X(j + 1) * bwd[k + 1] : 0) + Y(j) * bwd[k]) / ((j + 1) * X(j));
    }
    let sfb = 0, sbb = 0;
    for (let k = lo; k <= hi; k++) {
      sfb += fwd[k] * bwd[k];
      sbb += bwd[k] * bwd[k];
    }
    const scale = sfb / sbb;
    const mid = (lo + hi) >> 1;
    for (let k = 0; k < n; k++) out[k] = k <= mid ? fwd[k] : scale * bwd[k];
    let norm = 0;
    for (let k = 0; k < n; k++) norm += (2 * (jMin + k) + 1) * out[k] * out[k];
    const s = (Math.sign(out[n - 1]) === sign ? 1 : -1) / Math.sqrt(norm);
    for (let k = 0; k < n; k++) out[k] *= s;
  }
  return { j1Min: jMin, values: out };
}

/**
 * (l1 l2 l3; 0 0 0) by its closed form: zero for odd l1 + l2 + l3 = 2g, else
 * (−1)^g sqrt[(2g−2l1)!(2g−2l2)!(2g−2l3)!/(2g+1)!] g!/((g−l1)!(g−l2)!(g−l3)!), in logarithms.
 */
export function wigner3jZero(l1: number, l2: number, l3: number): number {
  const two_g = l1 + l2 + l3;
  if (two_g & 1) return 0;
  if (l3 > l1 + l2 || l3 < Math.abs(l1 - l2)) return 0;
  const g = two_g / 2;
  const lf = logFactorial;
  const ln =
    0.5 * (lf(two_g - 2 * l1) + lf(two_g - 2 * l2) + lf(two_g - 2 * l3) - lf(two_g + 1)) + lf(g) - lf(g - l1) - lf(g - l2) - lf(g - l3);
  return (g & 1 ? -1 : 1) * Math.exp(ln);
}
