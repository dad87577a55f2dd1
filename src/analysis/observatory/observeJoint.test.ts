/** observeJoint: everything downstream of the joint reconstruction on the union field of view. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { pixelCentres } from '../healpix.ts';
import { declinationAverageFactorBands } from './raProjection.ts';
import { mergedBands, observeJoint, observeMap } from './observe.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

const NSIDE = 8;
const C = pixelCentres(NSIDE);
const sky = (f: (x: number, y: number, z: number) => number) => Float64Array.from({ length: 12 * NSIDE * NSIDE }, (_, p) => f(C[3 * p], C[3 * p + 1], C[3 * p + 2]));
const A1 = 1e-4, ALPHA1 = 2.5;
const DIPOLE = sky((x, y) => 1 + A1 * (Math.cos(ALPHA1) * x + Math.sin(ALPHA1) * y));
const AXIAL = sky((_x, _y, z) => 1 + 0.02 * z + 0.01 * (3 * z * z - 1) + 0.005 * (5 * z * z * z - 3 * z));
const hawc = OBSERVATORY_PRESETS.hawc.observatory, icecube = OBSERVATORY_PRESETS.icecube.observatory, tibet = OBSERVATORY_PRESETS.tibet.observatory;

describe('observeJoint (HAWC + IceCube, ApJ 871, 96)', () => {
  it('a pure equatorial dipole: K′ and the Eq. 25-rescaled RA projection on the union return it (1e-6), East–West per detector; the union band merges the nominal ones', () => {
    const o = observeJoint(DIPOLE, [{ observatory: hawc }, { observatory: icecube }], { iterations: 1000, relativeTolerance: 1e-12 });
    expect(o.name).toBe('hawc+icecube');
    expect(o.fieldOfView.bands).toEqual([{ decMinDeg: -90, decMaxDeg: 64 }]);
    expect(o.fieldOfView.fsky).toBeGreaterThan(0.9);
    expect(o.dipoles.eastWest).toBeNull();
    for (const d of [o.dipoles.kPrime.maximumLikelihood, o.dipoles.raProjection.maximumLikelihood]) {
      expect(Math.abs(d.a1 / A1 - 1)).toBeLessThan(1e-6);
      expect(Math.abs(d.alpha1Deg - (ALPHA1 * 180) / Math.PI)).toBeLessThan(1e-4);
    }
    expect(o.detectors.map((d) => d.observatory.name)).toEqual(['hawc', 'icecube']);
    for (const d of o.detectors) expect(Math.abs(d.eastWest.a1 / A1 - 1)).toBeLessThan(2e-2);
    expect(o.dipoles.raProjection.maximumLikelihood.factor / declinationAverageFactorBands(o.fieldOfView.bands)).toBeCloseTo(1, 1);
    expect(mergedBands([icecube, tibet])).toEqual([{ decMinDeg: -90, decMaxDeg: -25 }, { decMinDeg: -15, decMaxDeg: 75 }]);
  });

  it('a sky with only a_l0 terms is observed jointly as isotropic: pseudo-C_l < 1e-28, every dipole < 1e-14', () => {
    const o = observeJoint(AXIAL, [{ observatory: hawc }, { observatory: icecube }], { iterations: 5 });
    for (let l = 0; l <= o.spectrum.lmax; l++) expect(o.spectrum.pseudoCl[l]).toBeLessThan(1e-28);
    const d = o.dipoles;
    for (const a of [d.raProjection.directIntegration.a1, d.raProjection.maximumLikelihood.a1, d.kPrime.directIntegration.a1, d.kPrime.maximumLikelihood.a1]) expect(a).toBeLessThan(1e-14);
  });

  it('each member draws its own events from its own stream: the joint counts are the members\' counts alone', () => {
    const rnd = (s: string) => seedrandom(s);
    const o = observeJoint(DIPOLE, [{ observatory: hawc, events: 1e6, random: rnd('h') }, { observatory: icecube, events: 3e6, random: rnd('i') }], { iterations: 5 });
    const h = observeMap(DIPOLE, hawc, { events: 1e6, random: rnd('h'), iterations: 1 }), i = observeMap(DIPOLE, icecube, { events: 3e6, random: rnd('i'), iterations: 1 });
    expect(o.detectors.map((d) => d.totalEvents)).toEqual([h.totalEvents, i.totalEvents]);
    expect(Array.from(o.counts)).toEqual(Array.from(h.counts, (v, p) => v + i.counts[p]));
    expect(o.poisson).toBe(true);
    expect(() => observeJoint(DIPOLE, [{ observatory: hawc, events: 1e6, random: rnd('h') }, { observatory: icecube }])).toThrow(/every member or for none/);
    expect(() => observeJoint(DIPOLE, [{ observatory: hawc }])).toThrow(/at least two/);
  });
});
