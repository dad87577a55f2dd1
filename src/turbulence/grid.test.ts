import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.ts';
import { createFieldEvaluator } from './evaluate.ts';
import type { FieldData, GridTurbulence } from './field.ts';
import { checkBandOnGrid, generateGrid, gridCorrelationLengthPc, type GridSpec } from './grid.ts';
import { correlationIntegral, estimate, gridCellDivergence, gridEnergySpectrum, gridPower, powerLawSlope } from './measure.ts';
import { powerLawCorrelationLengthPc } from './spectrum.ts';
import { trilinearCorrelationLength, trilinearVarianceRatio } from './trilinear.ts';

function turbulenceOnly(t: GridTurbulence): FieldData {
  return { b0: [0, 0, 0], turbulence: t, summary: { b0: [0, 0, 0], brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: '' } };
}

const FLOAT32_EPS = 2 ** -24; // relative rounding of a stored value

describe('grid turbulence', () => {
  it('mean |dB|^2 over the nodes is B_rms^2 and the mean field 0, up to float32 rounding', () => {
    // Each stored value carries a relative rounding error <= 2^-24, so mean |dB|^2 is off by at most
    // 2·2^-24 relative; the mean of each component by at most 2^-24·max|dB| (k = 0 carries no power).
    const brms = 4;
    const spectrum = { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 32 } as const;
    const g = generateGrid(spectrum, brms, { n: 32, spacingPc: 1 }, 'norm');
    const nodes = 32 ** 3;
    let s2 = 0;
    let maxAbs = 0;
    const mean = [0, 0, 0];
    for (let i = 0; i < nodes; i++) {
      for (let c = 0; c < 3; c++) {
        const v = g.data[3 * i + c];
        s2 += v * v;
        mean[c] += v / nodes;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
    }
    expect(Math.abs(s2 / nodes / brms ** 2 - 1)).toBeLessThanOrEqual(2 * FLOAT32_EPS);
    for (const m of mean) expect(Math.abs(m)).toBeLessThanOrEqual(FLOAT32_EPS * maxAbs);
  });

  it('the interpolated field has zero net flux out of every cell (div/|grad| at float32 rounding); white noise does not', () => {
    // Trilinear interpolation is not pointwise divergence-free (its divergence is bilinear inside a
    // cell, O(k h) of |grad B| at the grid scale). What the projection ⟂ K (grid.ts) makes exactly
    // zero is the cell average of div B, i.e. the net flux out of each cell, computed from face
    // means of the nodes. With stored values rounded to float32, |flux error| <= 6·2^-24·max|B|/h
    // per cell (24 node terms of weight 1/4h); that over the rms cell gradient is the tolerance.
    // (The textbook projection ⟂ k scores 0.06 here: docs/field-validation.md.)
    const spectrum = { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 32 } as const;
    const g = generateGrid(spectrum, 1, { n: 32, spacingPc: 1 }, 'div');
    const { ratio, maxAbs, rmsGradient } = gridCellDivergence(g);
    const bound = (6 * FLOAT32_EPS * maxAbs) / g.spacingPc / rmsGradient;
    expect(bound).toBeLessThan(1e-5);
    expect(ratio).toBeLessThan(bound);
    // Control: uncorrelated node values have cell divergence of order |grad B|.
    const rng = seedrandom('white-noise');
    const noise: GridTurbulence = { kind: 'grid', n: 32, spacingPc: 1, data: Float32Array.from({ length: 3 * 32 ** 3 }, () => rng() - 0.5) };
    expect(gridCellDivergence(noise).ratio).toBeGreaterThan(0.1);
  });

  it('between nodes the interpolated field has the mean |dB|^2 trilinear.ts predicts, below B_rms^2 (4 SE)', () => {
    // Over the periodic box the position average of |dB_I|^2 is exactly Σ_k p_k Π_d (1 - 2/3
    // sin^2(k_d h/2)) for the realization's measured power p_k, so uniform random points estimate
    // it without bias; SE from their scatter. With the band reaching 2h the loss is ~15-20 %.
    const spectrum = { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 32 } as const;
    const spec = { n: 32, spacingPc: 1 };
    const g = generateGrid(spectrum, 1, spec, 'interp');
    const predicted = trilinearVarianceRatio(gridPower(g), spec);
    const evaluate = createFieldEvaluator(turbulenceOnly(g));
    const rng = seedrandom('interp-points');
    const b = new Float64Array(3);
    const values = Array.from({ length: 100000 }, () => {
      evaluate(32 * rng(), 32 * rng(), 32 * rng(), b);
      return b[0] ** 2 + b[1] ** 2 + b[2] ** 2;
    });
    const e = estimate(values);
    expect(predicted).toBeLessThan(0.95);
    expect(e.standardError).toBeLessThan(0.01);
    expect(Math.abs(e.mean - predicted)).toBeLessThan(4 * e.standardError);
  });

  it('measured k-space power has 1D slope -5/3 ± 0.1 over 2.5 .. 24 lattice units, with standard error < 0.025', () => {
    // 8 realizations on 64^3, band = box (100 pc) .. 2h. The spectrum is measured from the stored
    // float32 nodes (forward FFT), E = 4πk^2·|B̂|^2 per lattice point, averaged in bins of 1/8
    // decade and fitted on ln-ln. Standard error from the scatter of the 8 slopes; ±0.1 >= 4 SE.
    const spectrum = { kind: 'kolmogorov', lMinPc: 100 / 32, lMaxPc: 100 } as const;
    const spec = { n: 64, spacingPc: 100 / 64 };
    const dk = (2 * Math.PI) / 100;
    const slopes: number[] = [];
    for (let r = 0; r < 8; r++) {
      const g = generateGrid(spectrum, 1, spec, `slope${r}`);
      const { k, energy } = gridEnergySpectrum(g, gridPower(g));
      slopes.push(powerLawSlope(k, energy, 2.5 * dk, 24 * dk));
    }
    const e = estimate(slopes);
    expect(e.standardError).toBeLessThan(0.025);
    expect(Math.abs(e.mean + 5 / 3)).toBeLessThan(0.1);
  });

  it('twice the measured correlation integral of the interpolated field equals the L_c formula for its measured power (4 SE + bounds)', () => {
    // For each realization the node field's power p_k is measured by FFT; trilinear.ts turns it
    // into the prediction for the interpolated field, π Σ_k p_k Σ_G T(k+G)^2/|k+G| / Σ p
    // (T the tent kernel's transfer, G the aliases), with bounds on the aliases it leaves out and
    // on cutting the integral at rMax. Rays measure 2∫_0^rMax <dB(x)·dB(x+r)> dr / B_rms^2 on the
    // field evaluate.ts interpolates. Paired per realization, so the large realization-to-
    // realization scatter of the few lowest shells cancels; SE from the ray scatter.
    const spectrum = { kind: 'kolmogorov', lMinPc: 100 / 8, lMaxPc: 100 } as const;
    const spec = { n: 32, spacingPc: 100 / 32 };
    const rMax = 500;
    const R = 8;
    const diffs: number[] = [];
    const ses: number[] = [];
    let bounds = 0;
    let predictedMean = 0;
    for (let r = 0; r < R; r++) {
      const g = generateGrid(spectrum, 1, spec, `lc${r}`);
      const c = trilinearCorrelationLength(gridPower(g), spec, { rMaxPc: rMax });
      const e = correlationIntegral(createFieldEvaluator(turbulenceOnly(g)), { rays: 20000, rMaxPc: rMax, pointsPerRay: 20, regionPc: 100, seed: `lc-rays${r}` });
      diffs.push(2 * e.mean - c.interpolatedPc);
      ses.push(2 * e.standardError);
      bounds = Math.max(bounds, c.truncationBoundPc + c.aliasBoundPc);
      predictedMean += c.interpolatedPc / R;
    }
    const mean = diffs.reduce((s, v) => s + v, 0) / R;
    const se = Math.sqrt(ses.reduce((s, v) => s + v * v, 0)) / R;
    expect(se / predictedMean).toBeLessThan(0.03);
    expect(Math.abs(mean)).toBeLessThan(4 * se + bounds);
  });

  it('rejects a band the grid cannot resolve, naming the option, value and allowed range', () => {
    const spec: GridSpec = { n: 16, spacingPc: 2 };
    expect(() => checkBandOnGrid({ kind: 'kolmogorov', lMinPc: 3, lMaxPc: 32 }, spec)).toThrow(ConfigError);
    expect(() => checkBandOnGrid({ kind: 'kolmogorov', lMinPc: 3, lMaxPc: 32 }, spec)).toThrow(/lMinPc = 3: must be >= 2 × grid spacing = 4 pc/);
    expect(() => checkBandOnGrid({ kind: 'kolmogorov', lMinPc: 4, lMaxPc: 40 }, spec)).toThrow(/lMaxPc = 40: must be <= grid box = gridN × gridSpacingPc = 32 pc/);
    expect(() => checkBandOnGrid({ kind: 'kolmogorov', lMinPc: 4, lMaxPc: 32 }, spec)).not.toThrow();
    // a band between two lattice shells (|n| = 1 and sqrt 2) holds no wave vector
    expect(() => checkBandOnGrid({ kind: 'kolmogorov', lMinPc: 23, lMaxPc: 31 }, spec)).toThrow(/no grid wave vector/);
  });

  it('same seed gives bitwise identical nodes, a different seed different ones', () => {
    const spectrum = { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 16 } as const;
    const spec = { n: 16, spacingPc: 1 };
    const a = generateGrid(spectrum, 1, spec, 'crsky:1:field:0');
    const b = generateGrid(spectrum, 1, spec, 'crsky:1:field:0');
    const c = generateGrid(spectrum, 1, spec, 'crsky:1:field:1');
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff += (a.data[i] - c.data[i]) ** 2;
    expect(Math.sqrt(diff / a.data.length)).toBeGreaterThan(0.1);
  });

  it('lattice L_c exceeds the continuous formula for box = lMax and approaches it as the box grows', () => {
    // With box = lMax the band's lowest shell |n| = 1 is a whole lattice point sitting on the band
    // edge, which over-weights the largest scale; with more shells per unit ln k the lattice sum
    // tends to the integral. Values: docs/field-validation.md.
    const closed = powerLawCorrelationLengthPc(4, 64);
    const tight = gridCorrelationLengthPc({ kind: 'kolmogorov', lMinPc: 4, lMaxPc: 64 }, { n: 32, spacingPc: 2 });
    const loose = gridCorrelationLengthPc({ kind: 'kolmogorov', lMinPc: 4, lMaxPc: 64 }, { n: 128, spacingPc: 2 });
    expect(tight / closed).toBeGreaterThan(1.1);
    expect(Math.abs(loose / closed - 1)).toBeLessThan(Math.abs(tight / closed - 1) / 4);
  });
});
