import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy } from '../../test/helpers/healpy.ts';
import { erf, erfc } from './erf.ts';
import { nside2npix, pixelCentres } from './healpix.ts';
import { mapMoments } from './moments.ts';
import { gaussianMinkowski, gaussianSigmas, minkowskiEnsemble, minkowskiFunctionals, type MinkowskiFunctionals } from './minkowski.ts';
import { runPython } from '../../test/helpers/python.ts';

// Gaussian skies from healpy's synfast: N_side 64, lmax 64, C_l = b_l²/(l+1) with a 4° beam
// (correlation scale ~4 pixels, so the pixel sums sample the derivatives well), C_0 = C_1 = 0.
const NSIDE = 64;
const LMAX = 64;
const SEEDS = 12;
const sigmaBeam = (4 * Math.PI) / 180 / Math.sqrt(8 * Math.LN2);
const CL = Float64Array.from({ length: LMAX + 1 }, (_, l) => (l < 2 ? 0 : Math.exp(-l * (l + 1) * sigmaBeam * sigmaBeam) / (l + 1)));
const THRESHOLDS = Array.from({ length: 25 }, (_, i) => -3 + 0.25 * i);
const BIN = 0.25;

let maps: Float64Array[] = [];
let mfs: MinkowskiFunctionals[] = [];

beforeAll(() => {
  const res = runHealpy(
    `
cl = load('CL')
for s in range(${SEEDS}):
    np.random.seed(1000 + s)
    save('m%d' % s, hp.synfast(cl, ${NSIDE}, lmax=${LMAX}))
`,
    { CL },
  );
  maps = Array.from({ length: SEEDS }, (_, s) => f64(res, `m${s}`));
  const { sigma0 } = gaussianSigmas(CL);
  mfs = maps.map((m) => minkowskiFunctionals(m, { thresholds: THRESHOLDS, binWidth: BIN, lmax: LMAX, mean: 0, sigma0 }));
}, 120_000);

describe('Minkowski functionals of Gaussian skies (healpy synfast) against the Tomita formulas', () => {
  it('v0, v1, v2 ensemble means over 12 seeds agree with theory within 5 standard errors at every ν in [−3, 3]', () => {
    // Theory from σ0, σ1 of the input C_l, v1 and v2 averaged over the same ν bins as measured.
    // Standard error = scatter over the 12 maps / sqrt(12): 75 comparisons with a t-distribution
    // of 11 degrees of freedom make 5 SE the right bar (P(|t| > 5) ≈ 4e-4 each). A floor of 2e-4
    // of each functional's peak keeps the far tails, where few pixels fall in a bin, from asking
    // for more than rounding.
    const theory = gaussianMinkowski(THRESHOLDS, gaussianSigmas(CL), BIN);
    const ens = minkowskiEnsemble(mfs);
    const report: string[] = [];
    for (const key of ['v0', 'v1', 'v2'] as const) {
      const peak = Math.max(...theory[key].map(Math.abs));
      let worst = 0;
      for (let i = 0; i < THRESHOLDS.length; i++) {
        const z = Math.abs(ens.mean[key][i] - theory[key][i]) / (ens.stdErr[key][i] + 2e-4 * peak);
        worst = Math.max(worst, z);
      }
      report.push(`${key}: worst ${worst.toFixed(2)} SE, SE at ν = 1: ${(ens.stdErr[key][16] / peak).toExponential(1)} of the peak`);
      expect(worst, report.join('; ')).toBeLessThan(5);
    }
    console.log(`Minkowski functionals vs Gaussian theory: ${report.join('; ')}`);
  });

  it('the test can fail: a chi-square sky (u² − 1, same σ) is far from the Gaussian v2 (> 20 SE)', () => {
    const { sigma0 } = gaussianSigmas(CL);
    const chi = maps.map((m) => {
      const sq = Float64Array.from(m, (v) => (v / sigma0) ** 2 - 1);
      return minkowskiFunctionals(sq, { thresholds: THRESHOLDS, binWidth: BIN, lmax: LMAX });
    });
    const ens = minkowskiEnsemble(chi);
    const theory = gaussianMinkowski(THRESHOLDS, { sigma0: 1, sigma1: chi[0].sigma1 / chi[0].sigma0 }, BIN);
    let worst = 0;
    for (let i = 0; i < THRESHOLDS.length; i++) worst = Math.max(worst, Math.abs(ens.mean.v2[i] - theory.v2[i]) / ens.stdErr.v2[i]);
    expect(worst).toBeGreaterThan(20);
  });

  it('σ1 measured from the map gradients equals sqrt(Σ(2l+1)l(l+1)C_l/4π) within 4 SE over the seeds', () => {
    const { sigma1 } = gaussianSigmas(CL);
    const values = mfs.map((m) => m.sigma1 ** 2);
    const mean = values.reduce((a, v) => a + v, 0) / SEEDS;
    const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (SEEDS - 1) / SEEDS);
    expect(Math.abs(mean - sigma1 ** 2)).toBeLessThan(4 * se);
  });

  it('a single cap above ν: v0 = its area, v1 = its boundary, 4π v2 = χ − 2 v0 = cos θ_ν by Gauss-Bonnet (3e-3; v1 1 %)', () => {
    // u = n·d̂ (a pure dipole, d̂ tilted so the cap edge does not follow the pixel rings): the
    // excursion set {n·d̂ > z} is one cap, χ = 1, area fraction v0 = (1 − z)/2, boundary 2π sqrt(1 − z²),
    // so v1 = sqrt(1 − z²)/8, and its geodesic curvature integrates to 2π z: 4π v2 = z. The δ-bin
    // holds ~1e4 pixels at N_side 128; their discreteness along the two bin edges gives ~3e-3
    // (measured ≤ 1.6e-3 in 4π v2, ≤ 1e-4 in v0), and v1 also carries the curvature of
    // sqrt(1 − z²) over the bin (≤ 0.4 % here): 1e-2 relative for v1.
    const nside = 128;
    const c = pixelCentres(nside);
    const d = [0.48, -0.6, 0.64];
    const map = Float64Array.from({ length: nside2npix(nside) }, (_, p) => d[0] * c[3 * p] + d[1] * c[3 * p + 1] + d[2] * c[3 * p + 2]);
    const sigma0 = 1 / Math.sqrt(3);
    const nus = [-1, 0, 0.8];
    const r = minkowskiFunctionals(map, { thresholds: nus, binWidth: 0.2, lmax: 4, mean: 0, sigma0 });
    nus.forEach((nu, i) => {
      const z = nu * sigma0;
      expect(Math.abs(r.v0[i] - (1 - z) / 2)).toBeLessThan(3e-3);
      expect(Math.abs(4 * Math.PI * r.v2[i] - z)).toBeLessThan(3e-3);
      expect(Math.abs(r.v1[i] / (Math.sqrt(1 - z * z) / 8) - 1)).toBeLessThan(1e-2);
    });
  });
});

describe('skewness and kurtosis after multipole removal', () => {
  it('are 0 within 4 SE over the 12 Gaussian skies, and a chi-square sky fails that by far', () => {
    const m = maps.map((map) => mapMoments(map, { removeLmax: 1 }));
    for (const key of ['skewness', 'excessKurtosis'] as const) {
      const v = m.map((x) => x[key]);
      const mean = v.reduce((a, x) => a + x, 0) / SEEDS;
      const se = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (SEEDS - 1) / SEEDS);
      expect(Math.abs(mean), key).toBeLessThan(4 * se);
      expect(se, key).toBeLessThan(0.05);
    }
    const chi = mapMoments(Float64Array.from(maps[0], (x) => x * x), { removeLmax: 1 });
    expect(chi.skewness).toBeGreaterThan(1);
  });

  it('a dipole 10× the rms added to the sky changes nothing after removeLmax = 1 (1e-10), but dominates without', () => {
    const c = pixelCentres(NSIDE);
    const amplitude = 10 * Math.sqrt(mapMoments(maps[0]).variance);
    const big = Float64Array.from(maps[0], (v, p) => v + amplitude * c[3 * p]);
    const a = mapMoments(maps[0], { removeLmax: 1 });
    const b = mapMoments(big, { removeLmax: 1 });
    expect(Math.abs(a.skewness - b.skewness)).toBeLessThan(1e-10);
    expect(Math.abs(a.excessKurtosis - b.excessKurtosis)).toBeLessThan(1e-10);
    // a dipole alone is uniform in cos θ: excess kurtosis −1.2
    expect(mapMoments(big).excessKurtosis).toBeLessThan(-1);
  });
});

describe('erfc', () => {
  it('equals Python\'s math.erfc to 1e-13 relative on [−3, 26] (and erf = 1 − erfc)', () => {
    const xs = Array.from({ length: 291 }, (_, i) => -3 + 0.1 * i);
    const ref = JSON.parse(runPython(`import math, json\nprint(json.dumps([math.erfc(-3 + 0.1 * i) for i in range(291)]))\n`)) as number[];
    xs.forEach((x, i) => expect(Math.abs(erfc(x) / ref[i] - 1), `x = ${x}`).toBeLessThan(1e-13));
    expect(Math.abs(erf(0.7) - (1 - erfc(0.7)))).toBeLessThan(1e-16);
  });
});
