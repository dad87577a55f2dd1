/**
 * The ensemble stage of a sky-map run: from the finished realizations (sorted by index, so a
 * merged set of shards gives bitwise the same result as one run) to the mean maps, the C_l
 * statistics with noise, the dipoles and the diffusion coefficients. In memory; the output layer
 * writes the tables and figures.
 */
import { clStats, noiseSubtractedCl, ratioToDipole } from '../analysis/ensemble.ts';
import { clMinusMonopole } from './analyze.ts';
import type { MapSpec, RunPlan } from './plan.ts';
import { mapStatistics, statisticsEnsemble, type MapStatistics, type StatisticsEnsemble } from './mapStatistics.ts';
import { dipoleOf, type Dipole, type MapRecord, type RealizationRecord } from './realization.ts';

/** The columns of cl_<label>.csv, in file order. */
export interface ClColumns {
  readonly l: Float64Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly stderr: Float64Array;
  readonly noise: Float64Array;
  readonly noise_eq71: Float64Array;
  readonly cl_hat: Float64Array;
  readonly error: Float64Array;
  readonly ratio_to_c1: Float64Array;
  readonly ratio_err: Float64Array;
  readonly cl_mean_map: Float64Array;
  readonly cl_standard: Float64Array;
  readonly cl_excess: Float64Array;
  /** Review Eq. 69 (pipeline/sumRule.ts), means over realizations, repeated on every row (NaN where it does not apply). */
  readonly sumrule_lhs: Float64Array;
  readonly sumrule_pixels: Float64Array;
  readonly sumrule_rhs: Float64Array;
}

export interface MapSummary {
  readonly label: string;
  readonly timePc: number | null;
  readonly omegaT: number | null;
  readonly realizations: number;
  /** <C_l> over realizations. */
  readonly clMean: number[];
  /** Noise-subtracted Ĉ_l = <C_l> − N and its error. */
  readonly clHat: number[];
  readonly clHatError: number[];
  /** Noise level N used for Ĉ_l (shuffled-sky white level, mean over realizations). */
  readonly noise: number;
  readonly noiseEq71: number | null;
  /** Dipole of the ensemble-mean map. */
  readonly meanDipole: Dipole;
  /** Mean and standard error of the realizations' dipole amplitudes. */
  readonly dipoleAmplitudeMean: number;
  readonly dipoleAmplitudeErr: number;
  /** Review Eq. 69: both sides with standard errors over realizations (null where it does not apply). */
  readonly sumRule?: { readonly lhs: number; readonly lhsErr: number; readonly pixels: number; readonly pixelsErr: number; readonly rhs: number; readonly rhsErr: number } | null;
  /** Ensemble mean and standard error of the skewness and excess kurtosis after removing l <= 1. */
  readonly skewness: { readonly mean: number; readonly stderr: number };
  readonly excessKurtosis: { readonly mean: number; readonly stderr: number };
}

export interface MapEnsemble {
  readonly spec: MapSpec;
  /** Ensemble-mean relative-intensity map. */
  readonly mean: Float64Array;
  readonly cl: ClColumns;
  readonly summary: MapSummary;
  /** Ensemble mean and scatter of the non-Gaussian statistics (pipeline/mapStatistics.ts). */
  readonly statistics: StatisticsEnsemble;
}

export interface EnsembleProducts {
  /** One per map of the plan. */
  readonly maps: readonly MapEnsemble[];
  /** dipole.csv: every map's mean-map dipole (realization −1) and each realization's. */
  readonly dipoles: Readonly<Record<string, Float64Array>>;
  /** diffusion.csv: running K at each snapshot with errors; null when no map has them (sphere). */
  readonly diffusion: Readonly<Record<string, Float64Array>> | null;
}

/** Mean and standard error. */
export function meanErr(xs: readonly number[]): { mean: number; err: number } {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  if (n < 2) return { mean, err: NaN };
  const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, err: Math.sqrt(v / n) };
}

/**
 * Combines the realizations. `mapOf(r, m)` gives map m of record r (from memory, or read back
 * from a run directory). Records are sorted by index first.
 */
export function combineRealizations<R extends RealizationRecord>(plan: RunPlan, records: readonly R[], mapOf: (record: R, m: number) => Float64Array): EnsembleProducts {
  if (records.length === 0) throw new Error('ensemble: no finished realization');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const maps = plan.maps.map((spec, m) => combineMap(plan, spec, m, sorted, mapOf));
  return { maps, dipoles: dipoleColumns(plan, sorted, maps), diffusion: diffusionColumns(plan, sorted) };
}

function combineMap<R extends RealizationRecord>(plan: RunPlan, spec: MapSpec, m: number, records: readonly R[], mapOf: (record: R, m: number) => Float64Array): MapEnsemble {
  const recs = records.map((r) => r.maps[m]);
  // Ensemble-mean map: sum in index order, so shards + merge reproduce one run exactly.
  const mean = new Float64Array(plan.npix);
  const statistics: MapStatistics[] = [];
  for (const r of records) {
    const map = mapOf(r, m);
    for (let p = 0; p < plan.npix; p++) mean[p] += map[p];
    // records of an older crsky lack them: the same function of the stored (float64) map
    statistics.push(r.maps[m].statistics ?? mapStatistics(map));
  }
  for (let p = 0; p < plan.npix; p++) mean[p] /= recs.length;

  const stats = clStats(recs.map((r) => r.cl));
  const noise = recs.reduce((a, r) => a + r.noiseShuffled, 0) / recs.length;
  const eq71 = recs.every((r) => r.noiseEq71 !== null) ? recs.reduce((a, r) => a + r.noiseEq71!, 0) / recs.length : null;
  const ns = noiseSubtractedCl(stats, noise);
  const ratio = ratioToDipole(ns.chat, ns.variance);
  // C_l of the mean map: the <f1><f2> (standard-diffusion) part of Eq. 67-68.
  const standard = clMinusMonopole(mean, plan.lmax);
  const n = recs.length;
  const standardUnbiased = standard.map((v, i) => (n > 1 ? (n * v - stats.mean[i]) / (n - 1) : NaN));
  const l = Float64Array.from(stats.mean, (_v, i) => i);
  const error = Float64Array.from(ns.variance, Math.sqrt);
  const sumRule = sumRuleSummary(recs);
  const fill = (v: number | undefined) => new Float64Array(l.length).fill(v ?? NaN);
  const cl: ClColumns = {
    l,
    mean: stats.mean,
    std: stats.std,
    stderr: stats.stdErr,
    noise: new Float64Array(l.length).fill(noise),
    noise_eq71: new Float64Array(l.length).fill(eq71 ?? NaN),
    cl_hat: ns.chat,
    error,
    ratio_to_c1: ratio.ratio,
    ratio_err: ratio.sigma,
    cl_mean_map: standard,
    // Without the 1/R share of the realization scatter that the mean map still carries:
    // (R·standard − full)/(R − 1); the rest, full − that, is the <δd1 δd2> term of Eq. 68.
    cl_standard: standardUnbiased,
    cl_excess: standardUnbiased.map((v, i) => stats.mean[i] - v),
    sumrule_lhs: fill(sumRule?.lhs),
    sumrule_pixels: fill(sumRule?.pixels),
    sumrule_rhs: fill(sumRule?.rhs),
  };
  const amp = meanErr(recs.map((r) => r.dipole.amplitude));
  const st = statisticsEnsemble(statistics, stats.mean);
  return {
    spec,
    mean,
    cl,
    summary: {
      label: spec.label,
      timePc: recs[0].timePc,
      omegaT: recs[0].omegaT,
      realizations: records.length,
      clMean: Array.from(stats.mean),
      clHat: Array.from(ns.chat),
      clHatError: Array.from(error),
      noise,
      noiseEq71: eq71,
      meanDipole: dipoleOf(mean),
      dipoleAmplitudeMean: amp.mean,
      dipoleAmplitudeErr: amp.err,
      sumRule,
      skewness: { mean: st.skewness.mean, stderr: st.skewness.stderr },
      excessKurtosis: { mean: st.excessKurtosis.mean, stderr: st.excessKurtosis.stderr },
    },
    statistics: st,
  };
}

function sumRuleSummary(recs: readonly MapRecord[]): MapSummary['sumRule'] {
  if (!recs.every((r) => r.sumRule)) return null;
  const side = (f: (s: NonNullable<MapRecord['sumRule']>) => number) => meanErr(recs.map((r) => f(r.sumRule!)));
  const lhs = side((s) => s.lhs);
  const pixels = side((s) => s.pixels);
  const rhs = side((s) => s.rhs);
  return { lhs: lhs.mean, lhsErr: lhs.err, pixels: pixels.mean, pixelsErr: pixels.err, rhs: rhs.mean, rhsErr: rhs.err };
}

function dipoleColumns(plan: RunPlan, records: readonly RealizationRecord[], maps: readonly MapEnsemble[]): Record<string, Float64Array> {
  const rows: number[][] = [];
  plan.maps.forEach((spec, m) => {
    const push = (realization: number, d: Dipole) =>
      rows.push([m, spec.timePc, spec.omegaT, realization, d.vector[0], d.vector[1], d.vector[2], d.amplitude, d.lonDeg, d.latDeg]);
    push(-1, maps[m].summary.meanDipole);
    for (const r of records) push(r.index, r.maps[m].dipole);
  });
  const names = ['map', 'time_pc', 'omega_t', 'realization', 'dx', 'dy', 'dz', 'amplitude', 'lon_deg', 'lat_deg'];
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
}

function diffusionColumns(plan: RunPlan, records: readonly RealizationRecord[]): Record<string, Float64Array> | null {
  const rows = plan.maps
    .map((spec, m) => ({ spec, d: records.map((r) => r.maps[m].diffusion) }))
    .filter((x) => x.d.every((d) => d !== null));
  if (rows.length === 0) return null;
  const par = rows.map((x) => meanErr(x.d.map((d) => d!.parallelPc)));
  const perp = rows.map((x) => meanErr(x.d.map((d) => d!.perpendicularPc)));
  return {
    time_pc: Float64Array.from(rows, (x) => x.spec.timePc),
    omega_t: Float64Array.from(rows, (x) => x.spec.omegaT),
    k_par_pc: Float64Array.from(par, (p) => p.mean),
    k_par_err_pc: Float64Array.from(par, (p) => p.err),
    k_perp_pc: Float64Array.from(perp, (p) => p.mean),
    k_perp_err_pc: Float64Array.from(perp, (p) => p.err),
  };
}
