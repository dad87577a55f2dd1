import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy } from '../../../test/helpers/healpy.ts';
import { realYlm } from '../multipoles.ts';
import { bandMultipoles, couplingBlock, legendreP, ringWeightMultipoles, transferMatrix } from './coupling.ts';
import { siderealCube } from './exposure.ts';
import { kPrime1111 } from './kPrimeDipole.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

/** Gauss–Legendre nodes and weights on [a, b] (Newton on P_n): exact for polynomials of degree < 2n. */
function gaussLegendre(n: number, a: number, b: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      const p = legendreP(n, t);
      dp = (n * (t * p[n] - p[n - 1])) / (t * t - 1);
      const dt = p[n] / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-16) break;
    }
    const p = legendreP(n, t);
    dp = (n * (t * p[n] - p[n - 1])) / (t * t - 1);
    x[i] = 0.5 * (b - a) * t + 0.5 * (b + a);
    w[i] = (b - a) / ((1 - t * t) * dp * dp);
  }
  return { x, w };
}

/** Normalized associated Legendre λ_lm(s), from the project's real harmonics at φ = 0. */
function lambda(lmax: number, s: number): (l: number, m: number) => number {
  const y = new Float64Array((lmax + 1) ** 2);
  realYlm(lmax, Math.sqrt(1 - s * s), 0, s, y);
  return (l, m) => (m === 0 ? y[l * l] : y[l * l + 2 * m - 1] / Math.SQRT2);
}

/** T^m_ll' = ∫ w Y_l'm Y*_lm dΩ = 2π ∫_{s1}^{s2} λ_lm λ_l'm ds for the top hat on s1 < s < s2, by exact quadrature. */
function couplingByIntegration(m: number, s1: number, s2: number, lmax: number): Float64Array {
  const L = lmax + 1;
  const out = new Float64Array(L * L);
  const { x, w } = gaussLegendre(lmax + 2, s1, s2);
  for (let i = 0; i < x.length; i++) {
    const lam = lambda(lmax, x[i]);
    for (let l = m; l <= lmax; l++) for (let lp = m; lp <= lmax; lp++) out[l * L + lp] += 2 * Math.PI * w[i] * lam(l, m) * lam(lp, m);
  }
  return out;
}

const DEG = Math.PI / 180;
const LMAX = 12;

describe('multipole coupling of a declination band (review Eq. 26, Appendix A)', () => {
  const bands: [string, number, number][] = [['HAWC', -26, 64], ['IceCube', -90, -25], ['Tibet', -15, 75], ['thin', 10, 20]];

  for (const [label, d1, d2] of bands) {
    it(`${label} band: T^m_ll' of Eq. A.1 (Wigner 3j) equals ∫ w Y_l'm Y*_lm dΩ by exact quadrature, m = 0..4, l ≤ ${LMAX} (1e-13)`, () => {
      const b = bandMultipoles(d1, d2, 2 * LMAX);
      for (let m = 0; m <= 4; m++) {
        const t = couplingBlock(m, b, LMAX);
        const ref = couplingByIntegration(m, Math.sin(d1 * DEG), Math.sin(d2 * DEG), LMAX);
        for (let i = 0; i < t.length; i++) expect(Math.abs(t[i] - ref[i])).toBeLessThan(1e-13);
        // the sign convention: T^−m = T^m (Y_l,−m Y*_l',−m = Y*_lm Y_l'm up to (−1)^2m)
        const tm = couplingBlock(-m, b, LMAX);
        for (let i = 0; i < t.length; i++) expect(Math.abs(tm[i] - t[i])).toBeLessThan(1e-14);
      }
    });

    it(`${label} band: M_ll' of Eq. A.2 equals Σ_{m≠0} (T^m_ll')² / (2l+1) with T^m by quadrature (1e-13)`, () => {
      const m = transferMatrix(bandMultipoles(d1, d2, 2 * LMAX), LMAX);
      const L = LMAX + 1;
      const ref = new Float64Array(L * L);
      for (let mm = 1; mm <= LMAX; mm++) {
        const t = couplingByIntegration(mm, Math.sin(d1 * DEG), Math.sin(d2 * DEG), LMAX);
        for (let l = 0; l <= LMAX; l++) for (let lp = 0; lp <= LMAX; lp++) ref[l * L + lp] += (2 * t[l * L + lp] ** 2) / (2 * l + 1); // m and −m
      }
      for (let i = 0; i < m.length; i++) expect(Math.abs(m[i] - ref[i])).toBeLessThan(1e-13);
    });

    it(`${label} band: K′_1111 of Eq. 27 is T^1_11 (1e-15)`, () => {
      const t = couplingBlock(1, bandMultipoles(d1, d2, 2), 1);
      expect(Math.abs(t[1 * 2 + 1] - kPrime1111(d1, d2))).toBeLessThan(1e-15);
    });
  }

  it('a full-sky weight couples nothing (T = 1) and M = diag(2l/(2l+1)), the loss of the m = 0 modes alone (1e-13)', () => {
    const b = bandMultipoles(-90, 90, 2 * LMAX);
    const L = LMAX + 1;
    for (let m = 0; m <= 3; m++) {
      const t = couplingBlock(m, b, LMAX);
      for (let l = 0; l <= LMAX; l++) for (let lp = 0; lp <= LMAX; lp++) expect(Math.abs(t[l * L + lp] - (l === lp && l >= m ? 1 : 0))).toBeLessThan(1e-13);
    }
    const mm = transferMatrix(b, LMAX);
    for (let l = 0; l <= LMAX; l++) for (let lp = 0; lp <= LMAX; lp++) expect(Math.abs(mm[l * L + lp] - (l === lp ? (2 * l) / (2 * l + 1) : 0))).toBeLessThan(1e-13);
  });
});

describe('multipoles of a field-of-view mask', () => {
  const cube = siderealCube(OBSERVATORY_PRESETS.hawc.observatory, 16, 64);
  const mask = Float64Array.from(cube.fovMask);
  let hp: Float64Array;

  beforeAll(() => {
    hp = f64(runHealpy(`save('b', hp.map2alm(load('MASK'), lmax=40, iter=0)[:41].real)`, { MASK: mask }), 'b');
  });

  it('ring quadrature b_k0 equals healpy map2alm(mask, iter=0)[k, 0] (1e-14)', () => {
    const b = ringWeightMultipoles(mask, 40);
    for (let k = 0; k <= 40; k++) expect(Math.abs(b[k] - hp[k])).toBeLessThan(1e-14);
  });

  it('refuses a weight that varies along a ring', () => {
    const w = Float64Array.from(mask);
    const p = w.indexOf(1);
    w[p] = 0.5;
    expect(() => ringWeightMultipoles(w, 4)).toThrow(/varies along ring/);
  });
});
