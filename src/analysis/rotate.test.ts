import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { maxAbs, maxAbsDiff, randomAlm } from '../../test/helpers/sky.ts';
import { applyMat3, EQUATORIAL_TO_GALACTIC, type Mat3 } from '../config/frames.ts';
import { dipoleFromMap } from './dipole.ts';
import { alm2map } from './harmonics.ts';
import { nside2npix, pixelCentres, reorder } from './healpix.ts';
import { eulerZYZ, rotateAlm, rotateMap, WignerD } from './rotate.ts';

const LMAX = 40;
const ALM = randomAlm(LMAX, (l) => 1 / (l + 1), 21);
const NSIDE = 32;
// band-limited at l = N_side, where map2alm with 10 iterations is exact to ~1e-13 (harmonics.test.ts)
const MAP = alm2map(randomAlm(NSIDE, (l) => 1 / (l + 1) ** 2, 22), NSIDE);

function rz(a: number): Mat3 {
  return [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
}
function ry(b: number): Mat3 {
  return [Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)];
}
function mul(a: Mat3, b: Mat3): Mat3 {
  const o = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) o[3 * i + j] += a[3 * i + k] * b[3 * k + j];
  return o as unknown as Mat3;
}
const SOME_ROTATION = mul(rz(0.7), mul(ry(1.1), rz(-2.3)));

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
a = load('ALM').view(np.complex128)
M = load('M').reshape(3, 3)
b = a.copy(); hp.rotate_alm(b, matrix=M); save('rot_gal', b)
S = load('S').reshape(3, 3)
c = a.copy(); hp.rotate_alm(c, matrix=S); save('rot_some', c)
r = hp.Rotator(coord=['C', 'G'])
save('mat', r.mat)
save('map_gal', r.rotate_map_alms(load('MAP'), use_pixel_weights=False))
`,
    { ALM, M: Float64Array.from(EQUATORIAL_TO_GALACTIC), S: Float64Array.from(SOME_ROTATION), MAP },
  );
});

describe('Wigner d matrices', () => {
  it('d^1(β) is the closed form (cos β, ∓sin β/√2, (1 ± cos β)/2) to 1e-15', () => {
    const beta = 0.83;
    const w = new WignerD(2, beta);
    w.next();
    w.next();
    expect(w.next()).toBe(2);
    const c = Math.cos(beta);
    const s = Math.sin(beta);
    // at(a, b) = d^1_{1−a, 1−b}
    const expected = [
      [(1 + c) / 2, -s / Math.SQRT2, (1 - c) / 2],
      [s / Math.SQRT2, c, -s / Math.SQRT2],
      [(1 - c) / 2, s / Math.SQRT2, (1 + c) / 2],
    ];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(Math.abs(w.at(a, b) - expected[a][b])).toBeLessThan(1e-15);
  });

  it('d^j is orthogonal (Σ_b d_ab d_cb = δ_ac) to 1e-13 for j up to 150, at β near 0, π/2 and π', () => {
    for (const beta of [1e-3, Math.PI / 2, Math.PI - 1e-3]) {
      const w = new WignerD(300, beta);
      let twoJ = -1;
      while (twoJ < 300) {
        twoJ = w.next();
        if (![15, 81, 300].includes(twoJ)) continue;
        let worst = 0;
        for (let a = 0; a <= twoJ; a += 7) {
          for (let c = 0; c <= twoJ; c += 5) {
            let s = 0;
            for (let b = 0; b <= twoJ; b++) s += w.at(a, b) * w.at(c, b);
            worst = Math.max(worst, Math.abs(s - (a === c ? 1 : 0)));
          }
        }
        expect(worst, `2j = ${twoJ}, β = ${beta}`).toBeLessThan(1e-13);
      }
    }
  });
});

describe('rotateAlm / rotateMap against healpy', () => {
  it('the galactic frame matrix is healpy\'s Rotator(coord=[C, G]).mat to 1e-12', () => {
    expect(maxAbsDiff(Float64Array.from(EQUATORIAL_TO_GALACTIC), f64(hp, 'mat'))).toBeLessThan(1e-12);
  });

  it('rotateAlm(alm, R) equals healpy.rotate_alm(alm, matrix=R) to 1e-12 of max |a_lm| (lmax 40; C→G and a generic R)', () => {
    // both are exact formulas evaluated in double precision; the Wigner recursions differ in
    // their rounding only (~l·1e-16 per coefficient)
    expect(maxAbsDiff(rotateAlm(ALM, EQUATORIAL_TO_GALACTIC), f64(hp, 'rot_gal')) / maxAbs(ALM)).toBeLessThan(1e-12);
    expect(maxAbsDiff(rotateAlm(ALM, SOME_ROTATION), f64(hp, 'rot_some')) / maxAbs(ALM)).toBeLessThan(1e-12);
  });

  it('rotateMap(equatorial → galactic) equals Rotator([C, G]).rotate_map_alms(use_pixel_weights=False) to 1e-10 of max |map|', () => {
    const ref = f64(hp, 'map_gal');
    expect(maxAbsDiff(rotateMap(MAP, { from: 'equatorial', to: 'galactic' }), ref) / maxAbs(ref)).toBeLessThan(1e-10);
  });
});

describe('rotation physics', () => {
  it('a dipole towards equatorial v points to M·v after rotateMap to galactic (1e-13 absolute, |δ| = 3.7e-3)', () => {
    // lmax 4: there the quadrature with iterations is exact to rounding, so only the rotation is
    // tested; the monopole 1 carries rounding of ~1e-15 absolute into every coefficient
    const c = pixelCentres(16);
    const d: [number, number, number] = [3e-3, -2e-3, 1e-3];
    const map = Float64Array.from({ length: nside2npix(16) }, (_, p) => 1 + d[0] * c[3 * p] + d[1] * c[3 * p + 1] + d[2] * c[3 * p + 2]);
    const fit = dipoleFromMap(rotateMap(map, { from: 'equatorial', to: 'galactic', lmax: 4 }));
    const expected = applyMat3(EQUATORIAL_TO_GALACTIC, d);
    for (let k = 0; k < 3; k++) expect(Math.abs(fit.vector[k] - expected[k])).toBeLessThan(1e-13);
  });

  it('equatorial → galactic → equatorial returns a band-limited map to 1e-10, and the identity is exact-ish (1e-13)', () => {
    // rotations keep l, so lmax = N_side holds the rotated map too; 10 iterations make the
    // quadrature exact to ~1e-13 there (at lmax 3·N_side−1 the pixels cannot tell all l apart)
    const opts = { lmax: NSIDE, iterations: 10 };
    const there = rotateMap(MAP, { from: 'equatorial', to: 'galactic', ...opts });
    const back = rotateMap(there, { from: 'galactic', to: 'equatorial', ...opts });
    expect(maxAbsDiff(back, MAP) / maxAbs(MAP)).toBeLessThan(1e-10);
    expect(maxAbsDiff(rotateAlm(ALM, [1, 0, 0, 0, 1, 0, 0, 0, 1]), ALM)).toBeLessThan(1e-13 * maxAbs(ALM));
  });

  it('NESTED in and out gives the RING result reordered (bit for bit)', () => {
    const ring = rotateMap(MAP, { from: 'equatorial', to: 'galactic', lmax: 30 });
    expect(rotateMap(reorder(MAP, 'r2n'), { from: 'equatorial', to: 'galactic', lmax: 30, nest: true })).toEqual(reorder(ring, 'r2n'));
  });

  it('eulerZYZ reconstructs R = Rz(α)Ry(β)Rz(γ) (1e-15), including β = 0 and β = π', () => {
    for (const r of [SOME_ROTATION, EQUATORIAL_TO_GALACTIC, rz(1.3), mul(rz(0.4), mul(ry(Math.PI), rz(0.9)))]) {
      const { alpha, beta, gamma } = eulerZYZ(r);
      const back = mul(rz(alpha), mul(ry(beta), rz(gamma)));
      expect(maxAbsDiff(back, r)).toBeLessThan(1e-15 * 8);
    }
  });
});
