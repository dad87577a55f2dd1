/**
 * Writes the ensemble outputs of a run directory from its finished realizations (read back from
 * the directory, in index order, so shards + merge give bitwise what one run gives): mean maps,
 * cl_<label>.csv and cl.csv, dipole.csv, diffusion.csv and the figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { writeCsv } from '../io/csv.ts';
import { readHealpixFits, writeHealpixFits } from '../io/fits.ts';
import { intensityMapFits } from '../io/intensityMap.ts';
import { combineRealizations, type MapEnsemble } from '../pipeline/ensemble.ts';
import type { RunPlan } from '../pipeline/plan.ts';
import { renderPlots } from './figures.ts';
import { mapPath } from './runDir.ts';
import type { StoredMapSummary, StoredRealizationRecord } from './runRecords.ts';

/** Per-map ensemble outputs; returns one summary per map of the plan. */
export function writeEnsemble(plan: RunPlan, records: readonly StoredRealizationRecord[], out: string): StoredMapSummary[] {
  if (records.length === 0) throw new Error('finalize: no finished realization');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const products = combineRealizations(plan, sorted, (r, m) => readHealpixFits(path.join(out, r.maps[m].file)).columns[0].data);
  const summaries = products.maps.map((e) => writeMapEnsemble(plan, e, sorted, out));
  // cl.csv: the headline spectrum, that of the last map (latest snapshot or the sphere).
  writeFileAtomic(path.join(out, 'cl.csv'), fs.readFileSync(path.join(out, summaries[summaries.length - 1].files.clCsv)));
  writeCsv(path.join(out, 'dipole.csv'), products.dipoles, [
    `dipole vectors in the ${plan.frame} frame of the maps; realization -1 is the ensemble-mean map`,
    `maps: ${plan.maps.map((s, i) => `${i}=${s.label}`).join(' ')}`,
  ]);
  if (products.diffusion !== null) {
    writeCsv(path.join(out, 'diffusion.csv'), products.diffusion, [
      'running diffusion coefficients <dx dx>/2T of the back-tracked particles, pc (units of c*pc)',
      `parallel to B0${plan.b0Direction === null ? ' (B0 = 0: isotropic trace/3 in both columns)' : ''}; errors: scatter between ${sorted.length} realizations`,
    ]);
  }
  return summaries;
}

function writeMapEnsemble(plan: RunPlan, e: MapEnsemble, records: readonly StoredRealizationRecord[], out: string): StoredMapSummary {
  const { spec, cl } = e;
  const meanFile = mapPath(out, 'mean', spec.label);
  writeHealpixFits(meanFile, intensityMapFits(plan, -1, spec, records[0].field, e.mean));
  const comments = [
    `crsky simulate: ${spec.label}, ${records.length} realizations, N_side ${plan.nside}, ${plan.perPixel} particles/pixel`,
    spec.timePc !== null && Number.isFinite(spec.timePc) ? `time_pc=${spec.timePc} omega_t=${spec.omegaT}` : `sphere_pc=${plan.config.tracking.sphereRadiusPc}`,
    'mean/std/stderr: C_l over realizations; noise: white level of shuffled skies; noise_eq71: review Eq. 71',
    'cl_hat = mean - noise, error = sqrt(var); ratio_to_c1 = cl_hat / cl_hat[1]; cl_mean_map: C_l of the ensemble-mean map (<f1><f2>, Eq. 68)',
    'cl_standard: cl_mean_map without its 1/R bias from the realization scatter (NaN for one realization); cl_excess = mean - cl_standard (relative diffusion, Eq. 68)',
    'sumrule_lhs = (1/4pi) sum_{l>=1} (2l+1) mean; sumrule_pixels: sky variance of I over pixels (all l); sumrule_rhs = 2T Ktilde_ij g_i g_j (Eq. 69-70; NaN unless fixed-time)',
  ];
  const clCsv = path.join(out, `cl_${spec.label}.csv`);
  writeCsv(clCsv, { ...cl }, comments);
  const { mapPng, clPng, clSvg } = renderPlots(plan, spec, records.length, e.mean, { l: cl.l, mean: cl.mean, std: cl.std, clHat: cl.cl_hat, error: cl.error, noise: e.summary.noise }, out);
  return {
    ...e.summary,
    files: {
      clCsv: path.relative(out, clCsv),
      meanMap: path.relative(out, meanFile),
      mapPng: path.relative(out, mapPng),
      clPng: path.relative(out, clPng),
      clSvg: path.relative(out, clSvg),
    },
  };
}
