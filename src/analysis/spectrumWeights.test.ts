import { describe, expect, it } from 'vitest';
import { combineMaps, mergeByRigidity, powerLawIntegral, spectrumBins } from './spectrumWeights.ts';

// Hand computations: the weights are ratios of ∫ E^−γ dE over the bins, written out below; the
// tolerance 1e-14 relative is rounding of a few operations.
const close = (a: number, b: number, rel = 1e-14) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b));

describe('spectrum weights: each bin\'s share of the flux at the observer', () => {
  it('1-100 PeV, 2 bins, γ = 2.7, 60 % p + 40 % He: w = f·I_b/Σ, I_2/I_1 = 10^−1.7; He at R = E/2', () => {
    // I_1 = ∫_1^10 E^−2.7 dE = (1 − 10^−1.7)/1.7, I_2 = ∫_10^100 = (10^−1.7 − 10^−3.4)/1.7 = 10^−1.7 I_1,
    // so with x = 10^−1.7 = 0.0199526: w(p,1) = 0.6/(1+x) = 0.588263, w(p,2) = 0.6x/(1+x) = 0.011737,
    // w(He,1) = 0.4/(1+x) = 0.392175, w(He,2) = 0.4x/(1+x) = 0.007825.
    const x = Math.pow(10, -1.7);
    const bins = spectrumBins({
      kind: 'energy-range',
      energyMinPeV: 1,
      energyMaxPeV: 100,
      bins: 2,
      spectralIndex: 2.7,
      composition: [
        { name: 'p', z: 1, fraction: 0.6 },
        { name: 'He', z: 2, fraction: 0.4 },
      ],
    });
    expect(bins.map((b) => b.species)).toEqual(['p', 'p', 'He', 'He']);
    close(bins[0].weight, 0.6 / (1 + x));
    close(bins[1].weight, (0.6 * x) / (1 + x));
    close(bins[2].weight, 0.4 / (1 + x));
    close(bins[3].weight, (0.4 * x) / (1 + x));
    expect(bins[0].weight).toBeCloseTo(0.588263, 6);
    expect(bins[3].weight).toBeCloseTo(0.007825, 6);
    // rigidities: p 1-10 PV (centre √10), He 0.5-5 and 5-50 PV (centres √2.5, √250)
    close(bins[0].rigidityPV, Math.sqrt(10));
    expect([bins[2].rMinPV, bins[2].rMaxPV]).toEqual([0.5, 5]);
    close(bins[3].rigidityPV, Math.sqrt(250));
    close(bins.reduce((s, b) => s + b.weight, 0), 1);
  });

  it('rigidity bins 1-10 PV with 50 % p + 50 % He at γ = 2: He at E = 2R carries half the flux of p (w = 2/3, 1/3); merged into one run', () => {
    // p: ∫_1^10 E^−2 = 0.9; He: ∫_2^20 E^−2 = 0.45
    const bins = spectrumBins({
      kind: 'rigidity-bins',
      edgesPV: [1, 10],
      spectralIndex: 2,
      composition: [
        { name: 'p', z: 1, fraction: 0.5 },
        { name: 'He', z: 2, fraction: 0.5 },
      ],
    });
    close(bins[0].weight, 2 / 3);
    close(bins[1].weight, 1 / 3);
    expect([bins[1].energyMinPeV, bins[1].energyMaxPeV]).toEqual([2, 20]);
    const merged = mergeByRigidity(bins);
    expect(merged).toHaveLength(1);
    close(merged[0].weight, 1);
    expect(merged[0].species.map((s) => s.name)).toEqual(['p', 'He']);
    close(merged[0].rigidityPV, Math.sqrt(10));
  });

  it('γ = 1 gives equal weights to equal ln E bins (∫ dE/E = ln 10 each); protons by default', () => {
    const bins = spectrumBins({ kind: 'rigidity-bins', edgesPV: [0.1, 1, 10], spectralIndex: 1 });
    close(bins[0].weight, 0.5);
    close(bins[1].weight, 0.5);
    expect(bins[0].species).toBe('p');
  });

  it('own indices: p γ = 2 and He γ = 3 with equal fractions at 1 PeV, 1-10 PeV: weights 0.9 : 0.495', () => {
    // p: ∫_1^10 E^−2 = 0.9; He: ∫_1^10 E^−3 = (1 − 0.01)/2 = 0.495
    const bins = spectrumBins({
      kind: 'energy-range',
      energyMinPeV: 1,
      energyMaxPeV: 10,
      bins: 1,
      spectralIndex: 2,
      referenceEnergyPeV: 1,
      composition: [
        { name: 'p', z: 1, fraction: 1 },
        { name: 'He', z: 2, fraction: 1, spectralIndex: 3 },
      ],
    });
    close(bins[0].weight, 0.9 / 1.395);
    close(bins[1].weight, 0.495 / 1.395);
  });

  it('powerLawIntegral is the closed form, accurate where naive subtraction is not (γ = 1 + 1e-9)', () => {
    close(powerLawIntegral(1, 10, 2.7, 1), (1 - Math.pow(10, -1.7)) / 1.7);
    // near γ = 1 the result tends to ln(e2/e1); the expm1 form keeps 1e-9 relative
    close(powerLawIntegral(1, 10, 1 + 1e-9, 1), Math.log(10) * (1 - 0.5e-9 * Math.log(10)), 1e-12);
  });

  it('rejects bad input with the offending value', () => {
    expect(() => spectrumBins({ kind: 'rigidity-bins', edgesPV: [1, 1], spectralIndex: 2 })).toThrow(/strictly ascending/);
    expect(() => spectrumBins({ kind: 'energy-range', energyMinPeV: 1, energyMaxPeV: 10, bins: 2, spectralIndex: 2, composition: [{ name: 'x', z: 0, fraction: 1 }] })).toThrow(/Z = 0/);
  });

  it('combineMaps is Σ w_b I_b / Σ w (exact for two constant maps)', () => {
    const out = combineMaps([[1, 1], [2, 4]], [3, 1]);
    expect(Array.from(out)).toEqual([1.25, 1.75]);
  });
});
