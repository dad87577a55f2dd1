/**
 * `crsky plot DIR`: re-renders the figures of a run directory from its mean maps and C_l tables
 * (e.g. wider, another centre longitude, dipole-subtracted or smoothed maps); for a spectrum run
 * also each bin's figures and the energy figures (from energy_*.csv and cross_*.csv).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { readCsv } from '../io/csv.ts';
import { readHealpixFits } from '../io/fits.ts';
import { makePlan, type RunPlan } from '../pipeline/plan.ts';
import { renderPlots, type PlotOptions } from './figures.ts';
import { readJsonFile } from './files.ts';
import { MANIFEST } from './runDir.ts';
import type { Manifest, StoredMapSummary } from './runRecords.ts';
import { renderEnergyFigures } from './spectrumFiles.ts';

/** Largest figure width: a 8000 px Mollweide raster is 128 MB of RGBA; wider is a typo. */
export const MAX_FIGURE_WIDTH = 8000;

/** Throws ConfigError naming the option, value and range; before anything is read or written. */
export function checkPlotOptions(o: PlotOptions): void {
  const w = o.width;
  if (w !== undefined && !(Number.isInteger(w) && w >= 200 && w <= MAX_FIGURE_WIDTH)) throw new ConfigError(`plot --width ${w}: must be an integer in [200, ${MAX_FIGURE_WIDTH}] px`);
  const lon = o.lonCenterDeg;
  if (lon !== undefined && !(lon >= -180 && lon <= 180)) throw new ConfigError(`plot --lon-center ${lon}: must be a number in [-180, 180] degrees`);
  const rm = o.removeMultipoles;
  if (rm !== undefined && !(Number.isInteger(rm) && rm >= 0 && rm <= 10)) throw new ConfigError(`plot --remove-multipoles ${rm}: must be an integer in [0, 10]`);
  if (o.smoothDeg !== undefined && !(o.smoothDeg > 0 && o.smoothDeg <= 180)) throw new ConfigError(`plot --smooth ${o.smoothDeg}: must be in (0, 180] degrees`);
}

/** A run's file read back; a missing or damaged one is bad input naming it (exit 2). */
function readInput<T>(file: string, read: (f: string) => T): T {
  try {
    return read(file);
  } catch (e) {
    const msg = (e as Error).message;
    throw new ConfigError(`plot: ${msg.includes(file) ? msg : `${file}: ${msg}`}`);
  }
}

/** Writes the figures again; returns the files written. */
export function replotRun(dir: string, o: PlotOptions): string[] {
  checkPlotOptions(o);
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new ConfigError(`plot: ${dir} has no ${MANIFEST}; not a crsky run directory`);
  const manifest = readJsonFile<Manifest>(manifestFile, 'plot: ');
  if (!manifest.maps) throw new ConfigError(`plot: ${dir} is not finished (status ${manifest.status}); finish it with simulate --resume`);
  const plan = makePlan(manifest.config);
  // every input read before the first figure is written: a damaged run changes nothing
  const readMaps = (p: RunPlan, summaries: readonly StoredMapSummary[], out: string) =>
    summaries.map((s) => {
      const spec = p.maps.find((m) => m.label === s.label);
      if (!spec) throw new ConfigError(`plot: map ${s.label} of the manifest does not follow from its config`);
      const mean = readInput(path.join(dir, s.files.meanMap), (f) => readHealpixFits(f).columns[0].data);
      const t = readColumns(path.join(dir, s.files.clCsv), ['l', 'mean', 'std', 'cl_hat', 'error', 'noise']);
      return { p, out, s, spec, mean, t };
    });
  const inputs = readMaps(plan, manifest.maps, dir);
  const bins = plan.spectrum ?? [];
  const stored = manifest.spectrum?.bins ?? [];
  if (stored.length !== bins.length) throw new ConfigError(`plot: ${path.join(dir, MANIFEST)}: ${stored.length} rigidity bins where its config makes ${bins.length}`);
  bins.forEach((b, i) => inputs.push(...readMaps(b.plan, stored[i].maps, path.join(dir, stored[i].dir))));
  const energy = bins.length === 0 ? [] : plan.maps.map((spec) => ({
    spec,
    tables: {
      energy: readColumns(path.join(dir, `energy_${spec.label}.csv`), ['bin', 'rigidity_pv', 'realizations', 'amplitude', 'alpha1_deg', 'amplitude_mean', 'amplitude_stderr', 'alpha1_std_deg']),
      energyCl: readColumns(path.join(dir, `energy_cl_${spec.label}.csv`), ['realization', 'rigidity_pv', 'l', 'cl', 'stderr']),
      cross: readColumns(path.join(dir, `cross_${spec.label}.csv`), ['realization', 'bin_x', 'bin_y', 'rigidity_x_pv', 'rigidity_y_pv', 'l', 'r']),
    },
  }));
  const written: string[] = [];
  for (const { p, out, s, spec, mean, t } of inputs) {
    const files = renderPlots(p, spec, s.realizations, mean, { l: t.l, mean: t.mean, std: t.std, clHat: t.cl_hat, error: t.error, noise: t.noise[0] }, out, o);
    written.push(files.mapPng, files.clPng, files.clSvg);
  }
  for (const { spec, tables } of energy) {
    written.push(...renderEnergyFigures(plan, spec, manifest.maps[0].realizations, tables, dir, o.width === undefined ? undefined : 2 * o.width));
  }
  return written;
}

/** A CSV table of the run that must have these columns. */
function readColumns(file: string, needed: readonly string[]): Record<string, Float64Array> {
  const t = readInput(file, (f) => readCsv(f).columns);
  for (const c of needed) if (!t[c]) throw new ConfigError(`plot: ${file}: no column ${c}`);
  return { ...t };
}
