/**
 * Ensemble statistics of a fixed-time run (fixedTime.ts) for one snapshot and one gradient:
 * ⟨C_l⟩ with standard errors, noise levels, Ĉ_l = ⟨C_l⟩ − N, Ĉ_l/Ĉ_1 and ⟨C_1⟩ over the
 * standard-diffusion C_1 with jackknife errors (the realizations are the independent units),
 * the ensemble-mean ("standard diffusion", Eq. 68 first term) spectrum, both sides of the sum
 * rule and the measured K.
 */
import type { Vec3 } from '../../config/vec3.ts';
import { almIndex } from '../../analysis/harmonics.ts';
import { bgkDiffusionCoefficients, diffusionTensorWithHall, standardDiffusionDipole } from '../../analysis/theory/standardDiffusion.ts';
import { diffusionTensor } from '../../analysis/liouville.ts';
import { LOW_LMAX, type FixedTimeRun, type GradientMap } from './fixedTime.ts';
import { meanErr } from '../ensemble.ts';

interface ValueError {
  readonly value: number;
  readonly error: number;
}

export interface MapStatistics {
  readonly timePc: number;
  readonly omegaT: number;
  readonly realizations: number;
  /** ⟨C_l⟩ (index 0: the Eq. 67 monopole) and its standard error. */
  readonly clMean: Float64Array;
  readonly clErr: Float64Array;
  /** Shuffled-sky and Eq. 71 noise levels, mean over realizations. */
  readonly noise: ValueError;
  readonly noiseEq71: ValueError;
  /** Ĉ_l = ⟨C_l⟩ − N (shuffled-sky N) and its standard error (jackknife over realizations). */
  readonly clHat: Float64Array;
  readonly clHatErr: Float64Array;
  /** Ĉ_l/Ĉ_1 and its jackknife error (NaN at l = 0). */
  readonly ratio: Float64Array;
  readonly ratioErr: Float64Array;
  /** Unbiased C_l of the ensemble-mean map, l ≤ LOW_LMAX: Σ_{r≠s} a_r·a_s* / (R(R−1)(2l+1)). */
  readonly clStandard: Float64Array;
  readonly clStandardErr: Float64Array;
  /** ⟨C_1⟩ / C_1^standard with jackknife error. */
  readonly c1OverStandard: ValueError;
  /** C_1 of Eq. 56 with the ensemble-mean measured (symmetric) K: (4π/9)|3Kg|². */
  readonly c1Eq56: number;
  /** The same with the Hall part that BGK implies for the measured K∥, K⊥ (bgkTensorFromMeasured); NaN for B0 = 0. */
  readonly c1Eq56Hall: number;
  /** The standard-diffusion dipole vectors 3K·g without and with that Hall part. */
  readonly dipoleEq56: Vec3;
  readonly dipoleEq56Hall: Vec3;
  readonly sumRuleLhs: ValueError;
  readonly sumRuleRhs: ValueError;
  /** Sky variance of I over pixels (all l) and its ratio to the right side, jackknife error. */
  readonly sumRulePixels: ValueError;
  readonly sumRuleRatio: ValueError;
  /** ⟨C_1⟩ − C_1^standard: the relative-diffusion (⟨δd1 δd2⟩) part of the dipole, jackknife error. */
  readonly c1Excess: ValueError;
  readonly kParallelPc: ValueError;
  readonly kPerpendicularPc: ValueError;
  /** Dipole of the ensemble-mean map (mean of the realizations' dipoles; a_lm are linear). */
  readonly meanDipole: Vec3;
  readonly dipoles: readonly Vec3[];
}

/**
 * The full Eq. 53 tensor (with the Hall part) that BGK relaxation implies for measured K∥ and K⊥:
 * ν = 1/(3K∥), Ω² = ν/(3K⊥) − ν² (from K⊥ = ν/(3(ν² + Ω²))), K_A = Ω/(3(ν² + Ω²)) with the sign
 * of the cosmic ray's charge (docs/physics.md Sec. 8.1); K_A = 0 when K⊥ ≥ K∥ (no real Ω). Row-major, pc.
 */
function bgkTensorFromMeasured(kParallelPc: number, kPerpendicularPc: number, b: Vec3, charge: 1 | -1): Float64Array {
  const nu = 1 / (3 * kParallelPc);
  const omega2 = nu / (3 * kPerpendicularPc) - nu * nu;
  const omega = omega2 > 0 ? charge * Math.sqrt(omega2) : 0;
  const k = bgkDiffusionCoefficients(nu, omega);
  return diffusionTensorWithHall({ parallelPc: kParallelPc, perpendicularPc: kPerpendicularPc, axialPc: k.axialPc }, b);
}

/** Jackknife estimate and error of θ over leave-one-out subsets; θ gets the kept indices. */
export function jackknife(n: number, theta: (keep: readonly number[]) => number): ValueError {
  const all = Array.from({ length: n }, (_, i) => i);
  const value = theta(all);
  if (n < 3) return { value, error: NaN };
  const loo = all.map((i) => theta(all.filter((j) => j !== i)));
  const m = loo.reduce((a, v) => a + v, 0) / n;
  const v = ((n - 1) / n) * loo.reduce((a, x) => a + (x - m) ** 2, 0);
  return { value, error: Math.sqrt(v) };
}

/** Σ_{r≠s} Re(a_r a_s*) over the kept maps, per l ≤ lmax, as an unbiased |⟨a⟩|²-based C_l. */
function crossCl(maps: readonly GradientMap[], keep: readonly number[], l: number): number {
  const n = keep.length;
  let s = 0;
  for (let m = 0; m <= l; m++) {
    const i = 2 * almIndex(l, m, LOW_LMAX);
    let sre = 0;
    let sim = 0;
    let q = 0;
    for (const r of keep) {
      const re = maps[r].almLow[i];
      const im = maps[r].almLow[i + 1];
      sre += re;
      sim += im;
      q += re * re + im * im;
    }
    // m > 0 counts twice: a_{l,−m} = (−1)^m a_lm* for a real map.
    s += (m === 0 ? 1 : 2) * (sre * sre + sim * sim - q);
  }
  return s / (n * (n - 1) * (2 * l + 1));
}

export function mapStatistics(run: FixedTimeRun, snapshot: number, gradient: number): MapStatistics {
  const R = run.realizations.length;
  const snaps = run.realizations.map((r) => r.snapshots[snapshot]);
  const maps = snaps.map((s) => s.maps[gradient]);
  const g = run.gradients[gradient].gradient;
  const timePc = snaps[0].timePc;
  const L = maps[0].cl.length;
  const clMean = new Float64Array(L);
  const clErr = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const e = meanErr(maps.map((m) => m.cl[l]));
    clMean[l] = e.mean;
    clErr[l] = e.err;
  }
  const noise = meanErr(maps.map((m) => m.noise));
  const noiseEq71 = meanErr(maps.map((m) => m.noiseEq71));
  const clHat = new Float64Array(L);
  const clHatErr = new Float64Array(L);
  const ratio = new Float64Array(L).fill(NaN);
  const ratioErr = new Float64Array(L).fill(NaN);
  const avg = (keep: readonly number[], f: (m: GradientMap) => number) => keep.reduce((a, r) => a + f(maps[r]), 0) / keep.length;
  for (let l = 0; l < L; l++) {
    const hat = jackknife(R, (keep) => avg(keep, (m) => m.cl[l] - m.noise));
    clHat[l] = hat.value;
    // One map: the pure-noise variance of review Sec. 4.4, 2N²/(2l+1).
    clHatErr[l] = R >= 3 ? hat.error : Math.sqrt((2 * noise.mean ** 2) / (2 * l + 1));
    if (l >= 1) {
      const rt = jackknife(R, (keep) => avg(keep, (m) => m.cl[l] - m.noise) / avg(keep, (m) => m.cl[1] - m.noise));
      ratio[l] = rt.value;
      ratioErr[l] = rt.error;
    }
  }
  const lowTop = Math.min(LOW_LMAX, L - 1);
  const clStandard = new Float64Array(lowTop + 1).fill(NaN);
  const clStandardErr = new Float64Array(lowTop + 1).fill(NaN);
  if (R >= 2) {
    for (let l = 1; l <= lowTop; l++) {
      const j = jackknife(R, (keep) => crossCl(maps, keep, l));
      clStandard[l] = j.value;
      clStandardErr[l] = j.error;
    }
  }
  const c1OverStandard = R >= 2 ? jackknife(R, (keep) => avg(keep, (m) => m.cl[1]) / crossCl(maps, keep, 1)) : { value: NaN, error: NaN };
  const kPar = meanErr(snaps.map((s) => s.kParallelPc));
  const kPerp = meanErr(snaps.map((s) => s.kPerpendicularPc));
  const delta = standardDiffusionDipole(diffusionTensor(kPar.mean, kPerp.mean, run.plan.b0Direction), g);
  const b0 = run.plan.b0Direction;
  const deltaHall = b0 === null ? ([NaN, NaN, NaN] as Vec3) : standardDiffusionDipole(bgkTensorFromMeasured(kPar.mean, kPerp.mean, b0, run.config.particles.charge), g);
  const dipoles = maps.map((m) => m.dipole);
  const comp = (i: number) => dipoles.reduce((a, d) => a + d[i], 0) / R;
  const meanDipole: Vec3 = [comp(0), comp(1), comp(2)];
  const ve = (e: { mean: number; err: number }): ValueError => ({ value: e.mean, error: e.err });
  return {
    timePc,
    omegaT: timePc / run.plan.gyroradiusPc,
    realizations: R,
    clMean,
    clErr,
    noise: ve(noise),
    noiseEq71: ve(noiseEq71),
    clHat,
    clHatErr,
    ratio,
    ratioErr,
    clStandard,
    clStandardErr,
    c1OverStandard,
    c1Eq56: ((4 * Math.PI) / 9) * (delta[0] ** 2 + delta[1] ** 2 + delta[2] ** 2),
    c1Eq56Hall: ((4 * Math.PI) / 9) * (deltaHall[0] ** 2 + deltaHall[1] ** 2 + deltaHall[2] ** 2),
    dipoleEq56: delta,
    dipoleEq56Hall: deltaHall,
    sumRuleLhs: ve(meanErr(maps.map((m) => m.sumRuleLhs))),
    sumRuleRhs: ve(meanErr(maps.map((m) => m.sumRuleRhs))),
    sumRulePixels: ve(meanErr(maps.map((m) => m.sumRulePixels))),
    sumRuleRatio: jackknife(R, (keep) => avg(keep, (m) => m.sumRulePixels) / avg(keep, (m) => m.sumRuleRhs)),
    c1Excess: R >= 2 ? jackknife(R, (keep) => avg(keep, (m) => m.cl[1]) - crossCl(maps, keep, 1)) : { value: NaN, error: NaN },
    kParallelPc: ve(kPar),
    kPerpendicularPc: ve(kPerp),
    meanDipole,
    dipoles,
  };
}
