/**
 * Statistics of angular power spectra over an ensemble of sky maps (turbulence realizations,
 * observer positions), the noise levels of review Eq. 31, 32 and 71, the noise-subtracted
 * estimator Ĉ_l = <C_l> − N, and the split of Eq. 67-68 into the standard-diffusion part
 * <f1><f2> (the C_l of the ensemble-mean map) and the full <f1 f2> (the mean of the C_l).
 * Pure functions over Float64Arrays; C_l arrays are indexed by l.
 */
import { alm2cl, almGetLmax } from './harmonics.ts';

export interface ClStats {
  /** Number of realizations. */
  n: number;
  /** <C_l>. */
  mean: Float64Array;
  /** Sample standard deviation of C_l over the realizations (n − 1 in the denominator; NaN if n < 2). */
  std: Float64Array;
  /** Standard error of the mean, std / sqrt(n) (NaN if n < 2). */
  stdErr: Float64Array;
}

/** Mean, standard deviation and standard error of C_l over realizations (all of the same length). */
export function clStats(cls: readonly ArrayLike<number>[]): ClStats {
  const n = cls.length;
  if (n === 0) throw new RangeError('clStats: no spectra');
  const len = cls[0].length;
  for (const c of cls) if (c.length !== len) throw new RangeError('clStats: spectra differ in length');
  const mean = new Float64Array(len);
  const std = new Float64Array(len);
  const stdErr = new Float64Array(len);
  for (const c of cls) for (let l = 0; l < len; l++) mean[l] += c[l];
  for (let l = 0; l < len; l++) mean[l] /= n;
  for (let l = 0; l < len; l++) {
    if (n < 2) {
      std[l] = NaN;
      stdErr[l] = NaN;
      continue;
    }
    let s = 0;
    for (const c of cls) s += (c[l] - mean[l]) ** 2;
    std[l] = Math.sqrt(s / (n - 1));
    stdErr[l] = std[l] / Math.sqrt(n);
  }
  return { n, mean, std, stdErr };
}

/** Element-wise mean of equally long arrays (e.g. the ensemble-mean map or mean alm). */
export function meanOf(arrays: readonly ArrayLike<number>[]): Float64Array {
  if (arrays.length === 0) throw new RangeError('meanOf: no arrays');
  const len = arrays[0].length;
  const out = new Float64Array(len);
  for (const a of arrays) {
    if (a.length !== len) throw new RangeError('meanOf: arrays differ in length');
    for (let i = 0; i < len; i++) out[i] += a[i];
  }
  for (let i = 0; i < len; i++) out[i] /= arrays.length;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Noise levels (flat in l)
// ---------------------------------------------------------------------------------------------

/**
 * White pixel noise: N = (4π / N_pix) · σ², for independent pixel errors of variance σ² in map
 * units (the C_l of such noise is flat at this level, for all l up to ~2 N_side).
 */
export function pixelNoiseLevel(npix: number, pixelVariance: number): number {
  return ((4 * Math.PI) / npix) * pixelVariance;
}

export interface BacktrackingNoiseInput {
  npix: number;
  /** Back-tracking time T as path length c·T, pc. */
  timePc: number;
  /** Diffusion tensor K, 3×3 row-major, in pc (pc² per pc of c·t), e.g. from diffusion.ts. */
  diffusionTensor: ArrayLike<number>;
  /** ∇n / n, pc⁻¹. */
  gradient: readonly [number, number, number];
  /** Particles averaged per pixel (default 1): the pixel variance falls as 1/k. */
  particlesPerPixel?: number;
}

/**
 * Review Eq. 71, the asymptotic pixel shot noise of back-tracked maps:
 * N ≃ (4π / N_pix) · 2 T K_ij g_i g_j / k, with g = ∇n/n and k particles per pixel. The
 * relative intensity of one particle after time T varies as d·g with <d_i d_j> → 2 T K_ij.
 */
export function backtrackingNoiseLevel(input: BacktrackingNoiseInput): number {
  const { npix, timePc, diffusionTensor: k, gradient: g } = input;
  let gkg = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) gkg += g[i] * k[3 * i + j] * g[j];
  return pixelNoiseLevel(npix, (2 * timePc * gkg) / (input.particlesPerPixel ?? 1));
}

/**
 * Review Eq. 31, Poisson noise of an event-count map: N ≃ (1/4π) Σ_i w_i² ΔΩ² / n_i over pixels
 * with n_i > 0 (ΔΩ = 4π/N_pix, w_i the pixel weights, default 1), for the relative intensity.
 */
export function poissonNoiseLevel(counts: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const npix = counts.length;
  const dOmega = (4 * Math.PI) / npix;
  let s = 0;
  for (let i = 0; i < npix; i++) {
    const w = weights ? weights[i] : 1;
    if (counts[i] > 0 && w !== 0) s += (w * w * dOmega * dOmega) / counts[i];
  }
  return s / (4 * Math.PI);
}

/** Review Eq. 32: N ≃ 4π f_sky² / n_tot for n_tot events spread uniformly over a fraction f_sky. */
export function eventNoiseLevel(nEvents: number, fsky = 1): number {
  return (4 * Math.PI * fsky * fsky) / nEvents;
}

/**
 * An isotropic relative-intensity map from nEvents events thrown uniformly on the sphere and
 * binned: counts / (nEvents / N_pix). HEALPix pixels have equal areas, so a uniform random
 * pixel per event is exactly isotropic. `random` returns uniform numbers in [0, 1).
 * Its C_l (l ≥ 1) average eventNoiseLevel(nEvents) = 4π / nEvents.
 */
export function isotropicEventMap(nside: number, nEvents: number, random: () => number): Float64Array {
  const npix = 12 * nside * nside;
  const map = new Float64Array(npix);
  for (let e = 0; e < nEvents; e++) map[Math.min(npix - 1, Math.floor(random() * npix))] += 1;
  const norm = npix / nEvents;
  for (let p = 0; p < npix; p++) map[p] *= norm;
  return map;
}

export interface EmpiricalNoise {
  /** Per-l statistics of the isotropic maps' C_l. */
  perL: ClStats;
  /** Flat level: the (2l+1)-weighted mean of <C_l> over lmin ≤ l ≤ lmax. */
  level: number;
  /** Its standard error from the per-l standard errors (NaN with a single map). */
  levelErr: number;
}

/**
 * Noise level measured on isotropic maps with the same particle count (and pixelization) as the
 * signal maps: for white noise C_l is flat and its single-map variance ∝ 1/(2l+1), hence the
 * weights. Default range l = 1 .. lmax of the spectra.
 */
export function empiricalNoise(cls: readonly ArrayLike<number>[], opts: { lmin?: number; lmax?: number } = {}): EmpiricalNoise {
  const perL = clStats(cls);
  const lmin = opts.lmin ?? 1;
  const lmax = opts.lmax ?? perL.mean.length - 1;
  let sw = 0;
  let s = 0;
  let v = 0;
  for (let l = lmin; l <= lmax; l++) {
    const w = 2 * l + 1;
    sw += w;
    s += w * perL.mean[l];
    v += w * w * perL.stdErr[l] ** 2;
  }
  return { perL, level: s / sw, levelErr: Math.sqrt(v) / sw };
}

export interface NoiseSubtracted {
  /** Ĉ_l = <C_l> − N_l. */
  chat: Float64Array;
  /**
   * The variance used: varianceSample + noiseVariance when there are ≥ 2 realizations (the
   * empirical scatter of C_l already contains the noise fluctuation and the realization
   * scatter), varianceNoise + noiseVariance for a single map.
   */
  variance: Float64Array;
  /** Review's noise-only variance 2 N² / (2l+1), divided by the number of maps averaged. */
  varianceNoise: Float64Array;
  /** stdErr² of <C_l> over the realizations (NaN with one map). */
  varianceSample: Float64Array;
}

/**
 * Noise-subtracted power spectrum Ĉ_l = <C_l> − N (review after Eq. 71) with its variance (see
 * NoiseSubtracted.variance for what is used). `noise` is a flat level or one per l;
 * `noiseVariance` the variance of that estimate (e.g. empiricalNoise's levelErr²; default 0).
 */
export function noiseSubtractedCl(
  stats: ClStats,
  noise: number | ArrayLike<number>,
  noiseVariance: number | ArrayLike<number> = 0,
): NoiseSubtracted {
  const len = stats.mean.length;
  const chat = new Float64Array(len);
  const variance = new Float64Array(len);
  const varianceNoise = new Float64Array(len);
  const varianceSample = new Float64Array(len);
  for (let l = 0; l < len; l++) {
    const nl = typeof noise === 'number' ? noise : noise[l];
    const nv = typeof noiseVariance === 'number' ? noiseVariance : noiseVariance[l];
    chat[l] = stats.mean[l] - nl;
    varianceNoise[l] = (2 * nl * nl) / ((2 * l + 1) * stats.n);
    varianceSample[l] = stats.stdErr[l] ** 2;
    variance[l] = (stats.n >= 2 ? varianceSample[l] : varianceNoise[l]) + nv;
  }
  return { chat, variance, varianceNoise, varianceSample };
}

/**
 * Ĉ_l / Ĉ_1 (review Fig. 15) with a first-order error that treats Ĉ_l and Ĉ_1 as independent:
 * σ² = r² (var_l / Ĉ_l² + var_1 / Ĉ_1²) (and σ_1 = 0 for the ratio at l = 1 itself).
 */
export function ratioToDipole(chat: ArrayLike<number>, variance: ArrayLike<number>): { ratio: Float64Array; sigma: Float64Array } {
  const len = chat.length;
  if (len < 2) throw new RangeError('ratioToDipole: need l = 1');
  const c1 = chat[1];
  const ratio = new Float64Array(len);
  const sigma = new Float64Array(len);
  for (let l = 0; l < len; l++) {
    ratio[l] = chat[l] / c1;
    sigma[l] = l === 1 ? 0 : Math.abs(ratio[l]) * Math.sqrt(variance[l] / chat[l] ** 2 + variance[1] / c1 ** 2);
  }
  return { ratio, sigma };
}

export interface DiffusionDecomposition {
  /** <C_l> over realizations: the full <f1 f2> of review Eq. 67. */
  full: Float64Array;
  /**
   * C_l of the ensemble-mean alm, Σ_m |<a_lm>|² / (2l+1): the <d1><d2> (standard-diffusion)
   * term of Eq. 68 as measured. Biased high by (variance of a_lm)/R for R realizations.
   */
  standard: Float64Array;
  /** The same without that bias: (R · standard − full) / (R − 1) (NaN for R < 2). */
  standardUnbiased: Float64Array;
  /** full − standardUnbiased: the <δd1 δd2> (relative-diffusion) term of Eq. 68. */
  excess: Float64Array;
}

/**
 * Split the ensemble-averaged power of Eq. 67 into the standard-diffusion part <f1><f2> and the
 * rest (Eq. 68), from the alm of each realization (same lmax, healpy order, interleaved).
 */
export function diffusionDecomposition(alms: readonly Float64Array[]): DiffusionDecomposition {
  const r = alms.length;
  if (r === 0) throw new RangeError('diffusionDecomposition: no alm');
  almGetLmax(alms[0].length);
  const full = clStats(alms.map((a) => alm2cl(a))).mean;
  const standard = alm2cl(meanOf(alms));
  const standardUnbiased = new Float64Array(full.length);
  const excess = new Float64Array(full.length);
  for (let l = 0; l < full.length; l++) {
    standardUnbiased[l] = r >= 2 ? (r * standard[l] - full[l]) / (r - 1) : NaN;
    excess[l] = full[l] - standardUnbiased[l];
  }
  return { full, standard, standardUnbiased, excess };
}
