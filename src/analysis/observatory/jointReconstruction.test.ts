/**
 * The joint maximum-likelihood reconstruction over several detectors (reconstruction.ts): one
 * detector is bitwise the single-detector algorithm (a frozen copy of it, test/helpers), a pure
 * dipole observed by HAWC + IceCube comes back on the union field of view, a_l0 stays invisible,
 * every update raises the joint likelihood, and where two fields of view overlap both data sets
 * enter the intensity (its noise is that of the summed counts).
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as reconstructionV1 from '../../../test/helpers/reconstructionV1.ts';
import { maxAbsDiff } from '../../../test/helpers/sky.ts';
import { pixelCentres, ringInfo } from '../healpix.ts';
import { expectedCounts, poissonCounts } from './events.ts';
import { siderealCube, type SiderealCube } from './exposure.ts';
import { kPrimeDipole } from './kPrimeDipole.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';
import { raProjectionDipole } from './raProjection.ts';
import { directIntegration, jointDirectIntegration, jointMaximumLikelihood, maximumLikelihood, unionFieldOfView, type DetectorCounts } from './reconstruction.ts';

const NSIDE = 8;
const NT = 4 * NSIDE;
const C = pixelCentres(NSIDE);
const NPIX = 12 * NSIDE * NSIDE;
const cube = (name: string): SiderealCube => siderealCube(OBSERVATORY_PRESETS[name].observatory, NSIDE, NT);

function sky(f: (x: number, y: number, z: number) => number): Float64Array {
  return Float64Array.from({ length: NPIX }, (_, p) => f(C[3 * p], C[3 * p + 1], C[3 * p + 2]));
}

/** The exact projection of a sky onto what the methods can see: divided by its mean on every ring of `rings`, 0 elsewhere. */
function bandNormalized(rings: Int32Array, map: Float64Array): Float64Array {
  const info = ringInfo(NSIDE);
  const out = new Float64Array(map.length);
  for (const r of rings) {
    const f = info.firstPix[r], n = info.nPix[r];
    let s = 0;
    for (let p = f; p < f + n; p++) s += map[p];
    for (let p = f; p < f + n; p++) out[p] = map[p] / (s / n);
  }
  return out;
}

const STRUCTURED = sky((x, y, z) => 1 + 0.08 * x - 0.05 * y + 0.06 * z + 0.04 * x * y + 0.03 * (3 * z * z - 1) + 0.05 * x * z + 0.02 * y * z * z);
const AXIAL = sky((_x, _y, z) => 1 + 0.1 * z + 0.05 * (3 * z * z - 1) - 0.04 * z * z * z + 0.02 * z ** 4);
const DX = 1e-3, DY = -6e-4, DZ = 5e-4;
const DIPOLE = sky((x, y, z) => 1 + DX * x + DY * y + DZ * z);

describe('joint reconstruction: one detector is the single-detector algorithm, bitwise', () => {
  for (const name of ['hawc', 'icecube', 'tibet']) {
    it(`${name}: direct integration and 25 maximum-likelihood updates (Poisson counts) equal the frozen single-detector code bit for bit`, () => {
      const cb = cube(name);
      const n = poissonCounts(expectedCounts(cb, STRUCTURED, 1e6), seedrandom(`bitwise-${name}`));
      const pairs = [
        [directIntegration(cb, n), reconstructionV1.directIntegration(cb, n)],
        [maximumLikelihood(cb, n, { iterations: 25, trackLikelihood: true }), reconstructionV1.maximumLikelihood(cb, n, { iterations: 25, trackLikelihood: true })],
        [maximumLikelihood(cb, n, { iterations: 300, relativeTolerance: 1e-6 }), reconstructionV1.maximumLikelihood(cb, n, { iterations: 300, relativeTolerance: 1e-6 })],
      ] as const;
      for (const [now, before] of pairs) {
        expect(now.iterations).toBe(before.iterations);
        expect(Array.from(now.intensity)).toEqual(Array.from(before.intensity));
        expect(Array.from(now.acceptance)).toEqual(Array.from(before.acceptance));
        expect(Array.from(now.rate)).toEqual(Array.from(before.rate));
        expect(now.changes).toEqual(before.changes);
        expect(now.logLikelihood).toEqual(before.logLikelihood);
      }
      const j = jointMaximumLikelihood([{ cube: cb, counts: n }], { iterations: 25 });
      expect(Array.from(j.intensity)).toEqual(Array.from(reconstructionV1.maximumLikelihood(cb, n, { iterations: 25 }).intensity));
    });
  }
});

describe('joint reconstruction of HAWC + IceCube (ApJ 871, 96): the union field of view', () => {
  const hawc = cube('hawc'), icecube = cube('icecube');
  const union = unionFieldOfView([hawc, icecube]);

  it('the union field of view is every ring of either (nearly the whole sky)', () => {
    let n = 0, nh = 0, ni = 0;
    for (let p = 0; p < NPIX; p++) {
      expect(union.fovMask[p]).toBe(hawc.fovMask[p] | icecube.fovMask[p]);
      n += union.fovMask[p];
      nh += hawc.fovMask[p];
      ni += icecube.fovMask[p];
    }
    expect(n).toBeGreaterThan(Math.max(nh, ni));
    expect(n / NPIX).toBeGreaterThan(0.9);
  });

  it('a pure dipole (no noise, converged) comes back as its exact projection on the union field of view (1e-9); K′ and Eq. 24–25 give its equatorial amplitude and phase', () => {
    const data: DetectorCounts[] = [hawc, icecube].map((cb) => ({ cube: cb, counts: expectedCounts(cb, DIPOLE, 1e10) }));
    const ml = jointMaximumLikelihood(data, { iterations: 2000, relativeTolerance: 1e-12 });
    const exact = bandNormalized(union.fovRings, DIPOLE);
    expect(maxAbsDiff(ml.intensity, exact)).toBeLessThan(1e-9);
    // the union's dipole by K′ and by the rescaled RA projection equals that of the exact projection (1e-6 relative) ...
    const a1 = Math.hypot(DX, DY), alpha = (Math.atan2(DY, DX) * 180) / Math.PI;
    for (const [got, want] of [
      [kPrimeDipole(ml.intensity, union.fovMask), kPrimeDipole(exact, union.fovMask)],
      [raProjectionDipole(ml.intensity, union.fovMask), raProjectionDipole(exact, union.fovMask)],
    ] as const) {
      expect(Math.abs(got.a1 / want.a1 - 1)).toBeLessThan(1e-6);
      // ... and the input's equatorial dipole: dividing ring δ by its mean 1 + D_z sin δ scales its m = ±1 part by
      // 1/(1 + D_z sin δ), so the amplitude is off by at most |D_z| (first order) and the phase is exact
      expect(Math.abs(got.a1 / a1 - 1)).toBeLessThan(Math.abs(DZ));
      expect(Math.abs(((got.alpha1Deg - alpha + 540) % 360) - 180)).toBeLessThan(1e-4);
    }
  });

  it(`at N_side ${NSIDE} the two fields of view share no ring, so the joint likelihood factorizes: the joint map is each detector's own on its rings, bit for bit`, () => {
    const common = [...hawc.fovRings].filter((r) => icecube.fovRings.includes(r));
    expect(common).toEqual([]);
    const counts = [hawc, icecube].map((cb, d) => poissonCounts(expectedCounts(cb, STRUCTURED, 1e6), seedrandom(`factorize-${d}`)));
    const joint = jointMaximumLikelihood([hawc, icecube].map((cb, d) => ({ cube: cb, counts: counts[d] })), { iterations: 40 });
    [hawc, icecube].forEach((cb, d) => {
      const alone = maximumLikelihood(cb, counts[d], { iterations: 40 });
      for (let p = 0; p < NPIX; p++) if (cb.fovMask[p]) expect(joint.intensity[p]).toBe(alone.intensity[p]);
      expect(Array.from(joint.rate[d])).toEqual(Array.from(alone.rate));
    });
  });

  it('a sky with only a_l0 terms is reconstructed jointly as exactly isotropic by direct integration and maximum likelihood (1e-13)', () => {
    const data = [hawc, icecube].map((cb) => ({ cube: cb, counts: expectedCounts(cb, AXIAL, 1e8) }));
    for (const rec of [jointDirectIntegration(data), jointMaximumLikelihood(data, { iterations: 10 })]) {
      let m = 0;
      for (let p = 0; p < NPIX; p++) if (union.fovMask[p]) m = Math.max(m, Math.abs(rec.intensity[p] - 1));
      expect(m).toBeLessThan(1e-13);
    }
  });
});

describe('joint reconstruction with overlapping fields of view (HAWC + Tibet)', () => {
  const hawc = cube('hawc'), tibet = cube('tibet');

  it('with Poisson counts every joint update raises the joint likelihood (never down by more than 1e-12 relative)', () => {
    const data = [
      { cube: hawc, counts: poissonCounts(expectedCounts(hawc, STRUCTURED, 1e6), seedrandom('joint-l-1')) },
      { cube: tibet, counts: poissonCounts(expectedCounts(tibet, STRUCTURED, 3e5), seedrandom('joint-l-2')) },
    ];
    const ml = jointMaximumLikelihood(data, { iterations: 30, trackLikelihood: true });
    const l = ml.logLikelihood;
    expect(l.length).toBe(31);
    for (let i = 1; i < l.length; i++) expect(l[i] - l[i - 1]).toBeGreaterThan(-1e-12 * Math.abs(l[i]));
    expect(l[l.length - 1] - l[0]).toBeGreaterThan(0);
  });

  it('both data sets enter the intensity: a count added to one cell of either detector moves I of that pixel', () => {
    const data = [hawc, tibet].map((cb) => ({ cube: cb, counts: expectedCounts(cb, STRUCTURED, 1e6) }));
    const base = jointDirectIntegration(data).intensity;
    for (const d of [0, 1]) {
      const cb = data[d].cube;
      // a cell whose pixel both detectors see
      let c = 0;
      while (!(hawc.fovMask[cb.cellPixel[c]] && tibet.fovMask[cb.cellPixel[c]])) c++;
      const counts = Float64Array.from(data[d].counts);
      counts[c] += 50;
      const moved = jointDirectIntegration(data.map((x, k) => (k === d ? { cube: cb, counts } : x))).intensity;
      expect(Math.abs(moved[cb.cellPixel[c]] - base[cb.cellPixel[c]])).toBeGreaterThan(1e-6);
    }
  });

  it('on the overlap the joint noise is that of both detectors\' counts: <(I − 1)² n_p> ≈ 1 with n_p = n^HAWC_p + n^Tibet_p, below either alone', () => {
    const flat = sky(() => 1);
    const seeds = 8;
    const chiJoint: number[] = [], ratio: number[] = [];
    for (let s = 0; s < seeds; s++) {
      const data = [hawc, tibet].map((cb, d) => ({ cube: cb, counts: poissonCounts(expectedCounts(cb, flat, 2e6), seedrandom(`overlap-${s}-${d}`)) }));
      const perPixel = data.map(({ cube: cb, counts }) => {
        const out = new Float64Array(NPIX);
        for (let c = 0; c < counts.length; c++) out[cb.cellPixel[c]] += counts[c];
        return out;
      });
      const joint = jointMaximumLikelihood(data, { iterations: 100, relativeTolerance: 1e-6 }).intensity;
      const alone = data.map(({ cube: cb, counts }) => maximumLikelihood(cb, counts, { iterations: 100, relativeTolerance: 1e-6 }).intensity);
      let chi = 0, vj = 0, va = 0, n = 0;
      for (let p = 0; p < NPIX; p++) {
        if (!(hawc.fovMask[p] && tibet.fovMask[p])) continue;
        const dj = joint[p] - 1;
        chi += dj * dj * (perPixel[0][p] + perPixel[1][p]);
        vj += dj * dj;
        va += Math.min((alone[0][p] - 1) ** 2, Infinity) + (alone[1][p] - 1) ** 2;
        n++;
      }
      chiJoint.push(chi / n);
      ratio.push(vj / (va / 2));
    }
    const meanSe = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
      return { m, se: Math.sqrt(v / x.length) };
    };
    const chi = meanSe(chiJoint), r = meanSe(ratio);
    console.log(`overlap: <(I-1)^2 n_p> joint ${chi.m.toFixed(4)} ± ${chi.se.toFixed(4)}; joint variance / mean single variance ${r.m.toFixed(4)} ± ${r.se.toFixed(4)}`);
    // the ring normalization takes one degree of freedom of each ring (≤ 1/n_ring ≈ 3 %) and the rates absorb a little
    expect(Math.abs(chi.m - 1)).toBeLessThan(0.1 + 4 * chi.se);
    // equal events per detector: half the variance of either (if one data set were left out: 1, and chi ≈ 2)
    expect(Math.abs(r.m - 0.5)).toBeLessThan(0.1 + 4 * r.se);
  });
});
