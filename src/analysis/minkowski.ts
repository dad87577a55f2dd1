/**
 * Minkowski functionals of a sky map vs threshold: a non-Gaussian statistic beyond C_l
 * (Schmalzing & Górski 1998, MNRAS 297, 355; the normalization of Planck 2013 XXIII / 2015 XVI).
 *
 * With x = (u − μ)/σ0 the standardized map and the excursion set Q_ν = {x > ν}:
 *   v0(ν) = (1/4π) ∫ Θ(x − ν) dΩ                                  area fraction
 *   v1(ν) = (1/4π) ∫ δ(x − ν) |∇x|/4 dΩ                           boundary length / (16π)
 *   v2(ν) = (1/4π) ∫ δ(x − ν) κ |∇x| /(2π) dΩ,  κ|∇x| = −∇∇x(t, t)  geodesic curvature of the boundary
 * with t the unit tangent of the contour. By Gauss–Bonnet (∮κ_g = 2πχ − area on the unit sphere),
 * 4π v2 = χ(Q_ν) − 2 v0(ν): the Euler characteristic with the sphere's curvature term taken out,
 * which makes the Gaussian expectation the same as on the plane (Tomita 1986):
 *   v0 = erfc(ν/√2)/2,
 *   v1 = (1/8) (σ1/(√2 σ0)) e^{−ν²/2},
 *   v2 = (σ1²/(2σ0²)) ν e^{−ν²/2} / (2π)^{3/2},
 *   σ0² = Σ_l (2l+1) C_l / 4π,   σ1² = <|∇u|²> = Σ_l (2l+1) l(l+1) C_l / 4π.
 *
 * Method: derivatives from the alm (derivatives.ts), the integrals as pixel sums (equal-area
 * pixels), δ(x − ν) as a bin of width Δν around ν. The bin smooths v1 and v2 over Δν;
 * gaussianMinkowski averages the theory over the same bins, so the two compare without bias.
 * Full sky only (a mask would need the boundary terms of the cut); smooth the map first
 * (gaussianSmoothing.ts) so that it is well sampled by the pixels.
 */
import { clStats } from './ensemble.ts';
import { mapDerivatives } from './derivatives.ts';
import { erf, erfc } from './erf.ts';
import { map2alm } from './harmonics.ts';
import { npix2nside } from './healpix.ts';

export interface MinkowskiOptions {
  /** Thresholds ν in units of σ0. */
  thresholds: readonly number[];
  /** Width Δν of the δ-function bin for v1 and v2, in units of σ0 (default 0.2). */
  binWidth?: number;
  /** Largest multipole of the transform, default 3·N_side − 1. */
  lmax?: number;
  /** Jacobi iterations of map2alm, default 3. */
  iterations?: number;
  /** μ to subtract (default: the map's own mean). */
  mean?: number;
  /** σ0 to divide by (default: the map's own rms about μ). */
  sigma0?: number;
  /** Map in NESTED order. */
  nest?: boolean;
}

export interface MinkowskiFunctionals {
  readonly thresholds: Float64Array;
  readonly binWidth: number;
  readonly v0: Float64Array;
  readonly v1: Float64Array;
  readonly v2: Float64Array;
  /** μ and σ0 used to standardize the map. */
  readonly mean: number;
  readonly sigma0: number;
  /** Measured sqrt(<|∇u|²>) of the (band-limited) map, in map units per radian. */
  readonly sigma1: number;
}

/** v0, v1, v2 of a full-sky map at the thresholds (see the file comment). */
export function minkowskiFunctionals(map: ArrayLike<number>, opts: MinkowskiOptions): MinkowskiFunctionals {
  const nside = npix2nside(map.length);
  const dnu = opts.binWidth ?? 0.2;
  if (!(dnu > 0 && Number.isFinite(dnu))) throw new RangeError(`minkowskiFunctionals: binWidth ${dnu} must be > 0`);
  const alm = map2alm(map, { lmax: opts.lmax, iterations: opts.iterations, nest: opts.nest });
  const { map: u, gradient, lambda2 } = mapDerivatives(alm, nside, { second: true });
  const m2 = lambda2!;
  const npix = u.length;
  let mean = opts.mean;
  if (mean === undefined) {
    mean = 0;
    for (let p = 0; p < npix; p++) mean += u[p];
    mean /= npix;
  }
  let sigma0 = opts.sigma0;
  if (sigma0 === undefined) {
    let s = 0;
    for (let p = 0; p < npix; p++) s += (u[p] - mean) ** 2;
    sigma0 = Math.sqrt(s / npix);
  }
  if (!(sigma0 > 0)) throw new RangeError('minkowskiFunctionals: the map is constant (σ0 = 0)');
  const nu = Float64Array.from(opts.thresholds);
  const k = nu.length;
  const v0 = new Float64Array(k);
  const v1 = new Float64Array(k);
  const v2 = new Float64Array(k);
  let grad2 = 0;
  for (let p = 0; p < npix; p++) {
    const x = (u[p] - mean) / sigma0;
    const gx = gradient[3 * p];
    const gy = gradient[3 * p + 1];
    const gz = gradient[3 * p + 2];
    const g2 = gx * gx + gy * gy + gz * gz;
    grad2 += g2;
    const g = Math.sqrt(g2);
    // ∇∇u(t, t) with t the contour tangent: n × t = −∇u/|∇u|, so it is ĝᵀ M ĝ
    let htt = 0;
    if (g > 0) {
      const o = 6 * p;
      htt = (m2[o] * gx * gx + m2[o + 1] * gy * gy + m2[o + 2] * gz * gz + 2 * (m2[o + 3] * gx * gy + m2[o + 4] * gx * gz + m2[o + 5] * gy * gz)) / g2;
    }
    for (let i = 0; i < k; i++) {
      if (x > nu[i]) v0[i]++;
      if (Math.abs(x - nu[i]) < dnu / 2) {
        v1[i] += g / sigma0 / 4;
        v2[i] += -htt / sigma0 / (2 * Math.PI);
      }
    }
  }
  for (let i = 0; i < k; i++) {
    v0[i] /= npix;
    v1[i] /= npix * dnu;
    v2[i] /= npix * dnu;
  }
  return { thresholds: nu, binWidth: dnu, v0, v1, v2, mean, sigma0, sigma1: Math.sqrt(grad2 / npix) };
}

/** σ0 and σ1 of a Gaussian field with power spectrum C_l (l = 0 is left out: it is the mean). */
export function gaussianSigmas(cl: ArrayLike<number>): { sigma0: number; sigma1: number } {
  let s0 = 0;
  let s1 = 0;
  for (let l = 1; l < cl.length; l++) {
    s0 += (2 * l + 1) * cl[l];
    s1 += (2 * l + 1) * l * (l + 1) * cl[l];
  }
  return { sigma0: Math.sqrt(s0 / (4 * Math.PI)), sigma1: Math.sqrt(s1 / (4 * Math.PI)) };
}

/**
 * The Gaussian expectation of v0, v1, v2 (Tomita formulas, file comment) at thresholds ν, with
 * v1 and v2 averaged over the bin [ν − Δν/2, ν + Δν/2] as minkowskiFunctionals measures them
 * (binWidth 0 gives the point values).
 */
export function gaussianMinkowski(
  thresholds: readonly number[],
  sigmas: { sigma0: number; sigma1: number },
  binWidth = 0.2,
): { v0: Float64Array; v1: Float64Array; v2: Float64Array } {
  const tau = sigmas.sigma1 / (Math.SQRT2 * sigmas.sigma0);
  const a1 = tau / 8;
  const a2 = (tau * tau) / Math.pow(2 * Math.PI, 1.5);
  const h = binWidth / 2;
  const v0 = Float64Array.from(thresholds, (nu) => erfc(nu / Math.SQRT2) / 2);
  const v1 = Float64Array.from(thresholds, (nu) =>
    h === 0
      ? a1 * Math.exp(-nu * nu / 2)
      : (a1 * Math.sqrt(Math.PI / 2) * (erf((nu + h) / Math.SQRT2) - erf((nu - h) / Math.SQRT2))) / binWidth,
  );
  const v2 = Float64Array.from(thresholds, (nu) =>
    h === 0 ? a2 * nu * Math.exp(-nu * nu / 2) : (a2 * (Math.exp(-((nu - h) ** 2) / 2) - Math.exp(-((nu + h) ** 2) / 2))) / binWidth,
  );
  return { v0, v1, v2 };
}

export interface MinkowskiEnsemble {
  readonly n: number;
  readonly thresholds: Float64Array;
  /** Mean over the maps, sample standard deviation, and standard error of the mean, per functional. */
  readonly mean: { v0: Float64Array; v1: Float64Array; v2: Float64Array };
  readonly std: { v0: Float64Array; v1: Float64Array; v2: Float64Array };
  readonly stdErr: { v0: Float64Array; v1: Float64Array; v2: Float64Array };
}

/** Ensemble mean and scatter of the functionals of several maps (same thresholds). */
export function minkowskiEnsemble(results: readonly MinkowskiFunctionals[]): MinkowskiEnsemble {
  if (results.length === 0) throw new RangeError('minkowskiEnsemble: no maps');
  const s0 = clStats(results.map((r) => r.v0));
  const s1 = clStats(results.map((r) => r.v1));
  const s2 = clStats(results.map((r) => r.v2));
  return {
    n: results.length,
    thresholds: results[0].thresholds,
    mean: { v0: s0.mean, v1: s1.mean, v2: s2.mean },
    std: { v0: s0.std, v1: s1.std, v2: s2.std },
    stdErr: { v0: s0.stdErr, v1: s1.stdErr, v2: s2.stdErr },
  };
}

