import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy } from '../../../test/helpers/healpy.ts';
import { wigner3jRange, wigner3jZero } from './wigner3j.ts';

// (j2, j3, m2, m3): every j1 of each is compared; small cases cover all signs, large ones the
// stability of the two-sided recursion (l up to 120, with and without m)
const CASES: [number, number, number, number][] = [
  [1, 1, 0, 0], [1, 1, 1, -1], [2, 1, -1, 1], [3, 3, 1, -1], [5, 2, 0, 0], [4, 4, 2, -2], [6, 1, 0, 1], [2, 3, 2, -3],
  [10, 7, 3, -3], [7, 10, -2, 5], [12, 12, 0, 0], [12, 12, 11, -11], [40, 35, 5, -5], [60, 60, 0, 0], [60, 60, 7, -7],
  [3, 100, 2, -2], [100, 3, 0, -1], [110, 100, 20, -20], [120, 80, 0, 0],
];

let exact: Float64Array;

beforeAll(() => {
  const spec: number[] = [];
  for (const [j2, j3, m2, m3] of CASES) {
    const r = wigner3jRange(j2, j3, m2, m3);
    spec.push(j2, j3, m2, m3, r.j1Min, r.values.length);
  }
  const res = runHealpy(
    `
from sympy.physics.wigner import wigner_3j
s = load('SPEC').astype(int).reshape(-1, 6)
out = []
for j2, j3, m2, m3, j1min, n in s:
    for j1 in range(j1min, j1min + n):
        out.append(float(wigner_3j(int(j1), int(j2), int(j3), int(-m2 - m3), int(m2), int(m3))))
save('exact', np.array(out))
`,
    { SPEC: Float64Array.from(spec) },
  );
  exact = f64(res, 'exact');
});

describe('Wigner 3j symbols (Schulten–Gordon recursion)', () => {
  it('agree with sympy\'s exact values for every j1 of 19 sequences up to l = 120 (2e-15 absolute)', () => {
    let i = 0, worst = 0, count = 0;
    for (const [j2, j3, m2, m3] of CASES) {
      const r = wigner3jRange(j2, j3, m2, m3);
      for (const v of r.values) {
        worst = Math.max(worst, Math.abs(v - exact[i++]));
        count++;
      }
    }
    expect(i).toBe(exact.length);
    expect(count).toBeGreaterThan(800);
    expect(worst).toBeLessThan(2e-15);
  });

  it('j1 runs from max(|j2 − j3|, |m1|) to j2 + j3 and Σ (2 j1 + 1) (3j)² = 1 (orthogonality, 1e-13)', () => {
    for (const [j2, j3, m2, m3] of CASES) {
      const r = wigner3jRange(j2, j3, m2, m3);
      expect(r.j1Min).toBe(Math.max(Math.abs(j2 - j3), Math.abs(m2 + m3)));
      expect(r.values.length).toBe(j2 + j3 - r.j1Min + 1);
      let s = 0;
      r.values.forEach((v, k) => (s += (2 * (r.j1Min + k) + 1) * v * v));
      expect(s).toBeCloseTo(1, 13);
    }
  });

  it('the closed form of (l1 l2 l3; 0 0 0) equals the recursion (2e-12 relative: exp of log-factorials of size ~1e3), zero for odd l1 + l2 + l3', () => {
    for (const [l2, l3] of [[5, 7], [30, 31], [100, 64], [200, 200]]) {
      const r = wigner3jRange(l2, l3, 0, 0);
      r.values.forEach((v, k) => {
        const z = wigner3jZero(r.j1Min + k, l2, l3);
        if ((r.j1Min + k + l2 + l3) % 2) expect(z).toBe(0);
        expect(Math.abs(z - v)).toBeLessThan(2e-12 * Math.abs(v) + 1e-16);
      });
    }
  });
});
