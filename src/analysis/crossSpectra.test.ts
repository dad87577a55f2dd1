import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { maxAbsDiff, randomAlm } from '../../test/helpers/sky.ts';
import { correlationCoefficient, crossSpectra, crossSpectraFromAlm, crossSpectrumMatrix } from './crossSpectra.ts';
import { alm2cl, alm2map, almIndex, anafast } from './harmonics.ts';

const NSIDE = 32;
const LMAX = 64;
const spectrum = (l: number) => 1 / (l + 2) ** 2;
// two band-limited maps sharing part of their structure, and a third independent one
const ALM_A = randomAlm(LMAX, spectrum, 11);
const ALM_N = randomAlm(LMAX, spectrum, 12);
const RHO = 0.6;
const ALM_B = Float64Array.from(ALM_A, (a, i) => RHO * a + Math.sqrt(1 - RHO * RHO) * ALM_N[i]);
const MAP_A = alm2map(ALM_A, NSIDE);
const MAP_B = alm2map(ALM_B, NSIDE);

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
a = load('A'); b = load('B')
save('cl_ab', hp.anafast(a, b, iter=3))
save('cl_aa', hp.anafast(a, iter=3))
save('cl_bb', hp.anafast(b, iter=3))
save('cl_ab_l20', hp.anafast(a, b, iter=1, lmax=20))
save('alm2cl_ab', hp.alm2cl(load('almA').view(np.complex128), load('almB').view(np.complex128)))
`,
    { A: MAP_A, B: MAP_B, almA: ALM_A, almB: ALM_B },
  );
});

describe('cross-spectra against healpy', () => {
  it('anafast(m1, m2) equals healpy.anafast(m1, m2) (lmax 3·N_side−1, iter 3) to 1e-10 of sqrt(C^XX C^YY) at every l', () => {
    // C^XY can cross zero, so the scale is the geometric mean of the auto-spectra; both codes run
    // the same quadrature and iterations, so only rounding differs (the auto-spectra agree to 1e-7
    // relative in harmonics.test.ts, dominated there by l with tiny power).
    const ours = anafast(MAP_A, MAP_B);
    const ref = f64(hp, 'cl_ab');
    const xx = f64(hp, 'cl_aa');
    const yy = f64(hp, 'cl_bb');
    expect(ours.length).toBe(3 * NSIDE);
    for (let l = 0; l < ref.length; l++) expect(Math.abs(ours[l] - ref[l]), `l = ${l}`).toBeLessThanOrEqual(1e-10 * Math.sqrt(xx[l] * yy[l]));
  });

  it('anafast(m1, m2, { lmax, iterations }) passes the options to both maps, as healpy', () => {
    const ours = anafast(MAP_A, MAP_B, { lmax: 20, iterations: 1 });
    const ref = f64(hp, 'cl_ab_l20');
    const xx = f64(hp, 'cl_aa');
    expect(ours.length).toBe(21);
    for (let l = 0; l <= 20; l++) expect(Math.abs(ours[l] - ref[l])).toBeLessThan(1e-10 * xx[l]);
  });

  it('alm2cl(alm1, alm2) equals healpy.alm2cl to 1e-14 relative (the same sums)', () => {
    const ours = alm2cl(ALM_A, ALM_B);
    const ref = f64(hp, 'alm2cl_ab');
    const xx = alm2cl(ALM_A);
    for (let l = 0; l <= LMAX; l++) expect(Math.abs(ours[l] - ref[l])).toBeLessThan(1e-14 * xx[l] + 1e-300);
  });

  it('crossSpectra gives the same auto- and cross-spectra as three anafast calls (bitwise: same transforms)', () => {
    const s = crossSpectra(MAP_A, MAP_B);
    expect(s.clXY).toEqual(anafast(MAP_A, MAP_B));
    expect(s.clXX).toEqual(anafast(MAP_A));
    expect(s.clYY).toEqual(anafast(MAP_B));
  });
});

describe('correlation coefficient r_l', () => {
  it('is 1 for a map with itself and −1 against its negative (1e-14), NaN without power', () => {
    const neg = Float64Array.from(ALM_A, (x) => -x);
    const self = crossSpectraFromAlm(ALM_A, ALM_A).r;
    const anti = crossSpectraFromAlm(ALM_A, neg).r;
    for (let l = 0; l <= LMAX; l++) {
      expect(Math.abs(self[l] - 1)).toBeLessThan(1e-14);
      expect(Math.abs(anti[l] + 1)).toBeLessThan(1e-14);
    }
    expect(correlationCoefficient([1, 0.5], [1, 0], [1, 1])[1]).toBeNaN();
  });

  it('recovers the correlation ρ = 0.6 built into the alm: Fisher z over l = 2..64 within 4σ', () => {
    // a_B = ρ a_A + sqrt(1−ρ²) n with independent Gaussian n: the true correlation of every a_lm
    // pair is ρ. r_l estimates it from 2l+1 real degrees of freedom; z = atanh r_l has standard
    // deviation ≈ 1/sqrt(2l+1−3) (Fisher). The mean over l of (z_l − atanh ρ)·sqrt(2l−2) is then
    // N(0, 1/sqrt(63)); 4σ = 0.50.
    const { r } = crossSpectraFromAlm(ALM_A, ALM_B);
    let sum = 0;
    let count = 0;
    for (let l = 2; l <= LMAX; l++) {
      sum += (Math.atanh(r[l]) - Math.atanh(RHO)) * Math.sqrt(2 * l - 2);
      count++;
    }
    expect(Math.abs(sum / count)).toBeLessThan(4 / Math.sqrt(count));
    // and not trivially: independent maps give r near 0, not 0.6
    const indep = crossSpectraFromAlm(ALM_A, ALM_N).r;
    let zIndep = 0;
    for (let l = 2; l <= LMAX; l++) zIndep += Math.atanh(indep[l]) * Math.sqrt(2 * l - 2);
    expect(Math.abs(zIndep / count)).toBeLessThan(4 / Math.sqrt(count));
  });

  it('crossSpectrumMatrix holds every pair, symmetric, with the autos on the diagonal (bitwise)', () => {
    const m = crossSpectrumMatrix([ALM_A, ALM_B, ALM_N]);
    expect(m[0][0]).toEqual(alm2cl(ALM_A));
    expect(m[1][2]).toEqual(alm2cl(ALM_B, ALM_N));
    expect(m[2][1]).toBe(m[1][2]);
    // alm2cl is symmetric in its arguments up to the order of each product (exact in IEEE)
    expect(maxAbsDiff(alm2cl(ALM_N, ALM_B), m[1][2])).toBe(0);
  });

  it('the m ≥ 0 convention: C^XY_l = [Re(a_l0 b_l0) + 2 Σ_{m≥1} Re(a_lm conj b_lm)]/(2l+1) by hand at l = 3 (1e-15)', () => {
    const l = 3;
    let s = 0;
    for (let m = 0; m <= l; m++) {
      const i = 2 * almIndex(l, m, LMAX);
      s += (m === 0 ? 1 : 2) * (ALM_A[i] * ALM_B[i] + ALM_A[i + 1] * ALM_B[i + 1]);
    }
    expect(Math.abs(alm2cl(ALM_A, ALM_B)[l] - s / 7)).toBeLessThan(1e-15 * Math.abs(s));
  });
});
