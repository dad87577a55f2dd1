import { describe, expect, it } from 'vitest';
import { parkMiller as rng, gauss } from '../../test/helpers/random.ts';
import {
  backtrackingNoiseLevel,
  clStats,
  diffusionDecomposition,
  empiricalNoise,
  eventNoiseLevel,
  isotropicEventMap,
  meanOf,
  noiseSubtractedCl,
  pixelNoiseLevel,
  poissonNoiseLevel,
  ratioToDipole,
} from './ensemble.ts';
import { alm2cl, almIndex, almSize, anafast } from './harmonics.ts';
import { nside2npix } from './healpix.ts';

describe('ensemble statistics', () => {
  it('clStats: mean, sample std (n − 1) and standard error by hand (1e-15)', () => {
    const s = clStats([
      [1, 2],
      [3, 2],
      [5, 5],
    ]);
    expect(Array.from(s.mean)).toEqual([3, 3]);
    expect(s.std[0]).toBeCloseTo(2, 15); // ((4 + 0 + 4)/2)^½
    expect(s.std[1]).toBeCloseTo(Math.sqrt(3), 15);
    expect(s.stdErr[0]).toBeCloseTo(2 / Math.sqrt(3), 15);
    const one = clStats([[1, 2]]);
    expect(Number.isNaN(one.std[0]) && Number.isNaN(one.stdErr[1])).toBe(true);
    expect(Array.from(meanOf([[1, 2], [3, 6]]))).toEqual([2, 4]);
  });

  it('noiseSubtractedCl: Ĉ = <C> − N; variance = stdErr² (+ noise-estimate variance) for ≥ 2 maps, 2N²/(2l+1) for one', () => {
    const many = clStats([
      [0, 5, 3],
      [0, 7, 5],
    ]);
    const ns = noiseSubtractedCl(many, 1, 0.01);
    expect(Array.from(ns.chat)).toEqual([-1, 5, 3]);
    expect(ns.variance[1]).toBeCloseTo(many.stdErr[1] ** 2 + 0.01, 15);
    expect(ns.varianceNoise[2]).toBeCloseTo(2 / (5 * 2), 15);
    const single = noiseSubtractedCl(clStats([[0, 5, 3]]), 2);
    expect(single.variance[2]).toBeCloseTo((2 * 4) / 5, 15);
    expect(Number.isNaN(single.varianceSample[2])).toBe(true);
  });

  it('ratioToDipole: Ĉ_l/Ĉ_1 with errors added in quadrature (1e-15)', () => {
    const { ratio, sigma } = ratioToDipole([9, 2, 1], [0, 0.04, 0.01]);
    expect(ratio[2]).toBe(0.5);
    expect(sigma[1]).toBe(0);
    expect(sigma[2]).toBeCloseTo(0.5 * Math.sqrt(0.01 / 1 + 0.04 / 4), 15);
  });
});

describe('noise levels (review Eq. 31, 32, 71)', () => {
  it('Eq. 71: N = (4π/N_pix) · 2T gᵀKg / k for a diagonal K (1e-15)', () => {
    const n = backtrackingNoiseLevel({
      npix: 3072,
      timePc: 100,
      diffusionTensor: [2, 0, 0, 0, 3, 0, 0, 0, 5],
      gradient: [1e-3, 0, 2e-3],
      particlesPerPixel: 4,
    });
    const gkg = 2 * 1e-6 + 5 * 4e-6;
    expect(n).toBeCloseTo(((4 * Math.PI) / 3072) * ((2 * 100 * gkg) / 4), 18);
  });

  it('Eq. 31 with equal counts per pixel is Eq. 32: 4π f_sky²/n_tot (1e-13 relative: a sum of 768 equal terms)', () => {
    const counts = new Float64Array(768).fill(50);
    expect(Math.abs(poissonNoiseLevel(counts) / eventNoiseLevel(768 * 50) - 1)).toBeLessThan(1e-13);
    // half the sky with the same events per pixel: f_sky = 1/2
    const half = Float64Array.from(counts, (c, i) => (i < 384 ? c : 0));
    expect(Math.abs(poissonNoiseLevel(half) / eventNoiseLevel(384 * 50, 0.5) - 1)).toBeLessThan(1e-13);
  });

  it('white pixel noise of variance σ² has flat C_l = 4πσ²/N_pix: mean over 6 maps, l = 1..2N_side, within 4σ (~2%)', () => {
    // 6 maps × Σ_{l=1}^{32}(2l+1) = 6 × 1088 degrees of freedom: relative error sqrt(2/6528) = 1.8%
    const ns = 16;
    const sigma = 0.3;
    const r = rng(9);
    const cls = Array.from({ length: 6 }, () => anafast(Float64Array.from({ length: nside2npix(ns) }, () => 1 + sigma * gauss(r))));
    const emp = empiricalNoise(cls, { lmin: 1, lmax: 2 * ns });
    const expected = pixelNoiseLevel(nside2npix(ns), sigma * sigma);
    expect(Math.abs(emp.level - expected)).toBeLessThan(4 * emp.levelErr);
    expect(emp.levelErr / expected).toBeLessThan(0.03);
  });

  it('isotropic event maps with n events have C_l = 4π/n (Eq. 32): 8 maps at N_side 16, within 4σ', () => {
    const ns = 16;
    const nEvents = 20000;
    const r = rng(21);
    const cls = Array.from({ length: 8 }, () => anafast(isotropicEventMap(ns, nEvents, r)));
    const emp = empiricalNoise(cls, { lmax: 2 * ns });
    const expected = eventNoiseLevel(nEvents);
    expect(Math.abs(emp.level - expected)).toBeLessThan(4 * emp.levelErr);
    // and the noise-subtracted spectrum of pure noise is consistent with zero at l = 5
    const stats = clStats(cls);
    const ns5 = noiseSubtractedCl(stats, expected);
    expect(Math.abs(ns5.chat[5])).toBeLessThan(4 * Math.sqrt(ns5.variance[5]));
  });
});

describe('standard-diffusion part vs full power (review Eq. 67-68)', () => {
  it('alms = fixed <a> + independent scatter: full ≈ C_l(<a>) + scatter, standardUnbiased ≈ C_l(<a>), excess ≈ scatter (4σ)', () => {
    const lmax = 4;
    const R = 400;
    const r = rng(17);
    const mean = new Float64Array(2 * almSize(lmax));
    mean[2 * almIndex(1, 0, lmax)] = 0.05;
    mean[2 * almIndex(1, 1, lmax)] = -0.03;
    mean[2 * almIndex(1, 1, lmax) + 1] = 0.02;
    mean[2 * almIndex(3, 2, lmax)] = 0.01;
    const s = 0.02; // scatter per real and imaginary part (real part only for m = 0)
    const alms = Array.from({ length: R }, () => {
      const a = Float64Array.from(mean);
      for (let m = 0; m <= lmax; m++) {
        for (let l = m; l <= lmax; l++) {
          a[2 * almIndex(l, m, lmax)] += s * gauss(r);
          if (m > 0) a[2 * almIndex(l, m, lmax) + 1] += s * gauss(r);
        }
      }
      return a;
    });
    const dec = diffusionDecomposition(alms);
    const cMean = alm2cl(mean);
    // the scatter adds (|a_l0|² + 2Σ_{m≥1}|a_lm|²)/(2l+1) = (s² + 2l·2s²)/(2l+1) to every C_l
    for (let l = 1; l <= lmax; l++) {
      const scatter = (s * s + 2 * l * 2 * s * s) / (2 * l + 1);
      // standard deviations of the ensemble estimates, from the chi-square of the scatter
      const sdFull = (scatter * Math.sqrt(2 / (2 * l + 1)) + 2 * s * Math.sqrt(cMean[l] / (2 * l + 1))) / Math.sqrt(R);
      expect(Math.abs(dec.full[l] - (cMean[l] + scatter)), `full l=${l}`).toBeLessThan(4 * sdFull);
      expect(Math.abs(dec.standardUnbiased[l] - cMean[l]), `standard l=${l}`).toBeLessThan(4 * sdFull + scatter / R);
      expect(Math.abs(dec.excess[l] - scatter), `excess l=${l}`).toBeLessThan(4 * sdFull + scatter / R);
      // the plain C_l of the mean carries the scatter / R bias, by construction
      expect(dec.standard[l]).toBeCloseTo((dec.full[l] + (R - 1) * dec.standardUnbiased[l]) / R, 14);
    }
  });
});
