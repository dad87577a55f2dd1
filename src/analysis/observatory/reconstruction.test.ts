import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { pixelCentres, ringInfo } from '../healpix.ts';
import { expectedCounts, poissonCounts } from './events.ts';
import { siderealCube, type SiderealCube } from './exposure.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';
import { directIntegration, maximumLikelihood } from './reconstruction.ts';
import { kPrimeDipole } from './kPrimeDipole.ts';
import { maxAbsDiff } from '../../../test/helpers/sky.ts';

const NSIDE = 8;
const C = pixelCentres(NSIDE);
const NPIX = 12 * NSIDE * NSIDE;

function sky(f: (x: number, y: number, z: number) => number): Float64Array {
  return Float64Array.from({ length: NPIX }, (_, p) => f(C[3 * p], C[3 * p + 1], C[3 * p + 2]));
}

/** The sky as the normalization reports it: divided by its mean on every ring of the field of view, 0 elsewhere. */
function bandNormalized(cube: SiderealCube, map: Float64Array): Float64Array {
  const info = ringInfo(cube.nside);
  const out = new Float64Array(map.length);
  for (const r of cube.fovRings) {
    const f = info.firstPix[r], n = info.nPix[r];
    let s = 0;
    for (let p = f; p < f + n; p++) s += map[p];
    for (let p = f; p < f + n; p++) out[p] = map[p] / (s / n);
  }
  return out;
}

// a sky with structure at l ≤ 4 of relative size ~0.1 (large, so that any bias would show)
const STRUCTURED = sky((x, y, z) => 1 + 0.08 * x - 0.05 * y + 0.06 * z + 0.04 * x * y + 0.03 * (3 * z * z - 1) + 0.05 * x * z + 0.02 * y * z * z + 0.03 * x * x * x);
// only a_l0 (functions of z = sin δ), l = 1 .. 4
const AXIAL = sky((_x, _y, z) => 1 + 0.1 * z + 0.05 * (3 * z * z - 1) - 0.04 * z * z * z + 0.02 * z ** 4);

describe('relative intensity by direct integration and maximum likelihood (review Sec. 2.1; Ahlers et al. 2016)', () => {
  for (const name of Object.keys(OBSERVATORY_PRESETS)) {
    const obs = OBSERVATORY_PRESETS[name].observatory;
    const cube = siderealCube(obs, NSIDE, 4 * NSIDE);

    it(`${name}: a sky with only a_l0 terms is reconstructed as exactly isotropic by both methods (1e-13)`, () => {
      const mu = expectedCounts(cube, AXIAL, 1e8);
      for (const rec of [directIntegration(cube, mu), maximumLikelihood(cube, mu, { iterations: 10 })]) {
        for (let p = 0; p < NPIX; p++) if (cube.fovMask[p]) expect(Math.abs(rec.intensity[p] - 1)).toBeLessThan(1e-13);
      }
    });

    it(`${name}: noise-free maximum likelihood converges to the sky divided by its ring means (1e-9), every ring mean 1`, () => {
      const mu = expectedCounts(cube, STRUCTURED, 1e8);
      const ml = maximumLikelihood(cube, mu, { iterations: 400, relativeTolerance: 1e-12 });
      expect(maxAbsDiff(ml.intensity, bandNormalized(cube, STRUCTURED))).toBeLessThan(1e-9);
      const info = ringInfo(NSIDE);
      for (const r of cube.fovRings) {
        let s = 0;
        for (let p = info.firstPix[r]; p < info.firstPix[r] + info.nPix[r]; p++) s += ml.intensity[p];
        expect(s / info.nPix[r]).toBeCloseTo(1, 13);
      }
    });
  }

  it('at the South Pole direct integration is already exact (IceCube, IceTop: 1e-13), no iteration needed', () => {
    for (const name of ['icecube', 'icetop']) {
      const cube = siderealCube(OBSERVATORY_PRESETS[name].observatory, NSIDE, 4 * NSIDE);
      const di = directIntegration(cube, expectedCounts(cube, STRUCTURED, 1e8));
      expect(maxAbsDiff(di.intensity, bandNormalized(cube, STRUCTURED))).toBeLessThan(1e-13);
    }
  });

  it('at mid latitudes direct integration over 24 h suppresses the equatorial dipole (HAWC: to < 1/2), maximum likelihood restores it (1e-6)', () => {
    const cube = siderealCube(OBSERVATORY_PRESETS.hawc.observatory, NSIDE, 4 * NSIDE);
    const dipole = sky((x, y) => 1 + 1e-3 * x + 5e-4 * y);
    const mu = expectedCounts(cube, dipole, 1e8);
    const di = kPrimeDipole(directIntegration(cube, mu).intensity, cube.fovMask);
    const ml = kPrimeDipole(maximumLikelihood(cube, mu, { iterations: 300 }).intensity, cube.fovMask);
    const a1 = Math.hypot(1e-3, 5e-4);
    expect(di.a1 / a1).toBeLessThan(0.5);
    expect(Math.abs(ml.a1 / a1 - 1)).toBeLessThan(1e-6);
  });

  it('with Poisson counts every update raises the likelihood (never down by more than 1e-12 relative)', () => {
    const cube = siderealCube(OBSERVATORY_PRESETS.tibet.observatory, NSIDE, 4 * NSIDE);
    const n = poissonCounts(expectedCounts(cube, STRUCTURED, 1e6), seedrandom('likelihood'));
    const ml = maximumLikelihood(cube, n, { iterations: 30, trackLikelihood: true });
    const l = ml.logLikelihood;
    expect(l.length).toBe(31);
    for (let i = 1; i < l.length; i++) expect(l[i] - l[i - 1]).toBeGreaterThan(-1e-12 * Math.abs(l[i]));
    expect(l[l.length - 1] - l[0]).toBeGreaterThan(0);
  });
});
