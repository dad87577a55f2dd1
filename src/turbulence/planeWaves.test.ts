import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { createFieldEvaluator } from './evaluate.ts';
import { MODE_A, MODE_K, MODE_PHASE, MODE_STRIDE, type FieldData, type ModeTurbulence } from './field.ts';
import { correlationIntegral, estimate, finiteDifferenceDivergence, lineSpectra, meanOf, powerLawSlope } from './measure.ts';
import { drawPlaneWaves, logSpacedWavenumbers, modeAmplitudes, perpendicularBasis } from './planeWaves.ts';
import { powerLawCorrelationLengthPc, spectrumBand } from './spectrum.ts';

const KOLMOGOROV_1_100 = { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } as const;

/** dB alone (B0 = 0), for measurements. */
function turbulenceOnly(t: ModeTurbulence): FieldData {
  return { b0: [0, 0, 0], turbulence: t, summary: { b0: [0, 0, 0], brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: '' } };
}

describe('plane-wave mode table', () => {
  it('has Σ a^2/2 = B_rms^2, a ⟂ k, |k| inside the band and log-spaced (all to 1e-12, round-off only)', () => {
    const brms = 3;
    const t = drawPlaneWaves(KOLMOGOROV_1_100, brms, 256, 'table');
    const { kMin, kMax } = spectrumBand(KOLMOGOROV_1_100);
    let sumA2 = 0;
    let prevK = 0;
    const ratio = Math.pow(kMax / kMin, 1 / 256);
    for (let o = 0; o < t.table.length; o += MODE_STRIDE) {
      const k = [t.table[o + MODE_K], t.table[o + MODE_K + 1], t.table[o + MODE_K + 2]];
      const a = [t.table[o + MODE_A], t.table[o + MODE_A + 1], t.table[o + MODE_A + 2]];
      const kk = Math.hypot(k[0], k[1], k[2]);
      const aa = Math.hypot(a[0], a[1], a[2]);
      sumA2 += aa * aa;
      expect(Math.abs(k[0] * a[0] + k[1] * a[1] + k[2] * a[2])).toBeLessThan(1e-12 * kk * aa);
      expect(kk).toBeGreaterThan(kMin);
      expect(kk).toBeLessThan(kMax);
      if (prevK > 0) expect(kk / prevK).toBeCloseTo(ratio, 12);
      prevK = kk;
      expect(t.table[o + MODE_PHASE]).toBeGreaterThanOrEqual(0);
      expect(t.table[o + MODE_PHASE]).toBeLessThan(2 * Math.PI);
      expect(t.table[o + 7]).toBe(0);
    }
    expect(sumA2 / 2 / brms ** 2).toBeCloseTo(1, 12);
  });

  it('follows the documented draw order: mode 0 rebuilt from the seedrandom stream matches bitwise', () => {
    const t = drawPlaneWaves(KOLMOGOROV_1_100, 1, 8, 'draw-order');
    const { kMin, kMax } = spectrumBand(KOLMOGOROV_1_100);
    const { k, dk } = logSpacedWavenumbers(kMin, kMax, 8);
    const amplitude = modeAmplitudes(KOLMOGOROV_1_100, 1, k, dk);
    const rng = seedrandom('draw-order');
    const cosTheta = 2 * rng() - 1;
    const phi = 2 * Math.PI * rng();
    const alpha = 2 * Math.PI * rng();
    const beta = 2 * Math.PI * rng();
    const s = Math.sqrt(1 - cosTheta * cosTheta);
    const h = [s * Math.cos(phi), s * Math.sin(phi), cosTheta];
    const [e1x, e1y, e1z, e2x, e2y, e2z] = perpendicularBasis(h[0], h[1], h[2]);
    const c = Math.cos(alpha);
    const si = Math.sin(alpha);
    expect(Array.from(t.table.subarray(0, MODE_STRIDE))).toEqual([
      k[0] * h[0],
      k[0] * h[1],
      k[0] * h[2],
      beta,
      amplitude[0] * (c * e1x + si * e2x),
      amplitude[0] * (c * e1y + si * e2y),
      amplitude[0] * (c * e1z + si * e2z),
      0,
    ]);
  });

  it('same seed gives a bitwise identical field, a different seed a different one', () => {
    const a = drawPlaneWaves(KOLMOGOROV_1_100, 1, 64, 'crsky:1:field:0');
    const b = drawPlaneWaves(KOLMOGOROV_1_100, 1, 64, 'crsky:1:field:0');
    const c = drawPlaneWaves(KOLMOGOROV_1_100, 1, 64, 'crsky:1:field:1');
    expect(Buffer.from(a.table.buffer).equals(Buffer.from(b.table.buffer))).toBe(true);
    const ea = createFieldEvaluator(turbulenceOnly(a));
    const ec = createFieldEvaluator(turbulenceOnly(c));
    const ba = new Float64Array(3);
    const bc = new Float64Array(3);
    ea(12.5, -3, 40, ba);
    ec(12.5, -3, 40, bc);
    expect(Math.hypot(ba[0] - bc[0], ba[1] - bc[1], ba[2] - bc[2])).toBeGreaterThan(1e-3);
  });
});

describe('plane-wave field statistics', () => {
  it('<|dB|^2> over 4 realizations × 20000 random points equals B_rms^2 within 4 standard errors', () => {
    // Points are spread over a 2000 pc cube, 100 correlation lengths wide, so they are nearly
    // independent and the standard error is the sample sd/sqrt(N) (about sqrt(2/3/N) = 0.3 % for a
    // Gaussian field). 4 SE: a false alarm once in ~16000 runs; a wrong factor 2 or sqrt(2) in the
    // amplitudes is > 100 SE away.
    const brms = 2;
    const values: number[] = [];
    const b = new Float64Array(3);
    for (let r = 0; r < 4; r++) {
      const evaluate = createFieldEvaluator(turbulenceOnly(drawPlaneWaves(KOLMOGOROV_1_100, brms, 256, `norm${r}`)));
      const rng = seedrandom(`norm-points${r}`);
      for (let i = 0; i < 20000; i++) {
        evaluate(2000 * rng(), 2000 * rng(), 2000 * rng(), b);
        values.push((b[0] ** 2 + b[1] ** 2 + b[2] ** 2) / brms ** 2);
      }
    }
    const e = estimate(values);
    expect(e.standardError).toBeLessThan(0.01);
    expect(Math.abs(e.mean - 1)).toBeLessThan(4 * e.standardError);
  });

  it('div B / |grad B| < 2e-5 by central differences (h = lMin/1000), and a non-solenoidal table fails it', () => {
    // Central differences leave a relative error (k h)^2/6 <= (2π·1e-3)^2/6 = 6.6e-6 per mode; the
    // round-off of B over h = 1e-3 pc is ~1e-9 of |grad B|. 2e-5 is 3× the truncation bound.
    const h = 1e-3;
    const t = drawPlaneWaves(KOLMOGOROV_1_100, 1, 256, 'div');
    const ratio = finiteDifferenceDivergence(createFieldEvaluator(turbulenceOnly(t)), 500, h, 1000, 'div-points');
    expect(ratio).toBeLessThan(2e-5);
    // Control: same |a| but a random direction, so a·k ≠ 0: the same measurement must see it.
    const bad = t.table.slice();
    const rng = seedrandom('not-solenoidal');
    for (let o = 0; o < bad.length; o += MODE_STRIDE) {
      const a = Math.hypot(bad[o + 4], bad[o + 5], bad[o + 6]);
      const z = 2 * rng() - 1;
      const phi = 2 * Math.PI * rng();
      const s = Math.sqrt(1 - z * z);
      bad[o + 4] = a * s * Math.cos(phi);
      bad[o + 5] = a * s * Math.sin(phi);
      bad[o + 6] = a * z;
    }
    const badRatio = finiteDifferenceDivergence(createFieldEvaluator(turbulenceOnly({ kind: 'modes', table: bad })), 500, h, 1000, 'div-points');
    expect(badRatio).toBeGreaterThan(0.1);
  });

  it('1D spectrum along lines has slope -5/3 ± 0.1 over 3 kMin .. kMax/10, with standard error < 0.025', () => {
    // Band 1-300 pc, 128 modes. Field sampled every lMin/2 (Nyquist = kMax, no aliasing) along
    // 16 realizations × 12 random lines of 2048 points, Hann-windowed. For isotropic turbulence
    // the line spectrum is ∝ ∫_k^kMax E(q)/q dq: slope exactly -5/3 below kMax apart from the
    // factor 1 - (k/kMax)^(5/3), which steepens the fit by ~0.01 at k <= kMax/10. The standard
    // error comes from the scatter of the 16 realizations' slopes; ±0.1 is >= 4 of them.
    const spectrum = { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 300 } as const;
    const { kMin, kMax } = spectrumBand(spectrum);
    const slopes: number[] = [];
    for (let r = 0; r < 16; r++) {
      const evaluate = createFieldEvaluator(turbulenceOnly(drawPlaneWaves(spectrum, 1, 128, `slope${r}`)));
      const { k, power } = lineSpectra(evaluate, { lines: 12, points: 2048, spacingPc: 0.5, regionPc: 1000, seed: `slope-lines${r}` });
      slopes.push(powerLawSlope(k, meanOf(power), 3 * kMin, kMax / 10));
    }
    const e = estimate(slopes);
    expect(e.standardError).toBeLessThan(0.025);
    expect(Math.abs(e.mean + 5 / 3)).toBeLessThan(0.1);
  });

  it('L_c formula equals twice the measured one-sided integral of <dB(0)·dB(r)>/<dB^2> (4 SE + truncation bound)', () => {
    // Band 1-100 pc (L_c = 20.96 pc), 64 modes, 8 realizations × 8000 rays, r <= rMax = 200 pc,
    // 10 stratified points per ray. Each ray is an unbiased estimate of ∫_0^rMax R(r) dr for any
    // realization (the mode amplitudes are fixed, directions are averaged by the rays), so the
    // standard error is the scatter over all rays. Cutting the integral at rMax changes each mode's
    // π/(2k) by at most (1/k^2 rMax)·sqrt(1 + 1/(k rMax)^2) (|π/2 - Si(x)| bound), summed below.
    // 64 midpoint modes reproduce the continuous L_c to 5e-4. One-sided vs two-sided (factor 2)
    // or a π/2 slip (27 %) lie far outside the tolerance (about 12 %).
    const brms = 1;
    const rMax = 200;
    const lc = powerLawCorrelationLengthPc(1, 100);
    const perRay: number[] = [];
    let truncation = 0;
    for (let r = 0; r < 8; r++) {
      const t = drawPlaneWaves(KOLMOGOROV_1_100, brms, 64, `lc${r}`);
      if (r === 0) {
        for (let o = 0; o < t.table.length; o += MODE_STRIDE) {
          const k = Math.hypot(t.table[o], t.table[o + 1], t.table[o + 2]);
          const p = (t.table[o + 4] ** 2 + t.table[o + 5] ** 2 + t.table[o + 6] ** 2) / 2;
          const x = k * rMax;
          truncation += (2 * p * Math.sqrt(1 + 1 / (x * x))) / (k * x) / brms ** 2;
        }
      }
      const e = correlationIntegral(createFieldEvaluator(turbulenceOnly(t)), { rays: 8000, rMaxPc: rMax, pointsPerRay: 10, regionPc: 1000, seed: `lc-rays${r}` });
      // Each realization's rays are i.i.d. with the same mean; pool them via their mean and SE.
      perRay.push(e.mean, e.standardError);
    }
    const means = perRay.filter((_, i) => i % 2 === 0);
    const ses = perRay.filter((_, i) => i % 2 === 1);
    const measured = (2 * means.reduce((s, v) => s + v, 0)) / means.length / brms ** 2;
    const se = (2 * Math.sqrt(ses.reduce((s, v) => s + v * v, 0))) / ses.length / brms ** 2;
    expect(se / lc).toBeLessThan(0.03);
    expect(Math.abs(measured - lc)).toBeLessThan(4 * se + truncation + 5e-4 * lc);
  });
});
