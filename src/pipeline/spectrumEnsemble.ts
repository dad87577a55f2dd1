/**
 * The ensemble stage of a spectrum run, next to the combined maps' (ensemble.ts): each bin's own
 * ensemble (as a single-rigidity run of that bin would give), and the energy dependence per
 * realization and in the ensemble:
 *   - the dipole of every bin (amplitude, direction, and the ground-array amplitude A1 and phase α1
 *     of Eq. 19, in equatorial right ascension), per realization and of the ensemble-mean map;
 *   - C_l per bin, per realization and <C_l> over the realizations;
 *   - cross-spectra C_l^{XY} between bins and r_l = <C^XY>/sqrt(<C^XX><C^YY>) of the ensemble means
 *     (the mean of per-realization ratios is biased for few modes: analysis/crossSpectra.ts).
 * Tables are columns of numbers (the output layer writes them as CSV); rows in bin and l order,
 * realizations in index order, so shards + merge give bitwise what one run gives.
 */
import { GALACTIC_TO_EQUATORIAL, applyMat3 } from '../config/frames.ts';
import type { Vec3 } from '../config/vec3.ts';
import { clStats } from '../analysis/ensemble.ts';
import { correlationCoefficient } from '../analysis/crossSpectra.ts';
import { equatorialDipole } from '../analysis/dipole.ts';
import { combineRealizations, meanErr, type EnsembleProducts } from './ensemble.ts';
import type { BinPlan, RunPlan } from './plan.ts';
import type { CrossPair, Dipole, MapRecord, RealizationRecord } from './realization.ts';

export type Columns = Record<string, Float64Array>;

export interface BinEnsemble {
  readonly bin: BinPlan;
  /** The bin's ensemble, exactly as a single-rigidity run at the bin's rigidity computes it. */
  readonly products: EnsembleProducts;
}

export interface SpectrumProducts {
  readonly bins: readonly BinEnsemble[];
  /** Per map label: one row per bin (bin −1: the combined sky) with the ensemble dipole and statistics. */
  readonly energy: readonly Columns[];
  /** Per map label: C_l per bin, per realization and the ensemble mean (realization −1). */
  readonly energyCl: readonly Columns[];
  /** Dipoles of every map label, bin and realization (−1: the ensemble-mean map). */
  readonly energyDipole: Columns;
  /** Per map label: C_l^{XY} of every pair of bins, per realization and of the ensemble means (−1) with r_l. */
  readonly cross: readonly Columns[];
}

/** A spectrum realization's record of bin `b`, shaped as a single-rigidity record. */
export function binRecord<R extends RealizationRecord>(r: R, b: number): R {
  const bin = r.bins?.[b];
  if (!bin) throw new Error(`spectrum: realization ${r.index} has no bin ${b}`);
  return { ...r, particleSteps: bin.particleSteps, maps: bin.maps };
}

/** The ground-array view (Eq. 19) of a dipole in the map's frame: A1 and α1 in equatorial right ascension. */
export function groundArray(vector: Vec3, frame: 'equatorial' | 'galactic'): { a1: number; alpha1Deg: number } {
  return equatorialDipole(frame === 'galactic' ? applyMat3(GALACTIC_TO_EQUATORIAL, vector) : vector);
}

/** Circular standard deviation of angles in degrees, sqrt(−2 ln R̄) (NaN for fewer than 2). */
export function circularStdDeg(anglesDeg: readonly number[]): number {
  if (anglesDeg.length < 2) return NaN;
  let c = 0;
  let s = 0;
  for (const a of anglesDeg) {
    c += Math.cos((a * Math.PI) / 180);
    s += Math.sin((a * Math.PI) / 180);
  }
  const rbar = Math.min(1, Math.hypot(c, s) / anglesDeg.length);
  return (Math.sqrt(-2 * Math.log(rbar)) * 180) / Math.PI;
}

export function combineSpectrum<R extends RealizationRecord>(
  plan: RunPlan,
  records: readonly R[],
  binMapOf: (record: R, bin: number, m: number) => Float64Array,
  combined: EnsembleProducts,
): SpectrumProducts {
  const binsPlan = plan.spectrum;
  if (!binsPlan) throw new Error('combineSpectrum: not a spectrum run');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const bins = binsPlan.map((bin, b) => ({
    bin,
    products: combineRealizations(bin.plan, sorted.map((r) => binRecord(r, b)), (r, m) => binMapOf(r, b, m)),
  }));
  return {
    bins,
    energy: plan.maps.map((_s, m) => energyTable(plan, sorted, bins, combined, m)),
    energyCl: plan.maps.map((_s, m) => energyClTable(sorted, bins, m)),
    energyDipole: energyDipoleTable(plan, sorted, bins),
    cross: plan.maps.map((_s, m) => crossTable(sorted, bins, m)),
  };
}

function energyTable(plan: RunPlan, records: readonly RealizationRecord[], bins: readonly BinEnsemble[], combined: EnsembleProducts, m: number): Columns {
  const rows: number[][] = [];
  const row = (bin: number, rigidity: number, weight: number, mean: Dipole, recs: readonly MapRecord[], e: EnsembleProducts) => {
    const g = groundArray(mean.vector, plan.frame);
    const phases = recs.map((r) => groundArray(r.dipole.vector, plan.frame).alpha1Deg);
    const amp = meanErr(recs.map((r) => r.dipole.amplitude));
    const s = e.maps[m].summary;
    rows.push([
      bin,
      rigidity,
      weight,
      recs.length,
      mean.amplitude,
      mean.lonDeg,
      mean.latDeg,
      g.a1,
      g.alpha1Deg,
      amp.mean,
      amp.err,
      circularStdDeg(phases),
      s.skewness.mean,
      s.skewness.stderr,
      s.excessKurtosis.mean,
      s.excessKurtosis.stderr,
    ]);
  };
  bins.forEach(({ bin, products }) => row(bin.index, bin.rigidityPV, bin.weight, products.maps[m].summary.meanDipole, records.map((r) => r.bins![bin.index].maps[m]), products));
  row(-1, NaN, 1, combined.maps[m].summary.meanDipole, records.map((r) => r.maps[m]), combined);
  const names = [
    'bin',
    'rigidity_pv',
    'weight',
    'realizations',
    'amplitude',
    'lon_deg',
    'lat_deg',
    'a1',
    'alpha1_deg',
    'amplitude_mean',
    'amplitude_stderr',
    'alpha1_std_deg',
    'skewness_mean',
    'skewness_stderr',
    'kurtosis_mean',
    'kurtosis_stderr',
  ];
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
}

function energyClTable(records: readonly RealizationRecord[], bins: readonly BinEnsemble[], m: number): Columns {
  const rows: number[][] = [];
  for (const { bin, products } of bins) {
    const cl = products.maps[m].cl;
    for (let l = 0; l < cl.l.length; l++) rows.push([-1, bin.index, bin.rigidityPV, l, cl.mean[l], cl.stderr[l], cl.cl_hat[l], cl.error[l]]);
    for (const r of records) {
      const c = r.bins![bin.index].maps[m].cl;
      for (let l = 0; l < c.length; l++) rows.push([r.index, bin.index, bin.rigidityPV, l, c[l], NaN, NaN, NaN]);
    }
  }
  const names = ['realization', 'bin', 'rigidity_pv', 'l', 'cl', 'stderr', 'cl_hat', 'error'];
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
}

function energyDipoleTable(plan: RunPlan, records: readonly RealizationRecord[], bins: readonly BinEnsemble[]): Columns {
  const rows: number[][] = [];
  plan.maps.forEach((_spec, m) => {
    const push = (bin: number, rigidity: number, realization: number, d: Dipole) => {
      const g = groundArray(d.vector, plan.frame);
      rows.push([m, bin, rigidity, realization, d.vector[0], d.vector[1], d.vector[2], d.amplitude, d.lonDeg, d.latDeg, g.a1, g.alpha1Deg]);
    };
    for (const { bin, products } of bins) {
      push(bin.index, bin.rigidityPV, -1, products.maps[m].summary.meanDipole);
      for (const r of records) push(bin.index, bin.rigidityPV, r.index, r.bins![bin.index].maps[m].dipole);
    }
  });
  const names = ['map', 'bin', 'rigidity_pv', 'realization', 'dx', 'dy', 'dz', 'amplitude', 'lon_deg', 'lat_deg', 'a1', 'alpha1_deg'];
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
}

/** The cross-spectrum of bins x < y in realization r's record (records keep the pairs in x, y order). */
function pairOf(r: RealizationRecord, m: number, x: number, y: number): CrossPair {
  const p = r.cross?.[m]?.pairs.find((q) => q.x === x && q.y === y);
  if (!p) throw new Error(`spectrum: realization ${r.index} has no cross-spectrum of bins ${x} and ${y}`);
  return p;
}

/**
 * Ensemble rows (realization −1): <C^XY> with its standard error, <C^XX>, <C^YY> (the bins' <C_l>)
 * and r_l of those means; then per realization C^XY, C^XX, C^YY and that realization's r_l.
 */
export function crossTable(records: readonly RealizationRecord[], bins: readonly BinEnsemble[], m: number): Columns {
  const rows: number[][] = [];
  for (let x = 0; x < bins.length; x++) {
    for (let y = x + 1; y < bins.length; y++) {
      const rx = bins[x].bin.rigidityPV;
      const ry = bins[y].bin.rigidityPV;
      const xy = clStats(records.map((r) => pairOf(r, m, x, y).cl));
      const xx = bins[x].products.maps[m].cl.mean;
      const yy = bins[y].products.maps[m].cl.mean;
      const r = correlationCoefficient(xy.mean, xx, yy);
      for (let l = 0; l < xy.mean.length; l++) rows.push([-1, x, y, rx, ry, l, xy.mean[l], xy.stdErr[l], xx[l], yy[l], r[l]]);
      for (const rec of records) {
        const cxy = pairOf(rec, m, x, y).cl;
        const cxx = rec.bins![x].maps[m].cl;
        const cyy = rec.bins![y].maps[m].cl;
        const rr = correlationCoefficient(cxy, cxx, cyy);
        for (let l = 0; l < cxy.length; l++) rows.push([rec.index, x, y, rx, ry, l, cxy[l], NaN, cxx[l], cyy[l], rr[l]]);
      }
    }
  }
  const names = ['realization', 'bin_x', 'bin_y', 'rigidity_x_pv', 'rigidity_y_pv', 'l', 'cl_xy', 'cl_xy_stderr', 'cl_xx', 'cl_yy', 'r'];
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
}
