import { describe, expect, it } from 'vitest';
import { gauss, parkMiller } from '../../test/helpers/random.ts';
import { fitBrokenPowerLaw, fitPowerLaw, type FitParameter } from './spectrumFit.ts';

const range = (a: number, b: number): Float64Array => Float64Array.from({ length: b - a + 1 }, (_, i) => a + i);

function broken(l: number, a: number, a1: number, a2: number, lb: number): number {
  return a * Math.pow(l / lb, l < lb ? -a1 : -a2);
}

/** Fractions of trials whose estimate lies within 1σ and 2σ of the truth (by the fit's own σ). */
function coverage(pulls: number[]): { in1: number; in2: number } {
  return {
    in1: pulls.filter((p) => Math.abs(p) < 1).length / pulls.length,
    in2: pulls.filter((p) => Math.abs(p) < 2).length / pulls.length,
  };
}
const pull = (p: FitParameter, truth: number): number => (p.value - truth) / p.error;

// With N = 400 independent trials the fraction inside ±1σ has a binomial standard deviation of
// √(0.683·0.317/400) = 2.3 % and inside ±2σ 1.0 %: the bands below are ±3 of those. Measured
// (1σ, 2σ): slope 0.67, 0.95; amplitude 0.66, 0.95; broken A 0.70, 0.96; α1 0.69, 0.95;
// α2 0.68, 0.96; l_b 0.71, 0.96.
const N = 400;
const IN1 = [0.683 - 0.07, 0.683 + 0.07];
const IN2 = [0.954 - 0.031, 0.954 + 0.031];

describe('spectrum shape fits (weighted least squares, errors from the covariance)', () => {
  it('noise-free spectra give back their parameters (1e-9 relative)', () => {
    const l = range(2, 60);
    const cl = l.map((x) => 3e-4 * Math.pow(x / 10, -8 / 3));
    const sigma = cl.map((v) => 0.05 * v);
    const f = fitPowerLaw({ l, cl, sigma }, { pivot: 10 });
    expect(Math.abs(f.index.value - 8 / 3)).toBeLessThan(1e-9);
    expect(Math.abs(f.amplitude.value / 3e-4 - 1)).toBeLessThan(1e-9);
    expect(f.chi2).toBeLessThan(1e-15);

    const lb = range(1, 40);
    const cb = lb.map((x) => broken(x, 2e-3, 0.6, 2.8, 4.4));
    const fb = fitBrokenPowerLaw({ l: lb, cl: cb, sigma: cb.map((v) => 0.05 * v) });
    expect(Math.abs(fb.breakL.value - 4.4)).toBeLessThan(1e-9 * 4.4);
    expect(Math.abs(fb.indexLow.value - 0.6)).toBeLessThan(1e-9);
    expect(Math.abs(fb.indexHigh.value - 2.8)).toBeLessThan(1e-9);
    expect(Math.abs(fb.amplitude.value / 2e-3 - 1)).toBeLessThan(1e-9);
  });

  it('single power law: the slope and amplitude lie within their 1σ/2σ errors at the Gaussian rates (400 noisy spectra)', () => {
    // l = 5..60, C_l = 1e-5 (l/20)^(−8/3), cosmic-variance-like errors σ_l = C_l √(2/(2l+1)) / 3.
    const r = parkMiller(99);
    const l = range(5, 60);
    const truth = l.map((x) => 1e-5 * Math.pow(x / 20, -8 / 3));
    const sigma = truth.map((v, i) => (v * Math.sqrt(2 / (2 * l[i] + 1))) / 3);
    const slope: number[] = [];
    const amp: number[] = [];
    let chi2 = 0;
    for (let t = 0; t < N; t++) {
      const cl = truth.map((v, i) => v + sigma[i] * gauss(r));
      const f = fitPowerLaw({ l, cl, sigma }, { pivot: 20 });
      slope.push(pull(f.index, 8 / 3));
      amp.push(pull(f.amplitude, 1e-5));
      chi2 += f.chi2 / f.dof;
    }
    for (const pulls of [slope, amp]) {
      const c = coverage(pulls);
      expect(c.in1).toBeGreaterThan(IN1[0]);
      expect(c.in1).toBeLessThan(IN1[1]);
      expect(c.in2).toBeGreaterThan(IN2[0]);
      expect(c.in2).toBeLessThan(IN2[1]);
    }
    // ⟨χ²/dof⟩ = 1 with a standard error of √(2/54)/√400 ≈ 0.01
    expect(Math.abs(chi2 / N - 1)).toBeLessThan(0.04);
  });

  it('broken power law: break, slopes and amplitude lie within their 1σ/2σ errors at the Gaussian rates (400 noisy spectra)', () => {
    // l = 1..40, break at l_b = 4.4 between the points 4 and 5, slopes 0.6 and 2.8, 4 % errors.
    const r = parkMiller(31337);
    const l = range(1, 40);
    const truth = l.map((x) => broken(x, 2e-3, 0.6, 2.8, 4.4));
    const sigma = truth.map((v) => 0.04 * v);
    const pulls: number[][] = [[], [], [], []];
    for (let t = 0; t < N; t++) {
      const cl = truth.map((v, i) => v + sigma[i] * gauss(r));
      const f = fitBrokenPowerLaw({ l, cl, sigma });
      pulls[0].push(pull(f.amplitude, 2e-3));
      pulls[1].push(pull(f.indexLow, 0.6));
      pulls[2].push(pull(f.indexHigh, 2.8));
      pulls[3].push(pull(f.breakL, 4.4));
    }
    for (const p of pulls) {
      const c = coverage(p);
      expect(c.in1).toBeGreaterThan(IN1[0]);
      expect(c.in1).toBeLessThan(IN1[1]);
      expect(c.in2).toBeGreaterThan(IN2[0]);
      expect(c.in2).toBeLessThan(IN2[1]);
    }
  });

  it('uses only the requested l range and skips NaN points and non-positive errors', () => {
    const l = range(1, 30);
    const cl = l.map((x) => (x < 10 ? 5 : 2e-3 * Math.pow(x / 15, -2)));
    const sigma = cl.map((v) => 0.01 * v);
    cl[20] = NaN;
    sigma[22] = 0;
    const f = fitPowerLaw({ l, cl, sigma }, { lmin: 10, lmax: 30 });
    expect(f.points).toBe(19);
    expect(Math.abs(f.index.value - 2)).toBeLessThan(1e-9);
  });
});
