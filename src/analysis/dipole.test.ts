import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { dipoleDirection, dipoleFromAlm, dipoleFromMap, dipoleSummary, dipoleToAlm1, equatorialDipole } from './dipole.ts';
import { alm2map, almIndex, almSize, map2alm } from './harmonics.ts';
import { nside2npix, pixelCentres, UNSEEN } from './healpix.ts';

const DELTA: [number, number, number] = [3e-3, -2e-3, 1.5e-3];

/** I(n) = i0 + δ·n + extra(n) at the pixel centres. */
function dipoleMap(nside: number, d: readonly number[], i0 = 1, extra?: (x: number, y: number, z: number) => number): Float64Array {
  const c = pixelCentres(nside);
  return Float64Array.from({ length: nside2npix(nside) }, (_, p) => {
    const x = c[3 * p], y = c[3 * p + 1], z = c[3 * p + 2];
    return i0 + d[0] * x + d[1] * y + d[2] * z + (extra ? extra(x, y, z) : 0);
  });
}

const STRUCT = dipoleMap(32, DELTA, 1, (x, y, z) => 4e-4 * (3 * z * z - 1) + 2e-4 * x * y * z + (z > 0.95 ? 1e-3 : 0));
const VECS = new Float64Array([0.3, -0.7, 0.2, -1, 0, 0, 0.1, 0.1, -0.9, 0, 0, 1]);

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
mono, dip = hp.fit_dipole(load('STRUCT'))
save('fit', np.concatenate([[mono], dip]))
V = load('VECS').reshape(-1, 3)
lon, lat = hp.rotator.vec2dir(V.T, lonlat=True)
save('eq', np.stack([lon % 360, lat], axis=1))
g = hp.Rotator(coord=['C', 'G'])(V.T)
lon, lat = hp.rotator.vec2dir(g, lonlat=True)
save('gal', np.stack([lon % 360, lat], axis=1))
`,
    { STRUCT, VECS },
  );
});

describe('dipole normalization (review Eq. 14, 17, 18; docs/physics.md Sec. 5)', () => {
  it('a map 1 + δ·n gives back δ exactly by least squares (1e-15 absolute, |δ| = 4e-3; N_side 8, 32, any mask)', () => {
    // exact up to rounding; with the refinement step of removeMultipoles measured ≤ 2e-17
    // (without it, the sums of 12288 O(1) values left 4e-14)
    for (const ns of [8, 32]) {
      const map = dipoleMap(ns, DELTA);
      const c = pixelCentres(ns);
      const northOnly = Float64Array.from({ length: map.length }, (_, p) => (c[3 * p + 2] > 0.2 ? 1 : 0));
      for (const mask of [undefined, northOnly]) {
        const fit = dipoleFromMap(map, { mask });
        for (let k = 0; k < 3; k++) expect(Math.abs(fit.vector[k] - DELTA[k])).toBeLessThan(1e-15);
        expect(Math.abs(fit.monopole - 1)).toBeLessThan(1e-15);
      }
    }
  });

  it('δ = sqrt(3/4π)(−√2 Re a11, √2 Im a11, a10) recovers δ from map2alm of 1 + δ·n (lmax 1, iter 3: 1e-12 relative)', () => {
    // the Jacobi iterations make the quadrature exact for a map of l ≤ 1 (measured 1e-15)
    const map = dipoleMap(16, DELTA);
    const d = dipoleFromAlm(map2alm(map, { lmax: 1, iterations: 3 }));
    for (let k = 0; k < 3; k++) expect(Math.abs(d[k] - DELTA[k]) / 4e-3).toBeLessThan(1e-12);
  });

  it('Eq. 18 decided: sqrt(3/2π) is right for δ_0h, δ_6h (from a_11) but δ_N = sqrt(3/4π)·a10, not sqrt(3/2π)·a10', () => {
    const map = dipoleMap(16, [0, 0, 1e-3]);
    const alm = map2alm(map, { lmax: 1, iterations: 3 });
    const a10 = alm[2 * almIndex(1, 0, 1)];
    expect(Math.abs(Math.sqrt(3 / (4 * Math.PI)) * a10 - 1e-3)).toBeLessThan(1e-15);
    expect(Math.sqrt(3 / (2 * Math.PI)) * a10 / 1e-3).toBeCloseTo(Math.SQRT2, 12);
    const mx = map2alm(dipoleMap(16, [1e-3, 0, 0]), { lmax: 1, iterations: 3 });
    const my = map2alm(dipoleMap(16, [0, 1e-3, 0]), { lmax: 1, iterations: 3 });
    expect(-Math.sqrt(3 / (2 * Math.PI)) * mx[2 * almIndex(1, 1, 1)]).toBeCloseTo(1e-3, 15);
    expect(Math.sqrt(3 / (2 * Math.PI)) * my[2 * almIndex(1, 1, 1) + 1]).toBeCloseTo(1e-3, 15);
  });

  it('dipoleToAlm1 inverts dipoleFromAlm, and alm2map of those a_1m is the map δ·n (1e-15)', () => {
    const { a10, a11Re, a11Im } = dipoleToAlm1(DELTA);
    const alm = new Float64Array(2 * almSize(1));
    alm[2 * almIndex(1, 0, 1)] = a10;
    alm[2 * almIndex(1, 1, 1)] = a11Re;
    alm[2 * almIndex(1, 1, 1) + 1] = a11Im;
    const back = dipoleFromAlm(alm);
    for (let k = 0; k < 3; k++) expect(back[k]).toBeCloseTo(DELTA[k], 16);
    const map = alm2map(alm, 8);
    const ref = dipoleMap(8, DELTA, 0);
    for (let p = 0; p < map.length; p++) expect(Math.abs(map[p] - ref[p])).toBeLessThan(1e-15);
  });
});

describe('dipoleFromMap against healpy', () => {
  it('monopole and dipole vector equal healpy.fit_dipole on a structured map (1e-12; rounding of differently ordered sums)', () => {
    const [mono, dx, dy, dz] = f64(hp, 'fit');
    const fit = dipoleFromMap(STRUCT);
    expect(Math.abs(fit.monopole - mono)).toBeLessThan(1e-12);
    expect(Math.abs(fit.vector[0] - dx)).toBeLessThan(1e-12);
    expect(Math.abs(fit.vector[1] - dy)).toBeLessThan(1e-12);
    expect(Math.abs(fit.vector[2] - dz)).toBeLessThan(1e-12);
  });

  it('UNSEEN pixels are left out of the fit (1 + δ·n with every 4th pixel UNSEEN still gives δ to 1e-15)', () => {
    const map = dipoleMap(16, DELTA);
    for (let p = 0; p < map.length; p += 4) map[p] = UNSEEN;
    const fit = dipoleFromMap(map);
    for (let k = 0; k < 3; k++) expect(Math.abs(fit.vector[k] - DELTA[k])).toBeLessThan(1e-15);
  });

  it('relative: true divides δ by the monopole (map 2·(1 + δ·n) gives δ, 1e-14)', () => {
    const map = dipoleMap(16, DELTA.map((x) => 2 * x), 2);
    const fit = dipoleFromMap(map, { relative: true });
    expect(Math.abs(fit.monopole - 2)).toBeLessThan(1e-13);
    for (let k = 0; k < 3; k++) expect(Math.abs(fit.vector[k] - DELTA[k])).toBeLessThan(1e-14);
  });
});

describe('dipole direction', () => {
  it('(α, δ) and galactic (l, b) equal healpy\'s vec2dir / Rotator(C→G) to 1e-9 degrees', () => {
    const eq = f64(hp, 'eq');
    const gal = f64(hp, 'gal');
    for (let i = 0; i < VECS.length / 3; i++) {
      const v: [number, number, number] = [VECS[3 * i], VECS[3 * i + 1], VECS[3 * i + 2]];
      const e = dipoleDirection(v);
      const g = dipoleDirection(v, 'galactic');
      expect(e.amplitude).toBeCloseTo(Math.hypot(...v), 15);
      expect(Math.abs(e.latDeg - eq[2 * i + 1])).toBeLessThan(1e-9);
      expect(Math.abs(g.latDeg - gal[2 * i + 1])).toBeLessThan(1e-9);
      if (Math.abs(e.latDeg) < 89.999) expect(Math.abs(((e.lonDeg - eq[2 * i] + 540) % 360) - 180)).toBeLessThan(1e-9);
      if (Math.abs(g.latDeg) < 89.999) expect(Math.abs(((g.lonDeg - gal[2 * i] + 540) % 360) - 180)).toBeLessThan(1e-9);
    }
  });

  it('equatorialDipole gives the (δ_0h, δ_6h) amplitude and phase of Eq. 19: δ = (1, 1, 5)·1e-3 → A1 = √2e-3, α1 = 45°', () => {
    const { a1, alpha1Deg } = equatorialDipole([1e-3, 1e-3, 5e-3]);
    expect(a1).toBeCloseTo(Math.SQRT2 * 1e-3, 15);
    expect(alpha1Deg).toBeCloseTo(45, 12);
    // just below the negative x axis: α1 = 180° + 1e-6 rad, in [0, 360)
    expect(equatorialDipole([-1e-3, -1e-9, 0]).alpha1Deg).toBeCloseTo(180 + (1e-6 * 180) / Math.PI, 9);
  });

  it('dipoleSummary quotes one vector as (α, δ), galactic (l, b) equal to healpy\'s Rotator, and a ground array\'s (A1, α1)', () => {
    const gal = f64(hp, 'gal');
    const v: [number, number, number] = [VECS[0], VECS[1], VECS[2]];
    const s = dipoleSummary(v);
    expect(s.amplitude).toBeCloseTo(Math.hypot(...v), 15);
    expect(Math.abs(s.galactic.lDeg - gal[0])).toBeLessThan(1e-9);
    expect(Math.abs(s.galactic.bDeg - gal[1])).toBeLessThan(1e-9);
    expect(s.equatorial).toEqual({ raDeg: dipoleDirection(v).lonDeg, decDeg: dipoleDirection(v).latDeg });
    // A1 is the equatorial-plane projection, α1 its right ascension
    expect(s.groundArray.a1).toBeCloseTo(Math.hypot(v[0], v[1]), 15);
    expect(s.groundArray.alpha1Deg).toBeCloseTo(s.equatorial.raDeg, 12);
  });
});
