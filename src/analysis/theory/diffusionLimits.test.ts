import { describe, expect, it } from 'vitest';
import { gauss, parkMiller } from '../../../test/helpers/random.ts';
import { runningDiffusion } from '../diffusion.ts';
import { pixelCentres } from '../healpix.ts';
import { kolmogorovEnergy, powerLawCorrelationLengthPc } from '../../turbulence/spectrum.ts';
import {
  ballisticDiffusionPc,
  exponentialRunningDiffusionPc,
  smallAngleDeflectionRatePerPc,
  smallAngleScatteringDiffusionPc,
} from './diffusionLimits.ts';

describe('hard limits of the running diffusion coefficient', () => {
  it('straight lines in HEALPix directions give D_iso = t/6 exactly through the project\'s estimator (1e-12)', () => {
    const dirs = pixelCentres(4);
    const times = [0.5, 3, 40];
    const rows = runningDiffusion(
      [{ start: [1, 2, 3], snapshots: times.map((t) => ({ timePc: t, positions: dirs.map((v, i) => [1, 2, 3][i % 3] + t * v) })) }],
      null,
    );
    // D_iso = ⟨|Δx|²⟩/(6t) = t/6 for unit directions, whatever the quadrature of the sky
    rows.forEach((r, k) => expect(Math.abs(r.isotropicPc - ballisticDiffusionPc(times[k]))).toBeLessThan(1e-12 * times[k]));
  });

  it('the exponential-decorrelation running D starts ballistic (t/6) and levels off at D∞, approaching as 1 − τ/t', () => {
    const dInf = 5;
    const tau = 3 * dInf;
    // t = 1e-4 τ: D = t/6 (1 − t/(3τ) + …), so the relative difference is 3.3e-5
    expect(Math.abs(exponentialRunningDiffusionPc(1e-4 * tau, dInf) / ballisticDiffusionPc(1e-4 * tau) - 1)).toBeLessThan(4e-5);
    // t = 1e3 τ: 1 − D/D∞ = τ/t (1 − e^{−t/τ}) = 1e-3 to 1e-12
    expect(Math.abs(1 - exponentialRunningDiffusionPc(1e3 * tau, dInf) / dInf - 1e-3)).toBeLessThan(1e-12);
  });

  it('straight paths through isotropic solenoidal turbulence deflect as ⟨|Δu|²⟩ = s L_c/(2 r_g²), L_c two-sided (1e-4)', () => {
    // Independent of the closed form: the plane-wave ensemble of docs/physics.md, with power
    // w(k) = E(k)/∫E at |k|, isotropic k̂ (μ = k̂·ẑ) and ξ ⟂ k̂ of random polarization
    // (⟨1 − ξ_z²⟩ = (1 + μ²)/2), gives for a straight path along ẑ of length s
    //   ⟨|Δu|²⟩ = (2/r_g²) ∫ dk w(k) ∫_0^1 dμ (1 + μ²)/2 · (1 − cos(kμs))/(kμ)².
    // Both integrals numerically (Simpson in ln k and in μ, ≥ 24 points per oscillation), at
    // s = 20 l_max where the finite-s correction is ~ sin(ks)/(ks)², < 1e-4 (measured 1.4e-6).
    const lMin = 10;
    const lMax = 100;
    const rg = 7;
    const s = 20 * lMax;
    const kMin = (2 * Math.PI) / lMax;
    const kMax = (2 * Math.PI) / lMin;
    const nk = 200;
    const du = (Math.log(kMax) - Math.log(kMin)) / nk;
    let num = 0;
    let den = 0;
    for (let i = 0; i <= nk; i++) {
      const wk = i === 0 || i === nk ? 1 : i % 2 === 1 ? 4 : 2;
      const k = i === 0 ? kMin : i === nk ? kMax : Math.exp(Math.log(kMin) + i * du);
      const e = kolmogorovEnergy(k, kMin, kMax) * k; // E dk = E k d(ln k)
      const nmu = 2 * Math.ceil((24 * k * s) / (2 * Math.PI));
      const hm = 1 / nmu;
      let inner = 0;
      for (let j = 0; j <= nmu; j++) {
        const mu = j * hm;
        const a = k * mu * s;
        const f = a === 0 ? (s * s) / 2 : (1 - Math.cos(a)) / (k * mu) ** 2; // (1 − cos a)/(kμ)², a → 0: s²/2
        inner += (j === 0 || j === nmu ? 1 : j % 2 === 1 ? 4 : 2) * ((1 + mu * mu) / 2) * f;
      }
      num += wk * e * (inner * hm) / 3;
      den += wk * e;
    }
    const meanSquareDeflection = (2 / (rg * rg)) * (num / den);
    const lc = powerLawCorrelationLengthPc(lMin, lMax);
    const predicted = smallAngleDeflectionRatePerPc(rg, lc) * s;
    expect(Math.abs(meanSquareDeflection / predicted - 1)).toBeLessThan(1e-4);
  });

  it('directions random-walking at that rate diffuse with D = 4 r_g²/(3 L_c) (Monte Carlo, 3000 walkers, 6 %)', () => {
    // Units with r_g²/L_c = 1 pc: ⟨θ²⟩ grows by 1/2 per pc, τ = 4 pc, D∞ = 4/3 pc. Each step of
    // ds = 0.02 pc turns u along a geodesic by a Gaussian tangent vector with ⟨θ²⟩ = rate·ds
    // (per-step ⟨cos θ⟩ matches e^{−ds/τ} to 2e-5, a 0.2 % bias on D), to t = 15τ; compared with
    // the running D(t) of exponential decorrelation at that t (6.7 % below D∞). Statistical error
    // √(2/(3N)) = 1.5 %: 6 % is 4σ (measured +0.17 %), and a constant off by 2 (the one-sided L_c) fails by far.
    const rg = 1;
    const lc = 1;
    const rate = smallAngleDeflectionRatePerPc(rg, lc);
    const dInf = smallAngleScatteringDiffusionPc(rg, lc);
    const ds = 0.02;
    const t = 15 * 3 * dInf;
    const steps = Math.round(t / ds);
    const r = parkMiller(2024);
    const n = 3000;
    const sigma = Math.sqrt((rate * ds) / 2);
    let r2 = 0;
    for (let w = 0; w < n; w++) {
      const z0 = 2 * r() - 1;
      const ph = 2 * Math.PI * r();
      let ux = Math.sqrt(1 - z0 * z0) * Math.cos(ph);
      let uy = Math.sqrt(1 - z0 * z0) * Math.sin(ph);
      let uz = z0;
      let x = 0, y = 0, z = 0;
      for (let k = 0; k < steps; k++) {
        x += ux * ds;
        y += uy * ds;
        z += uz * ds;
        // tangent basis e1 = u × a / |u × a|, e2 = u × e1
        const ax = Math.abs(ux) < 0.9 ? 1 : 0;
        const ay = 1 - ax;
        let e1x = -uz * ay, e1y = uz * ax, e1z = ux * ay - uy * ax;
        const n1 = Math.hypot(e1x, e1y, e1z);
        e1x /= n1; e1y /= n1; e1z /= n1;
        const e2x = uy * e1z - uz * e1y, e2y = uz * e1x - ux * e1z, e2z = ux * e1y - uy * e1x;
        const g1 = sigma * gauss(r);
        const g2 = sigma * gauss(r);
        const th = Math.hypot(g1, g2);
        if (th === 0) continue;
        const c = Math.cos(th), sn = Math.sin(th) / th;
        ux = c * ux + sn * (g1 * e1x + g2 * e2x);
        uy = c * uy + sn * (g1 * e1y + g2 * e2y);
        uz = c * uz + sn * (g1 * e1z + g2 * e2z);
      }
      r2 += x * x + y * y + z * z;
    }
    const dMeasured = r2 / n / (6 * t);
    expect(Math.abs(dMeasured / exponentialRunningDiffusionPc(t, dInf) - 1)).toBeLessThan(0.06);
  });
});
