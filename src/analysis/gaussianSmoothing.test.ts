import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { maxAbs, maxAbsDiff, randomAlm } from '../../test/helpers/sky.ts';
import { dipoleFromMap } from './dipole.ts';
import { gaussBeam, smoothing } from './gaussianSmoothing.ts';
import { alm2map } from './harmonics.ts';
import { nside2npix, pixelCentres, reorder, UNSEEN } from './healpix.ts';

const NSIDE = 32;
// power at every l up to 3·N_side−1, falling slowly, plus a hot spot: not band-limited below lmax
const MAP = (() => {
  const m = alm2map(randomAlm(3 * NSIDE - 1, (l) => 1 / (l + 1), 5), NSIDE);
  const c = pixelCentres(NSIDE);
  for (let p = 0; p < m.length; p++) if (c[3 * p] > 0.97) m[p] += 2;
  return m;
})();
const MASKED = (() => {
  const m = Float64Array.from(MAP);
  for (let p = 0; p < m.length; p += 7) m[p] = UNSEEN;
  return m;
})();

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
m = load('MAP')
save('beam', hp.gauss_beam(np.radians(7.5), lmax=200))
save('s5', hp.smoothing(m, fwhm=np.radians(5.0), iter=3))
save('s20_l40', hp.smoothing(m, fwhm=np.radians(20.0), iter=1, lmax=40))
save('s5_masked', hp.smoothing(load('MASKED'), fwhm=np.radians(5.0), iter=3))
`,
    { MAP, MASKED },
  );
});

describe('Gaussian beam smoothing against healpy', () => {
  it('gaussBeam(fwhm) equals healpy.gauss_beam(radians(fwhm)) to 1e-15 (b_l = exp(−l(l+1)σ²/2), σ = FWHM/sqrt(8 ln 2))', () => {
    expect(maxAbsDiff(gaussBeam(7.5, 200), f64(hp, 'beam'))).toBeLessThan(1e-15);
  });

  it('smoothing(map, 5°) equals healpy.smoothing(fwhm = 5°, iter 3) to 1e-11 of max |map|', () => {
    // same quadrature, iterations and beam: only rounding differs (alm agree to ~1e-13 of the
    // largest, harmonics.test.ts); 1e-11 leaves room for the synthesis' sum over 3072 modes
    const ref = f64(hp, 's5');
    expect(maxAbsDiff(smoothing(MAP, { fwhmDeg: 5 }), ref) / maxAbs(ref)).toBeLessThan(1e-11);
  });

  it('lmax and iterations reach the transform as in healpy (20°, lmax 40, iter 1; 1e-11)', () => {
    const ref = f64(hp, 's20_l40');
    expect(maxAbsDiff(smoothing(MAP, { fwhmDeg: 20, lmax: 40, iterations: 1 }), ref) / maxAbs(ref)).toBeLessThan(1e-11);
  });

  it('UNSEEN pixels count as 0 in the transform and come out UNSEEN, as in healpy (1e-11)', () => {
    const ours = smoothing(MASKED, { fwhmDeg: 5 });
    const ref = f64(hp, 's5_masked');
    for (let p = 0; p < ours.length; p++) expect(ours[p] === UNSEEN).toBe(ref[p] === UNSEEN);
    const seen = (a: Float64Array) => a.filter((v) => v !== UNSEEN);
    expect(maxAbsDiff(seen(ours), seen(ref)) / maxAbs(seen(ref))).toBeLessThan(1e-11);
  });

  it('NESTED input gives the RING result reordered (bit for bit)', () => {
    const ring = smoothing(MAP, { fwhmDeg: 10 });
    expect(smoothing(reorder(MAP, 'r2n'), { fwhmDeg: 10, nest: true })).toEqual(reorder(ring, 'r2n'));
  });

  it('a 30° beam scales a dipole by b_1 = exp(−σ²) (1e-10 relative): the physics, not just healpy', () => {
    // 1 + δ·n is band-limited at l = 1; at lmax 4 map2alm with iterations is exact to rounding
    // (at the default lmax 3·N_side−1 the quadrature leaves ~1e-8 of the monopole in l = 1);
    // the monopole, 300× the dipole, brings rounding of ~1e-15 absolute: 1e-10 relative is ample
    const c = pixelCentres(16);
    const d = [2e-3, -1e-3, 3e-3];
    const map = Float64Array.from({ length: nside2npix(16) }, (_, p) => 1 + d[0] * c[3 * p] + d[1] * c[3 * p + 1] + d[2] * c[3 * p + 2]);
    const fit = dipoleFromMap(smoothing(map, { fwhmDeg: 30, lmax: 4 }));
    const sigma = (30 * Math.PI) / 180 / Math.sqrt(8 * Math.LN2);
    expect(Math.abs(fit.amplitude / Math.hypot(d[0], d[1], d[2]) / Math.exp(-sigma * sigma) - 1)).toBeLessThan(1e-10);
    expect(Math.abs(fit.monopole - 1)).toBeLessThan(1e-10); // b_0 = 1; measured 9e-12 (quadrature after 3 iterations)
  });
});
