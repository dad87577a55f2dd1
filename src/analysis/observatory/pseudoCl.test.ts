import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { gauss } from '../../../test/helpers/random.ts';
import { eventNoiseLevel, poissonNoiseLevel } from '../ensemble.ts';
import { alm2cl, alm2map, almIndex, almSize, anafast, map2alm } from '../harmonics.ts';
import { ringInfo } from '../healpix.ts';
import { ringWeightMultipoles, transferMatrix } from './coupling.ts';
import { expectedCounts, poissonCounts } from './events.ts';
import { siderealCube, type SiderealCube } from './exposure.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';
import { conditionNumber, expectedPseudoCl, fullSkyCl, poissonNoiseSpectrum, pseudoCl } from './pseudoCl.ts';
import { directIntegration, maximumLikelihood } from './reconstruction.ts';

/** Gaussian alm of spectrum cl (l ≥ 1; a_00 = 0), healpy layout. */
function gaussianAlm(cl: ArrayLike<number>, lmax: number, rng: () => number): Float64Array {
  const alm = new Float64Array(2 * almSize(lmax));
  for (let l = 1; l <= lmax; l++) {
    alm[2 * almIndex(l, 0, lmax)] = Math.sqrt(cl[l]) * gauss(rng);
    for (let m = 1; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      alm[i] = Math.sqrt(cl[l] / 2) * gauss(rng);
      alm[i + 1] = Math.sqrt(cl[l] / 2) * gauss(rng);
    }
  }
  return alm;
}

/** The data-driven normalization on a map: subtract each field-of-view ring's mean, 0 outside. */
function ringMeanRemoved(cube: SiderealCube, map: Float64Array): Float64Array {
  const info = ringInfo(cube.nside);
  const out = new Float64Array(map.length);
  for (const r of cube.fovRings) {
    const f = info.firstPix[r], n = info.nPix[r];
    let s = 0;
    for (let p = f; p < f + n; p++) s += map[p];
    for (let p = f; p < f + n; p++) out[p] = map[p] - s / n;
  }
  return out;
}

function meanAndError(xs: readonly number[]): { mean: number; err: number } {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, err: Math.sqrt(v / n) };
}

const NSIDE = 16;

describe('pseudo-C_l on the full sky', () => {
  it('with a full-sky weight the pseudo-C_l is the map\'s C_l (anafast without iterations, bit for bit; a band-limited sky\'s C_l to 1e-2)', () => {
    const lmax = 16;
    const cl = Float64Array.from({ length: lmax + 1 }, (_, l) => (l === 0 ? 0 : 1e-6 / (l * (l + 1))));
    const alm = gaussianAlm(cl, lmax, seedrandom('full-sky'));
    const map = alm2map(alm, NSIDE);
    const ones = new Float64Array(map.length).fill(1);
    const p = pseudoCl(map, ones, lmax);
    expect(Array.from(p)).toEqual(Array.from(anafast(map, { lmax, iterations: 0 })));
    const truth = alm2cl(alm);
    // HEALPix quadrature without iterations (healpy's iter=0) at l ≤ N_side: errors of a few 1e-3 of the C_l
    for (let l = 1; l <= lmax; l++) expect(Math.abs(p[l] / truth[l] - 1)).toBeLessThan(1e-2);
  });
});

describe('cut-sky spectra of Gaussian skies (review Eq. 30, A.2)', () => {
  const lmaxSky = 24, lmax = 12, R = 60;
  const cases: { name: string; cl: (l: number) => number }[] = [
    { name: 'hawc', cl: (l) => 1e-6 / ((l + 1) * (l + 1)) },
    { name: 'icecube', cl: () => 1e-8 },
  ];
  for (const { name, cl: clOf } of cases) {
    it(`${name}: <pseudo-C_l> over ${R} skies with a_l0 removed is Σ M_ll' C_l', and Eq. 30 inverts it (4 standard errors; exact without power above lmax)`, () => {
      const cube = siderealCube(OBSERVATORY_PRESETS[name].observatory, NSIDE, 4 * NSIDE);
      const mask = cube.fovMask;
      const cl = Float64Array.from({ length: lmaxSky + 1 }, (_, l) => (l === 0 ? 0 : clOf(l)));
      const mFull = transferMatrix(ringWeightMultipoles(mask, 2 * lmaxSky), lmaxSky);
      const expected = expectedPseudoCl(cl, new Float64Array(lmaxSky + 1), mFull, lmaxSky);
      const m = transferMatrix(ringWeightMultipoles(mask, 2 * lmax), lmax);
      const rng = seedrandom(`gaussian-${name}`);
      const pseudo: Float64Array[] = [];
      const estimates: Float64Array[] = [];
      let binWidth = 0;
      for (let k = 0; k < R; k++) {
        const map = alm2map(gaussianAlm(cl, lmaxSky, rng), NSIDE);
        const p = pseudoCl(ringMeanRemoved(cube, map), mask, lmax);
        pseudo.push(p);
        // Eq. 30 truncated at lmax: the power above lmax leaks in, so compare with the leak-free input
        const fs = fullSkyCl(p, new Float64Array(lmax + 1), m, lmax);
        binWidth = fs.binWidth;
        estimates.push(fs.cl);
      }
      expect(binWidth).toBe(name === 'icecube' ? 2 : 1);
      for (let l = 1; l <= lmax; l++) {
        const { mean, err } = meanAndError(pseudo.map((p) => p[l]));
        expect(Math.abs(mean - expected[l])).toBeLessThan(4 * err);
      }
      // the full-sky estimate: exact in expectation when the sky has no power above lmax leaking in;
      // here it has, so compare with Eq. 30 applied to the expected pseudo-spectrum
      const expectedEstimate = fullSkyCl(expected, new Float64Array(lmax + 1), m, lmax, binWidth).cl;
      for (let l = 1; l <= lmax; l++) {
        const { mean, err } = meanAndError(estimates.map((e) => e[l]));
        expect(Math.abs(mean - expectedEstimate[l])).toBeLessThan(4 * err);
      }
      // and for a sky without power above lmax the estimate is its spectrum itself (flat within the
      // bins of 2 for IceCube, so exact there too)
      const clCut = Float64Array.from(cl.subarray(0, lmax + 1));
      const exact = fullSkyCl(expectedPseudoCl(clCut, new Float64Array(lmax + 1), m, lmax), new Float64Array(lmax + 1), m, lmax, binWidth).cl;
      for (let l = 1; l <= lmax; l++) expect(Math.abs(exact[l] / clCut[l] - 1)).toBeLessThan(1e-10);
    });
  }

  it('the transfer matrix of a cap around the pole is singular per l but invertible in bins of 2 (condition numbers)', () => {
    const cube = siderealCube(OBSERVATORY_PRESETS.icecube.observatory, NSIDE, 4 * NSIDE);
    const lmax = 16;
    const m = transferMatrix(ringWeightMultipoles(cube.fovMask, 2 * lmax), lmax);
    const inner = new Float64Array(lmax * lmax);
    for (let l = 1; l <= lmax; l++) for (let lp = 1; lp <= lmax; lp++) inner[(l - 1) * lmax + lp - 1] = m[l * (lmax + 1) + lp];
    expect(conditionNumber(inner, lmax)).toBeGreaterThan(1e8);
    expect(fullSkyCl(new Float64Array(lmax + 1), new Float64Array(lmax + 1), m, lmax).conditionNumber).toBeLessThan(100);
  });
});

describe('Poisson noise of the observed map (review Eq. 31–32)', () => {
  const cube = siderealCube(OBSERVATORY_PRESETS.hawc.observatory, NSIDE, 4 * NSIDE);
  const mask = cube.fovMask;
  const iso = new Float64Array(12 * NSIDE * NSIDE).fill(1);
  const nEvents = 2e6;
  const mu = expectedCounts(cube, iso, nEvents);
  const expectedPerPixel = new Float64Array(iso.length);
  for (let c = 0; c < mu.length; c++) expectedPerPixel[cube.cellPixel[c]] += mu[c];
  const lmax = 2 * NSIDE;
  const R = 12;
  const runs = Array.from({ length: R }, (_, k) => {
    const n = poissonCounts(mu, seedrandom(`noise-${k}`));
    const counts = new Float64Array(iso.length);
    for (let c = 0; c < n.length; c++) counts[cube.cellPixel[c]] += n[c];
    return { n, counts };
  });
  const lAverage = (cl: Float64Array) => {
    let s = 0;
    for (let l = 2; l <= lmax; l++) s += cl[l];
    return s / (lmax - 1);
  };

  it('counts over the known exposure: <pseudo-C_l> is Eq. 31 (4 standard errors over 12 data sets)', () => {
    const levels: number[] = [];
    const predicted: number[] = [];
    for (const { counts } of runs) {
      const di = Float64Array.from(counts, (c, p) => (mask[p] ? c / expectedPerPixel[p] - 1 : 0));
      levels.push(lAverage(pseudoCl(di, mask, lmax)));
      predicted.push(poissonNoiseLevel(counts, mask));
    }
    const { mean, err } = meanAndError(levels);
    const eq31 = predicted.reduce((a, x) => a + x, 0) / R;
    expect(Math.abs(mean - eq31)).toBeLessThan(4 * err);
    expect(err / mean).toBeLessThan(0.02); // the test can tell a 10 % error apart
  });

  it('with each ring normalized (a_l0 = 0) the noise is N_l of Eq. 31 without its m = 0 part', () => {
    const levels: number[] = [];
    const predicted: number[] = [];
    for (const { counts } of runs) {
      const di = Float64Array.from(counts, (c, p) => (mask[p] ? c / expectedPerPixel[p] - 1 : 0));
      levels.push(lAverage(pseudoCl(ringMeanRemoved(cube, di), mask, lmax)));
      predicted.push(lAverage(poissonNoiseSpectrum(counts, mask, lmax)));
    }
    const { mean, err } = meanAndError(levels);
    expect(Math.abs(mean - predicted.reduce((a, x) => a + x, 0) / R)).toBeLessThan(4 * err);
  });

  it('the data-driven maps carry the same noise to within the reference-map noise (direct integration and maximum likelihood within 4 standard errors + 3 %)', () => {
    for (const method of ['direct', 'ml'] as const) {
      const ratios: number[] = [];
      for (const { n, counts } of runs) {
        const rec = method === 'direct' ? directIntegration(cube, n) : maximumLikelihood(cube, n, { iterations: 100, relativeTolerance: 1e-6 });
        const dI = Float64Array.from(rec.intensity, (v, p) => (mask[p] ? v - 1 : 0));
        ratios.push(lAverage(pseudoCl(dI, mask, lmax)) / lAverage(poissonNoiseSpectrum(counts, mask, lmax)));
      }
      const { mean, err } = meanAndError(ratios);
      expect(Math.abs(mean - 1)).toBeLessThan(4 * err + 0.03);
    }
  });

  it('Eq. 32 is Eq. 31 for uniform counts, and a lower bound for any other exposure (Cauchy–Schwarz)', () => {
    const npix = 12 * NSIDE * NSIDE;
    const uniform = Float64Array.from({ length: npix }, (_, p) => (mask[p] ? 100 : 0));
    let nPix = 0;
    for (let p = 0; p < npix; p++) nPix += mask[p];
    expect(poissonNoiseLevel(uniform, mask) / eventNoiseLevel(100 * nPix, nPix / npix)).toBeCloseTo(1, 13);
    const { counts } = runs[0];
    let total = 0;
    for (let p = 0; p < npix; p++) total += mask[p] ? counts[p] : 0;
    expect(poissonNoiseLevel(counts, mask)).toBeGreaterThan(eventNoiseLevel(total, nPix / npix));
  });
});
