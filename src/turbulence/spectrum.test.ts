import { describe, expect, it } from 'vitest';
import {
  correlationLengthPc,
  discreteCorrelationLengthPc,
  energySpectrum,
  powerLawCorrelationLengthPc,
  spectrumBand,
} from './spectrum.ts';

describe('energy spectra', () => {
  it('Kolmogorov E(k) ∝ k^-5/3 inside [2π/lMax, 2π/lMin] and 0 outside (exact to 1e-12)', () => {
    const s = { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 50 } as const;
    const e = energySpectrum(s);
    const { kMin, kMax } = spectrumBand(s);
    expect(kMin).toBeCloseTo((2 * Math.PI) / 50, 15);
    expect(kMax).toBeCloseTo(Math.PI, 15);
    // ratio over a factor 4 in k must be 4^(-5/3); rounding is the only error
    expect(e(4 * kMin) / e(kMin)).toBeCloseTo(Math.pow(4, -5 / 3), 12);
    expect(e(kMin * 0.999)).toBe(0);
    expect(e(kMax * 1.001)).toBe(0);
  });

  it('Ahlers-Mertsch E(k) ∝ k^2/(1+(kL)^gamma): k^2 well below 1/L, k^(2-gamma) well above (1e-6)', () => {
    const s = { kind: 'ahlers-mertsch', lMinPc: 1e-4, lMaxPc: 1e4, bendoverPc: 1, gamma: 11 / 3 } as const;
    const e = energySpectrum(s);
    // k L = 1e-3: the correction (kL)^gamma ~ 1e-11 is far below the tolerance
    expect(e(2e-3) / e(1e-3)).toBeCloseTo(4, 6);
    // k L = 1e3: relative correction (kL)^-gamma ~ 1e-11
    expect(e(2e3) / e(1e3)).toBeCloseTo(Math.pow(2, 2 - 11 / 3), 6);
  });
});

describe('correlation length', () => {
  it('closed-form power-law L_c equals π∫E/k dk / ∫E dk by quadrature to 1e-9 (Simpson error ~1e-13)', () => {
    for (const [lMin, lMax] of [
      [1, 100],
      [0.1, 1000],
      [5, 10],
      [1, 150],
    ]) {
      const closed = powerLawCorrelationLengthPc(lMin, lMax);
      const numeric = correlationLengthPc({ kind: 'kolmogorov', lMinPc: lMin, lMaxPc: lMax });
      expect(Math.abs(numeric / closed - 1)).toBeLessThan(1e-9);
    }
  });

  it('power-law L_c tends to lMax/5 for lMin/lMax -> 0 (to the rho^(2/3) correction, here 1e-6)', () => {
    // rho = 1e-9: the leading correction is rho^(q-1) = 1e-6
    expect(powerLawCorrelationLengthPc(1e-7, 100) / 20).toBeCloseTo(1, 5);
  });

  it('a discrete mode set has L_c = π Σ p/k / Σ p (a single mode: L_c = π/k exactly)', () => {
    expect(discreteCorrelationLengthPc([0.5], [3])).toBeCloseTo(2 * Math.PI, 14);
    // zero-power entries are ignored, even at k = 0
    expect(discreteCorrelationLengthPc([0, 1, 2], [0, 1, 1])).toBeCloseTo((Math.PI * 1.5) / 2, 14);
  });
});
