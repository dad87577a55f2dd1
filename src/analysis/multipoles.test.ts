import { beforeAll, describe, expect, it } from 'vitest';
import { parkMiller as rng } from '../../test/helpers/random.ts';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { alm2map, almIndex, almSize } from './harmonics.ts';
import { nside2npix, pixelCentres, reorder, UNSEEN } from './healpix.ts';
import { realBasisSize, realYlm, removeMultipoles } from './multipoles.ts';

/** 1 + dipole + l = 2..6 structure + white noise: every multipole present. */
function testMap(nside: number, seed: number): Float64Array {
  const r = rng(seed);
  const c = pixelCentres(nside);
  return Float64Array.from({ length: nside2npix(nside) }, (_, p) => {
    const x = c[3 * p], y = c[3 * p + 1], z = c[3 * p + 2];
    return 1 + 2e-3 * x - 1e-3 * y + 5e-4 * z + 3e-4 * x * z + 1e-4 * z ** 5 + 1e-4 * (r() - 0.5);
  });
}

function worstAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

const NS = 32;
const MAP = testMap(NS, 3);
const MAP_BAD = (() => {
  const m = Float64Array.from(MAP);
  for (let p = 0; p < m.length; p += 3) m[p] = UNSEEN;
  return m;
})();
const MAP_NEST = reorder(MAP, 'r2n');
const GAL_CUT = 20;

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
for name in ('MAP', 'MAP_BAD', 'MAP_NEST'):
    m = load(name)
    for cut in (0, ${GAL_CUT}):
        r, mono, dip = hp.remove_dipole(m, nest=(name == 'MAP_NEST'), gal_cut=cut, fitval=True)
        save('res_%s_%d' % (name, cut), r); save('fit_%s_%d' % (name, cut), np.concatenate([[mono], dip]))
r, mono = hp.remove_monopole(load('MAP'), fitval=True)
save('mono_res', r); save('mono', np.array([mono]))
`,
    { MAP, MAP_BAD, MAP_NEST },
  );
});

describe('removeMultipoles against healpy.remove_dipole (lmax = 1)', () => {
  // healpy solves the same 4×4 normal equations over the same pixel centres (np.linalg.inv,
  // numpy's pairwise sums); the differences are rounding in differently ordered sums, measured
  // ≤ 1.3e-13 in map units (the map is ~1); 1e-12 leaves room.
  const SIN_CUT = Math.sin((GAL_CUT * Math.PI) / 180);

  for (const name of ['MAP', 'MAP_BAD', 'MAP_NEST'] as const) {
    for (const cut of [0, GAL_CUT]) {
      it(`${name}, gal_cut ${cut}°: residual, monopole and dipole vector agree to 1e-12`, () => {
        const map = { MAP, MAP_BAD, MAP_NEST }[name];
        const nest = name === 'MAP_NEST';
        const c = pixelCentres(NS, { nest });
        // healpy's gal_cut keeps |z| ≥ sin(cut) in the map's own frame
        const mask = cut > 0 ? Float64Array.from({ length: map.length }, (_, p) => (Math.abs(c[3 * p + 2]) >= SIN_CUT ? 1 : 0)) : undefined;
        const fit = removeMultipoles(map, { lmax: 1, mask, nest });
        const ref = f64(hp, `res_${name}_${cut}`);
        expect(worstAbs(fit.residual, ref)).toBeLessThan(1e-12);
        // UNSEEN pixels stay UNSEEN in both
        if (name === 'MAP_BAD') expect(fit.residual[0]).toBe(UNSEEN);
        const [mono, dx, dy, dz] = f64(hp, `fit_${name}_${cut}`);
        const a = fit.alm;
        const s = Math.sqrt(3 / (4 * Math.PI));
        expect(Math.abs(fit.coefficients[0] / Math.sqrt(4 * Math.PI) - mono)).toBeLessThan(1e-12);
        expect(Math.abs(-s * Math.SQRT2 * a[2 * almIndex(1, 1, 1)] - dx)).toBeLessThan(1e-12);
        expect(Math.abs(s * Math.SQRT2 * a[2 * almIndex(1, 1, 1) + 1] - dy)).toBeLessThan(1e-12);
        expect(Math.abs(s * a[2 * almIndex(1, 0, 1)] - dz)).toBeLessThan(1e-12);
      });
    }
  }

  it('lmax = 0 is healpy.remove_monopole (1e-12)', () => {
    const fit = removeMultipoles(MAP, { lmax: 0 });
    expect(worstAbs(fit.residual, f64(hp, 'mono_res'))).toBeLessThan(1e-12);
    expect(Math.abs(fit.coefficients[0] / Math.sqrt(4 * Math.PI) - f64(hp, 'mono')[0])).toBeLessThan(1e-12);
  });
});

describe('removeMultipoles for any lmax', () => {
  /** A map that is exactly Σ_{l ≤ lmax} a_lm Y_lm at the pixel centres, and its alm. */
  function bandLimited(nside: number, lmax: number, seed: number): { map: Float64Array; alm: Float64Array } {
    const r = rng(seed);
    const alm = new Float64Array(2 * almSize(lmax));
    for (let m = 0; m <= lmax; m++) {
      for (let l = m; l <= lmax; l++) {
        alm[2 * almIndex(l, m, lmax)] = r() - 0.5;
        alm[2 * almIndex(l, m, lmax) + 1] = m === 0 ? 0 : r() - 0.5;
      }
    }
    return { map: alm2map(alm, nside), alm };
  }

  it('a map made of l ≤ 3 only is fitted exactly: alm equal the input (1e-13), residual ~0, full sky and |z| > 0.4 cut', () => {
    // least squares reproduces any map inside the span of the basis exactly (to rounding), so
    // this pins the real-basis ↔ complex-alm conversion against alm2map's conventions
    const { map, alm } = bandLimited(16, 3, 9);
    const c = pixelCentres(16);
    const cut = Float64Array.from({ length: map.length }, (_, p) => (Math.abs(c[3 * p + 2]) > 0.4 ? 1 : 0));
    for (const mask of [undefined, cut]) {
      const fit = removeMultipoles(map, { lmax: 3, mask });
      expect(worstAbs(fit.alm, alm)).toBeLessThan(1e-13);
      expect(worstAbs(fit.residual, new Float64Array(map.length))).toBeLessThan(1e-13);
      expect(worstAbs(fit.fitted, map)).toBeLessThan(1e-13);
    }
  });

  /** Max |G − 1| of the pixel-sum Gram matrix of the real basis (lmax 3) at N_side. */
  function gramError(nside: number): number {
    const nb = realBasisSize(3);
    const c = pixelCentres(nside);
    const npix = nside2npix(nside);
    const g = new Float64Array(nb * nb);
    const b = new Float64Array(nb);
    for (let p = 0; p < npix; p++) {
      realYlm(3, c[3 * p], c[3 * p + 1], c[3 * p + 2], b);
      for (let i = 0; i < nb; i++) for (let j = 0; j < nb; j++) g[i * nb + j] += (b[i] * b[j] * 4 * Math.PI) / npix;
    }
    let worst = 0;
    for (let i = 0; i < nb; i++) for (let j = 0; j < nb; j++) worst = Math.max(worst, Math.abs(g[i * nb + j] - (i === j ? 1 : 0)));
    return worst;
  }

  it('realYlm is orthonormal up to the HEALPix quadrature error, which falls as 1/N_pix (3.5e-4 at N_side 32)', () => {
    // Σ_p B_i B_j 4π/N_pix → δ_ij; the pixel sum is not an exact quadrature (that is why map2alm
    // iterates). Measured 1.4e-3, 3.5e-4, 8.9e-5 at N_side 16, 32, 64: a wrong normalization or
    // sign would show as an O(1) error, a non-orthogonal basis as an error that does not shrink.
    const e32 = gramError(32);
    const e64 = gramError(64);
    expect(e32).toBeLessThan(5e-4);
    expect(e32 / e64).toBeGreaterThan(3.5);
    expect(e32 / e64).toBeLessThan(4.5);
  });

  it('removing l ≤ 2 from a map with l ≤ 4 leaves its l = 3, 4 part up to a leak that falls as 1/N_pix', () => {
    // the pixel-centre least squares sees the l = 3, 4 part through the same quadrature error:
    // measured leak 9.7e-5 (N_side 32) and 2.4e-5 (64) of the l = 3, 4 amplitude
    const leak = (ns: number): number => {
      const { map, alm } = bandLimited(ns, 4, 4);
      const high = Float64Array.from(alm);
      for (let m = 0; m <= 2; m++) for (let l = m; l <= 2; l++) high[2 * almIndex(l, m, 4)] = high[2 * almIndex(l, m, 4) + 1] = 0;
      const h = alm2map(high, ns);
      let amp = 0;
      for (const v of h) amp = Math.max(amp, Math.abs(v));
      return worstAbs(removeMultipoles(map, { lmax: 2 }).residual, h) / amp;
    };
    const l32 = leak(32);
    const l64 = leak(64);
    expect(l32).toBeLessThan(2e-4);
    expect(l32 / l64).toBeGreaterThan(3.5);
    expect(l32 / l64).toBeLessThan(4.5);
  });

  it('a mask that leaves too little sky for lmax throws instead of returning garbage', () => {
    const mask = new Uint8Array(MAP.length);
    mask.fill(1, 0, 20); // 20 pixels around the north pole
    expect(() => removeMultipoles(MAP, { lmax: 3, mask })).toThrow(/mask|pixels/);
  });
});
