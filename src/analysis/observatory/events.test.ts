import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { expectedCounts, poissonCounts, poissonDeviate } from './events.ts';
import { siderealCube } from './exposure.ts';
import { logFactorial } from './logFactorial.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

describe('Poisson deviates (inversion below λ = 30, PTRS above)', () => {
  it('ln k! agrees with the running sum of ln k up to k = 300 (the sum itself is good to ~k ulps)', () => {
    let s = 0;
    for (let k = 1; k <= 300; k++) {
      s += Math.log(k);
      expect(Math.abs(logFactorial(k) - s)).toBeLessThanOrEqual(2.3e-16 * k * s);
    }
  });

  // mean within 4 standard errors sqrt(λ/n); variance within 4 standard errors sqrt((λ + 2λ²)/n)
  for (const lambda of [0.3, 5, 29.9, 30, 100, 1e4, 1e7]) {
    it(`λ = ${lambda}: sample mean and variance of 40000 draws within 4 standard errors`, () => {
      const rng = seedrandom(`poisson-${lambda}`);
      const n = 40000;
      let s = 0, s2 = 0;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = poissonDeviate(lambda, rng);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        xs[i] = k;
        s += k;
      }
      const mean = s / n;
      for (let i = 0; i < n; i++) s2 += (xs[i] - mean) ** 2;
      const variance = s2 / (n - 1);
      expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
      expect(Math.abs(variance - lambda)).toBeLessThan(4 * Math.sqrt((lambda + 2 * lambda * lambda) / n));
    });
  }

  for (const lambda of [7, 45]) {
    it(`λ = ${lambda}: the histogram of 200000 draws follows the Poisson pmf (χ² below df + 5·sqrt(2 df))`, () => {
      const rng = seedrandom(`pmf-${lambda}`);
      const n = 200000;
      const hist = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = poissonDeviate(lambda, rng);
        hist.set(k, (hist.get(k) ?? 0) + 1);
      }
      // bins with expected count ≥ 20, tails lumped
      const pmf = (k: number) => Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
      let chi2 = 0, df = -1, low = 0, lowExp = 0, high = 0, highExp = 0;
      const kMode = Math.floor(lambda);
      let k0 = kMode, k1 = kMode;
      while (k0 > 0 && n * pmf(k0 - 1) >= 20) k0--;
      while (n * pmf(k1 + 1) >= 20) k1++;
      for (const [k, c] of hist) {
        if (k < k0) low += c;
        else if (k > k1) high += c;
      }
      for (let k = 0; k < k0; k++) lowExp += n * pmf(k);
      highExp = n;
      for (let k = 0; k <= k1; k++) highExp -= n * pmf(k);
      for (let k = k0; k <= k1; k++) {
        const e = n * pmf(k);
        chi2 += ((hist.get(k) ?? 0) - e) ** 2 / e;
        df++;
      }
      if (lowExp > 5) {
        chi2 += (low - lowExp) ** 2 / lowExp;
        df++;
      }
      if (highExp > 5) {
        chi2 += (high - highExp) ** 2 / highExp;
        df++;
      }
      expect(chi2).toBeLessThan(df + 5 * Math.sqrt(2 * df));
    });
  }
});

describe('expected events (review Eq. 8)', () => {
  it('μ of a cell is N_events · A_i I_a / Σ A I, and the Poisson counts of μ = 0 are 0', () => {
    const cube = siderealCube(OBSERVATORY_PRESETS.hawc.observatory, 8, 32);
    const map = Float64Array.from({ length: 768 }, (_, p) => 1 + 0.1 * Math.sin(p));
    const mu = expectedCounts(cube, map, 1e6);
    let sum = 0, ref = 0;
    const v = cube.visibleLocal.length;
    for (let c = 0; c < mu.length; c++) {
      sum += mu[c];
      ref += cube.localAcceptance[cube.visibleLocal[c % v]] * map[cube.cellPixel[c]];
    }
    expect(sum).toBeCloseTo(1e6, 6);
    for (let c = 0; c < mu.length; c += 97) expect(mu[c]).toBeCloseTo((1e6 * cube.localAcceptance[cube.visibleLocal[c % v]] * map[cube.cellPixel[c]]) / ref, 9);
    expect(Array.from(poissonCounts([0, 0, 0], seedrandom('z')))).toEqual([0, 0, 0]);
  });
});
