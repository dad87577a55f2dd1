/**
 * The non-Gaussian statistics every run reports per map and realization, and their ensemble mean
 * and scatter: after the monopole and dipole are removed (they dominate a relative-intensity map
 * and a dipole alone has excess kurtosis −1.2), the one-point skewness and excess kurtosis
 * (analysis/moments.ts) and the three Minkowski functionals v0, v1, v2 at thresholds
 * ν = −3, −2.5, ..., 3 in units of the map's own σ0, δ-bins of width 0.5 (analysis/minkowski.ts).
 *
 * The map is not smoothed: it is band-limited at 3·N_side − 1 by the transform, and the Gaussian
 * reference (the Tomita formulas with σ0, σ1 of the ensemble-mean C_l, l ≥ 2) uses the same band,
 * so the two compare on equal terms. A Gaussian sky has skewness, kurtosis and the differences to
 * the reference all 0 in expectation. A map with a missing pixel (the sphere model's, where no
 * particle crossed) gets the moments over its finite pixels and NaN functionals (full sky only).
 */
import { clStats } from '../analysis/ensemble.ts';
import { gaussianMinkowski, gaussianSigmas, minkowskiFunctionals } from '../analysis/minkowski.ts';
import { mapMoments } from '../analysis/moments.ts';
import { removeMultipoles } from '../analysis/multipoles.ts';

/** Thresholds ν of the Minkowski functionals, in units of σ0. */
export const MINKOWSKI_THRESHOLDS: readonly number[] = Array.from({ length: 13 }, (_, i) => -3 + 0.5 * i);
/** Width of the δ-function bin of v1 and v2, in units of σ0. */
export const MINKOWSKI_BIN_WIDTH = 0.5;
/** Multipoles l ≤ this are removed before the statistics. */
export const STATISTICS_REMOVED_LMAX = 1;

/** The statistics of one map (a realization's, per map label). */
export interface MapStatistics {
  /** Variance of the map after removing l ≤ 1. */
  readonly variance: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
  /** v0, v1, v2 at MINKOWSKI_THRESHOLDS (NaN where the map is not full-sky or is constant). */
  readonly minkowski: { readonly v0: number[]; readonly v1: number[]; readonly v2: number[] };
}

function nanArray(): number[] {
  return MINKOWSKI_THRESHOLDS.map(() => NaN);
}

/** The statistics of a relative-intensity map (RING). */
export function mapStatistics(map: Float64Array): MapStatistics {
  const finite = Uint8Array.from(map, (v) => (Number.isFinite(v) ? 1 : 0));
  const fullSky = finite.every((f) => f === 1);
  let residual: Float64Array;
  try {
    residual = removeMultipoles(map, { lmax: STATISTICS_REMOVED_LMAX, mask: fullSky ? undefined : finite }).residual;
  } catch {
    // too few pixels for the fit (N_side 1 with a mask): nothing to report
    return { variance: NaN, skewness: NaN, excessKurtosis: NaN, minkowski: { v0: nanArray(), v1: nanArray(), v2: nanArray() } };
  }
  let moments = { variance: NaN, skewness: NaN, excessKurtosis: NaN };
  try {
    moments = mapMoments(residual, fullSky ? {} : { mask: finite });
  } catch {
    // fewer than two usable pixels
  }
  let minkowski = { v0: nanArray(), v1: nanArray(), v2: nanArray() };
  if (fullSky && moments.variance > 0) {
    const mf = minkowskiFunctionals(residual, { thresholds: MINKOWSKI_THRESHOLDS, binWidth: MINKOWSKI_BIN_WIDTH });
    minkowski = { v0: Array.from(mf.v0), v1: Array.from(mf.v1), v2: Array.from(mf.v2) };
  }
  return { variance: moments.variance, skewness: moments.skewness, excessKurtosis: moments.excessKurtosis, minkowski };
}

export interface ScalarStats {
  readonly mean: number;
  readonly std: number;
  readonly stderr: number;
}

/** Ensemble mean and scatter of the statistics of one map label. */
export interface StatisticsEnsemble {
  readonly realizations: number;
  readonly variance: ScalarStats;
  readonly skewness: ScalarStats;
  readonly excessKurtosis: ScalarStats;
  readonly thresholds: Float64Array;
  /** Mean, standard deviation and standard error over realizations per threshold. */
  readonly v0: { readonly mean: Float64Array; readonly std: Float64Array; readonly stderr: Float64Array };
  readonly v1: { readonly mean: Float64Array; readonly std: Float64Array; readonly stderr: Float64Array };
  readonly v2: { readonly mean: Float64Array; readonly std: Float64Array; readonly stderr: Float64Array };
  /** The Gaussian expectation with σ0, σ1 of the ensemble-mean C_l at l ≥ 2. */
  readonly gaussian: { readonly v0: Float64Array; readonly v1: Float64Array; readonly v2: Float64Array };
}

/** NaN as stored in JSON (null) read back as NaN. */
function num(x: number | null): number {
  return x === null ? NaN : x;
}

function scalar(xs: readonly (number | null)[]): ScalarStats {
  const s = clStats(xs.map((x) => [num(x)]));
  return { mean: s.mean[0], std: s.std[0], stderr: s.stdErr[0] };
}

function functional(rows: readonly (readonly (number | null)[])[]): { mean: Float64Array; std: Float64Array; stderr: Float64Array } {
  const s = clStats(rows.map((r) => r.map(num)));
  return { mean: s.mean, std: s.std, stderr: s.stdErr };
}

/**
 * Mean and scatter over the realizations' statistics (NaN stored in a record's JSON reads back as
 * null and counts as NaN); `clMean` is the ensemble-mean C_l of the same maps.
 */
export function statisticsEnsemble(stats: readonly MapStatistics[], clMean: ArrayLike<number>): StatisticsEnsemble {
  const cl = Float64Array.from(clMean, (c, l) => (l <= STATISTICS_REMOVED_LMAX ? 0 : c));
  const sigmas = gaussianSigmas(cl);
  const gaussian =
    sigmas.sigma0 > 0 ? gaussianMinkowski(MINKOWSKI_THRESHOLDS, sigmas, MINKOWSKI_BIN_WIDTH) : { v0: Float64Array.from(nanArray()), v1: Float64Array.from(nanArray()), v2: Float64Array.from(nanArray()) };
  return {
    realizations: stats.length,
    variance: scalar(stats.map((s) => s.variance)),
    skewness: scalar(stats.map((s) => s.skewness)),
    excessKurtosis: scalar(stats.map((s) => s.excessKurtosis)),
    thresholds: Float64Array.from(MINKOWSKI_THRESHOLDS),
    v0: functional(stats.map((s) => s.minkowski.v0)),
    v1: functional(stats.map((s) => s.minkowski.v1)),
    v2: functional(stats.map((s) => s.minkowski.v2)),
    gaussian,
  };
}
