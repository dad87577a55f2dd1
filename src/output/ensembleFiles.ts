/**
 * Writes the ensemble outputs of a run directory from its finished realizations (read back from
 * the directory, in index order, so shards + merge give bitwise what one run gives): mean maps,
 * cl_<label>.csv and cl.csv, dipole.csv, diffusion.csv, statistics.csv, minkowski_<label>.csv and
 * the figures. A spectrum run writes these for its combined maps at the top and for each bin under
 * bins/bNN/, then the energy dependence (spectrumFiles.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { writeCsv } from '../io/csv.ts';
import { readHealpixFits, writeHealpixFits } from '../io/fits.ts';
import { intensityMapFits } from '../io/intensityMap.ts';
import { combineRealizations, type EnsembleProducts, type MapEnsemble } from '../pipeline/ensemble.ts';
import { MINKOWSKI_BIN_WIDTH, STATISTICS_REMOVED_LMAX } from '../pipeline/mapStatistics.ts';
import type { RunPlan } from '../pipeline/plan.ts';
import { binRecord, combineSpectrum } from '../pipeline/spectrumEnsemble.ts';
import { renderPlots } from './figures.ts';
import { binDir, mapPath } from './runDir.ts';
import type { StoredBinSummary, StoredMapSummary, StoredRealizationRecord } from './runRecords.ts';
import { writeSpectrumTables } from './spectrumFiles.ts';

export interface EnsembleSummaries {
  /** One per map of the plan (the combined maps of a spectrum run). */
  readonly maps: StoredMapSummary[];
  /** A spectrum run's bins; null for one rigidity. */
  readonly spectrum: { readonly bins: StoredBinSummary[] } | null;
}

/** All ensemble outputs of the run in `out`; returns the summaries for the manifest. */
export function writeEnsemble(plan: RunPlan, records: readonly StoredRealizationRecord[], out: string): EnsembleSummaries {
  if (records.length === 0) throw new Error('finalize: no finished realization');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const read = (file: string) => readHealpixFits(path.join(out, file)).columns[0].data;
  const products = combineRealizations(plan, sorted, (r, m) => read(r.maps[m].file));
  const maps = writeProducts(plan, products, sorted, out, out);
  if (!plan.spectrum) return { maps, spectrum: null };
  const sp = combineSpectrum(plan, sorted, (r, b, m) => read(r.bins![b].maps[m].file), products);
  const bins = sp.bins.map(({ bin, products: p }): StoredBinSummary => {
    const dir = binDir(out, bin.label);
    return {
      label: bin.label,
      rigidityPV: bin.rigidityPV,
      rMinPV: bin.rMinPV,
      rMaxPV: bin.rMaxPV,
      weight: bin.weight,
      species: bin.species,
      dir: path.relative(out, dir),
      maps: writeProducts(bin.plan, p, sorted.map((r) => binRecord(r, bin.index)), dir, out),
    };
  });
  writeSpectrumTables(plan, sp, out);
  return { maps, spectrum: { bins } };
}

/**
 * One ensemble's tables, mean maps and figures into `dir` (the run, or a bin's directory);
 * summary paths relative to `root`.
 */
function writeProducts(plan: RunPlan, products: EnsembleProducts, sorted: readonly StoredRealizationRecord[], dir: string, root: string): StoredMapSummary[] {
  const summaries = products.maps.map((e) => writeMapEnsemble(plan, e, sorted, dir, root));
  // cl.csv: the headline spectrum, that of the last map (latest snapshot or the sphere).
  writeFileAtomic(path.join(dir, 'cl.csv'), fs.readFileSync(path.join(root, summaries[summaries.length - 1].files.clCsv)));
  writeCsv(path.join(dir, 'dipole.csv'), products.dipoles, [
    `dipole vectors in the ${plan.frame} frame of the maps; realization -1 is the ensemble-mean map`,
    `maps: ${plan.maps.map((s, i) => `${i}=${s.label}`).join(' ')}`,
  ]);
  if (products.diffusion !== null) {
    writeCsv(path.join(dir, 'diffusion.csv'), products.diffusion, [
      'running diffusion coefficients <dx dx>/2T of the back-tracked particles, pc (units of c*pc)',
      `parallel to B0${plan.b0Direction === null ? ' (B0 = 0: isotropic trace/3 in both columns)' : ''}; errors: scatter between ${sorted.length} realizations`,
    ]);
  }
  writeStatistics(plan, products, sorted.length, dir);
  return summaries;
}

/** statistics.csv (one row per map) and minkowski_<label>.csv: the non-Gaussian statistics' ensemble mean and scatter. */
function writeStatistics(plan: RunPlan, products: EnsembleProducts, n: number, dir: string): void {
  const rows = products.maps.map((e, m) => {
    const s = e.statistics;
    return [m, e.spec.timePc, e.spec.omegaT, s.realizations, s.skewness.mean, s.skewness.std, s.skewness.stderr, s.excessKurtosis.mean, s.excessKurtosis.std, s.excessKurtosis.stderr, s.variance.mean, s.variance.std];
  });
  const names = ['map', 'time_pc', 'omega_t', 'realizations', 'skewness_mean', 'skewness_std', 'skewness_stderr', 'kurtosis_mean', 'kurtosis_std', 'kurtosis_stderr', 'variance_mean', 'variance_std'];
  writeCsv(
    path.join(dir, 'statistics.csv'),
    Object.fromEntries(names.map((k, i) => [k, Float64Array.from(rows, (r) => r[i])])),
    [
      `one-point statistics of each realization's map after removing l <= ${STATISTICS_REMOVED_LMAX}: mean, standard deviation and standard error over ${n} realizations`,
      'kurtosis: excess kurtosis m4/m2^2 - 3; a Gaussian sky has skewness and kurtosis 0',
      `maps: ${plan.maps.map((s, i) => `${i}=${s.label}`).join(' ')}`,
    ],
  );
  for (const e of products.maps) {
    const s = e.statistics;
    const cols: Record<string, Float64Array> = { nu: s.thresholds };
    for (const k of ['v0', 'v1', 'v2'] as const) {
      cols[`${k}_mean`] = s[k].mean;
      cols[`${k}_std`] = s[k].std;
      cols[`${k}_stderr`] = s[k].stderr;
      cols[`${k}_gauss`] = s.gaussian[k];
    }
    writeCsv(path.join(dir, `minkowski_${e.spec.label}.csv`), cols, [
      `Minkowski functionals of each realization's ${e.spec.label} map after removing l <= ${STATISTICS_REMOVED_LMAX}, thresholds nu in units of the map's sigma0, delta-bins of width ${MINKOWSKI_BIN_WIDTH}`,
      'v0 area fraction, v1 boundary length/(16 pi), v2 (Euler characteristic - 2 v0)/(4 pi) (src/analysis/minkowski.ts)',
      `mean, std, stderr over ${n} realizations; gauss: the Gaussian expectation (Tomita) with sigma0, sigma1 of the ensemble-mean C_l, l >= ${STATISTICS_REMOVED_LMAX + 1}`,
    ]);
  }
}

function writeMapEnsemble(plan: RunPlan, e: MapEnsemble, records: readonly StoredRealizationRecord[], out: string, root: string): StoredMapSummary {
  const { spec, cl } = e;
  const meanFile = mapPath(out, 'mean', spec.label);
  writeHealpixFits(meanFile, intensityMapFits(plan, -1, spec, records[0].field, e.mean));
  const comments = [
    `crsky simulate: ${spec.label}, ${records.length} realizations, N_side ${plan.nside}, ${plan.perPixel} particles/pixel`,
    spec.snapshot >= 0 ? `time_pc=${spec.timePc} omega_t=${spec.omegaT}` : `sphere_pc=${plan.config.tracking.sphereRadiusPc}`,
    'mean/std/stderr: C_l over realizations; noise: white level of shuffled skies; noise_eq71: review Eq. 71',
    'cl_hat = mean - noise, error = sqrt(var); ratio_to_c1 = cl_hat / cl_hat[1]; cl_mean_map: C_l of the ensemble-mean map (<f1><f2>, Eq. 68)',
    'cl_standard: cl_mean_map without its 1/R bias from the realization scatter (NaN for one realization); cl_excess = mean - cl_standard (relative diffusion, Eq. 68)',
    'sumrule_lhs = (1/4pi) sum_{l>=1} (2l+1) mean; sumrule_pixels: sky variance of I over pixels (all l); sumrule_rhs = 2T Ktilde_ij g_i g_j (Eq. 69-70; NaN unless fixed-time)',
  ];
  if (plan.spectrum) comments.splice(1, 0, `combined sky: flux-weighted sum of ${plan.spectrum.length} rigidity bins (spectrum.csv); omega_t in each bin's own Omega`);
  const clCsv = path.join(out, `cl_${spec.label}.csv`);
  writeCsv(clCsv, { ...cl }, comments);
  const { mapPng, clPng, clSvg } = renderPlots(plan, spec, records.length, e.mean, { l: cl.l, mean: cl.mean, std: cl.std, clHat: cl.cl_hat, error: cl.error, noise: e.summary.noise }, out);
  return {
    ...e.summary,
    files: {
      clCsv: path.relative(root, clCsv),
      meanMap: path.relative(root, meanFile),
      mapPng: path.relative(root, mapPng),
      clPng: path.relative(root, clPng),
      clSvg: path.relative(root, clSvg),
    },
  };
}
