import { describe, expect, it } from 'vitest';
import { gauss, parkMiller } from '../../../test/helpers/random.ts';
import type { Vec3 } from '../../config/vec3.ts';
import { alm2cl, alm2map, almIndex, almSize, anafast } from '../harmonics.ts';
import { diffusionTensor } from '../liouville.ts';
import { relativeDiffusionTensor, sumRulePrediction, sumRuleVariance } from './sumRule.ts';

/** Random real-map alm up to lmax with ⟨|a_lm|²⟩ = c(l) (a_l0 real), healpy order. */
function randomAlm(lmax: number, c: (l: number) => number, r: () => number): Float64Array {
  const alm = new Float64Array(2 * almSize(lmax));
  for (let l = 0; l <= lmax; l++) {
    const s = Math.sqrt(c(l));
    alm[2 * almIndex(l, 0, lmax)] = s * gauss(r);
    for (let m = 1; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      alm[i] = (s * gauss(r)) / Math.SQRT2;
      alm[i + 1] = (s * gauss(r)) / Math.SQRT2;
    }
  }
  return alm;
}

/** Population variance over the pixels (equal areas: the sky variance). */
function pixelVariance(map: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < map.length; i++) m += map[i];
  m /= map.length;
  let v = 0;
  for (let i = 0; i < map.length; i++) v += (map[i] - m) ** 2;
  return v / map.length;
}

describe('sum rule, review Eq. 69-70', () => {
  const nside = 32;
  const lmax = 12; // band limit ≪ N_side: the pixel sums of products of two such maps are near-exact

  it('left-hand side = sky variance (Parseval) for a band-limited map, from its alm and from anafast (2e-4 relative)', () => {
    // The pixel mean of f² is the HEALPix quadrature of ∫f²/4π, whose error falls as N_side⁻²:
    // measured 2.4e-4, 5.9e-5, 1.5e-5 at N_side 16, 32, 64 for this l ≤ 12 map (anafast's alm
    // differ from the true ones by the same order). 2e-4 at N_side 32 is far below the ~1 %
    // one missing multipole or a wrong (2l+1)/4π would cause.
    const r = parkMiller(12345);
    const alm = randomAlm(lmax, (l) => (l === 0 ? 4 * Math.PI : 1e-3 / (l + 1) ** 2), r);
    const map = alm2map(alm, nside);
    const variance = pixelVariance(map);
    expect(Math.abs(sumRuleVariance(alm2cl(alm)) - variance)).toBeLessThan(2e-4 * variance);
    expect(Math.abs(sumRuleVariance(anafast(map)) - variance)).toBeLessThan(2e-4 * variance);
  });

  it('right-hand side: 2T K̃^s_ij g_i g_j, the antisymmetric part of K̃ ignored (hand computation, 1e-15)', () => {
    // K̃ = diag(2, 3, 5) pc plus an antisymmetric part; g = (1e-3, 0, 2e-3) pc⁻¹, T = 100 pc:
    // 2·100·(2·1e-6 + 5·4e-6) = 4.4e-3.
    const k = Float64Array.from([2, 0.7, 0, -0.7, 3, 0, 0, 0, 5]);
    expect(Math.abs(sumRulePrediction(100, k, [1e-3, 0, 2e-3]) - 4.4e-3)).toBeLessThan(1e-15);
  });

  it('a map I = 1 + d(n)·g obeys the rule exactly: left side from anafast(I − ⟨I⟩) = 2T K̃ g g with K̃ from the end positions (2e-4)', () => {
    // Smooth (band-limited) end positions d(n) at each pixel: I is band-limited too, so the only
    // difference between the two sides is the quadrature of the first test. The mean is taken out
    // first: the HEALPix quadrature leaks a unit monopole into the even l (C_2 ≈ 1e-10 at N_side
    // 32), which summed with weights 2l+1 up to 3N_side − 1 adds 1.4e-7 to the left side, here 1 %.
    const r = parkMiller(777);
    const T = 300;
    const comps = [0, 1, 2].map(() => alm2map(randomAlm(6, (l) => 400 / (l + 1), r), nside));
    const npix = comps[0].length;
    const positions = new Float64Array(3 * npix);
    for (let p = 0; p < npix; p++) for (let i = 0; i < 3; i++) positions[3 * p + i] = comps[i][p];
    const g: Vec3 = [2e-4, -1e-4, 5e-5];
    const I = Float64Array.from({ length: npix }, (_, p) => 1 + positions[3 * p] * g[0] + positions[3 * p + 1] * g[1] + positions[3 * p + 2] * g[2]);
    const meanI = I.reduce((a, v) => a + v, 0) / npix;
    const lhs = sumRuleVariance(anafast(I.map((v) => v - meanI)));
    const rhs = sumRulePrediction(T, relativeDiffusionTensor(positions, T), g);
    expect(Math.abs(lhs - rhs)).toBeLessThan(2e-4 * rhs);
  });

  it('K̃ → K for uncorrelated trajectories and K̃ = 0 for identical ones (the two limits of Eq. 70)', () => {
    // Independent Gaussian end points with ⟨d_i d_j⟩ = 2T K_ij: the sample covariance over 2T has
    // relative standard error ≈ √(2/N) = 2.6 % per diagonal element at N = 3072; allow 4σ.
    const r = parkMiller(4242);
    const T = 500;
    const K = diffusionTensor(9, 4, [0, 0.6, 0.8]);
    // Cholesky factor of 2T K by hand: K has eigenvalues 9 along b and 4 across.
    const b: Vec3 = [0, 0.6, 0.8];
    const e1: Vec3 = [1, 0, 0];
    const e2: Vec3 = [0, 0.8, -0.6];
    const n = 3072;
    const pos = new Float64Array(3 * n);
    for (let a = 0; a < n; a++) {
      const z = [gauss(r) * Math.sqrt(2 * T * 9), gauss(r) * Math.sqrt(2 * T * 4), gauss(r) * Math.sqrt(2 * T * 4)];
      for (let i = 0; i < 3; i++) pos[3 * a + i] = 50 + z[0] * b[i] + z[1] * e1[i] + z[2] * e2[i];
    }
    const kt = relativeDiffusionTensor(pos, T);
    const tol = 4 * Math.sqrt(2 / n);
    for (let i = 0; i < 3; i++) expect(Math.abs(kt[4 * i] - K[4 * i]) / K[4 * i]).toBeLessThan(tol);
    // identical trajectories: every pair separation is zero
    const same = new Float64Array(3 * 100).map((_, i) => [3, -7, 11][i % 3]);
    for (const v of relativeDiffusionTensor(same, T)) expect(v).toBe(0);
  });
});
