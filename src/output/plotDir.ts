/**
 * `crsky plot DIR`: re-renders the figures of a run directory from its mean maps and C_l tables
 * (e.g. wider, another centre longitude, dipole-subtracted or smoothed maps).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { readCsv } from '../io/csv.ts';
import { readHealpixFits } from '../io/fits.ts';
import { makePlan } from '../pipeline/plan.ts';
import { renderPlots, type PlotOptions } from './figures.ts';
import { readJsonFile } from './files.ts';
import { MANIFEST } from './runDir.ts';
import type { Manifest } from './runRecords.ts';

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
  const inputs = manifest.maps.map((s) => {
    const spec = plan.maps.find((m) => m.label === s.label);
    if (!spec) throw new ConfigError(`plot: map ${s.label} of the manifest does not follow from its config`);
    const mean = readInput(path.join(dir, s.files.meanMap), (f) => readHealpixFits(f).columns[0].data);
    const t = readInput(path.join(dir, s.files.clCsv), (f) => readCsv(f).columns);
    for (const c of ['l', 'mean', 'std', 'cl_hat', 'error', 'noise']) {
      if (!t[c]) throw new ConfigError(`plot: ${path.join(dir, s.files.clCsv)}: no column ${c}`);
    }
    return { s, spec, mean, t };
  });
  const written: string[] = [];
  for (const { s, spec, mean, t } of inputs) {
    const files = renderPlots(plan, spec, s.realizations, mean, { l: t.l, mean: t.mean, std: t.std, clHat: t.cl_hat, error: t.error, noise: t.noise[0] }, dir, o);
    written.push(files.mapPng, files.clPng, files.clSvg);
  }
  return written;
}
