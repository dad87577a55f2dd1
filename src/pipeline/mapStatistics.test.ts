/**
 * The statistics every run reports (mapStatistics per map, statisticsEnsemble over realizations)
 * on Gaussian relative-intensity skies: 1 + a dipole + a Gaussian field (N_side 32, 6° beam).
 * The ensemble means of skewness and kurtosis are 0 and the Minkowski functionals equal the
 * reference the run writes next to them (the Tomita formulas with σ0, σ1 of the ensemble-mean C_l)
 * within a few standard errors; a chi-square sky fails both by far.
 */
import { describe, expect, it } from 'vitest';
import { alm2map } from '../analysis/harmonics.ts';
import { nside2npix, pixelCentres } from '../analysis/healpix.ts';
import { randomAlm } from '../../test/helpers/sky.ts';
import { clMinusMonopole } from './analyze.ts';
import { mapStatistics, MINKOWSKI_THRESHOLDS, statisticsEnsemble, type MapStatistics } from './mapStatistics.ts';

const NSIDE = 32;
const LMAX = 3 * NSIDE - 1;
const MAPS = 16;
const sigmaBeam = (6 * Math.PI) / 180 / Math.sqrt(8 * Math.LN2);
const cl = (l: number) => (l < 2 ? 0 : (1e-6 * Math.exp(-l * (l + 1) * sigmaBeam * sigmaBeam)) / (l + 1));

/** Relative intensity 1 + 0.01 n_z + amplitude·u (u Gaussian), or with u replaced by u² − <u²> (chi-square). */
function sky(seed: number, chiSquare: boolean): Float64Array {
  const u = alm2map(randomAlm(LMAX, cl, seed), NSIDE);
  const c = pixelCentres(NSIDE);
  let var_ = 0;
  for (const v of u) var_ += v * v;
  var_ /= u.length;
  return Float64Array.from(u, (v, p) => 1 + 0.01 * c[3 * p + 2] + (chiSquare ? (v * v - var_) / Math.sqrt(2 * var_) : v));
}

function ensemble(chiSquare: boolean) {
  const maps = Array.from({ length: MAPS }, (_, s) => sky(101 + s, chiSquare));
  const stats: MapStatistics[] = maps.map(mapStatistics);
  const cls = maps.map((m) => clMinusMonopole(m, LMAX));
  const mean = Float64Array.from(cls[0], (_v, l) => cls.reduce((a, c) => a + c[l], 0) / MAPS);
  return statisticsEnsemble(stats, mean);
}

/** Largest |mean − reference| / (standard error + a floor of 1e-3 of the peak) over the thresholds. */
function worstZ(e: ReturnType<typeof ensemble>, key: 'v0' | 'v1' | 'v2'): number {
  const peak = Math.max(...Array.from(e.gaussian[key], Math.abs));
  let worst = 0;
  for (let i = 0; i < MINKOWSKI_THRESHOLDS.length; i++) worst = Math.max(worst, Math.abs(e[key].mean[i] - e.gaussian[key][i]) / (e[key].stderr[i] + 1e-3 * peak));
  return worst;
}

describe('run statistics on Gaussian skies', () => {
  const gaussian = ensemble(false);

  it('per map: the dipole is removed first, 13 thresholds, NaN-free on a full sky', () => {
    const s = mapStatistics(sky(7, false));
    expect(s.minkowski.v0).toHaveLength(13);
    expect(s.minkowski.v0[0]).toBeGreaterThan(0.99);
    expect(s.minkowski.v0[12]).toBeLessThan(0.01);
    // a pure dipole map has nothing left after the removal
    const c = pixelCentres(8);
    const d = mapStatistics(Float64Array.from({ length: nside2npix(8) }, (_, p) => 1 + 0.1 * c[3 * p]));
    expect(d.variance).toBeLessThan(1e-25);
    // a missing pixel (sphere model): moments over the rest, no functionals
    const holed = sky(7, false);
    holed[5] = NaN;
    const h = mapStatistics(holed);
    expect(Number.isFinite(h.skewness)).toBe(true);
    expect(h.minkowski.v1.every(Number.isNaN)).toBe(true);
  });

  it('ensemble: skewness and kurtosis 0 within 4 standard errors; v0, v1, v2 on the Gaussian reference within 4 SE', () => {
    expect(gaussian.realizations).toBe(MAPS);
    expect(Math.abs(gaussian.skewness.mean) / gaussian.skewness.stderr).toBeLessThan(4);
    expect(Math.abs(gaussian.excessKurtosis.mean) / gaussian.excessKurtosis.stderr).toBeLessThan(4);
    const z = (['v0', 'v1', 'v2'] as const).map((k) => worstZ(gaussian, k));
    console.log(
      `run statistics, ${MAPS} Gaussian skies: skewness ${gaussian.skewness.mean.toFixed(3)} ± ${gaussian.skewness.stderr.toFixed(3)}, kurtosis ${gaussian.excessKurtosis.mean.toFixed(3)} ± ${gaussian.excessKurtosis.stderr.toFixed(3)}; worst |MF − Gaussian| ${z.map((x) => x.toFixed(2)).join(', ')} SE`,
    );
    z.forEach((x, i) => expect(x, `v${i}`).toBeLessThan(4));
  });

  it('the test can fail: a chi-square sky is skewed (> 10 SE) and off the reference v2 (> 10 SE)', () => {
    const chi = ensemble(true);
    console.log(`chi-square skies: skewness ${(chi.skewness.mean / chi.skewness.stderr).toFixed(1)} SE, v2 ${worstZ(chi, 'v2').toFixed(1)} SE`);
    expect(chi.skewness.mean / chi.skewness.stderr).toBeGreaterThan(10);
    expect(worstZ(chi, 'v2')).toBeGreaterThan(10);
  });

  it('NaN stored as null in a record counts as NaN', () => {
    const s = mapStatistics(sky(3, false));
    const stored = JSON.parse(JSON.stringify({ ...s, skewness: NaN })) as MapStatistics;
    const e = statisticsEnsemble([s, stored], new Float64Array(LMAX + 1).fill(1e-8));
    expect(e.skewness.mean).toBeNaN();
    expect(e.excessKurtosis.mean).toBe((s.excessKurtosis + stored.excessKurtosis) / 2);
  });
});
