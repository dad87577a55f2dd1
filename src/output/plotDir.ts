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
import { MANIFEST, readJson } from './runDir.ts';
import type { Manifest } from './runRecords.ts';

/** Writes the figures again; returns the files written. */
export function replotRun(dir: string, o: PlotOptions): string[] {
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new ConfigError(`plot: ${dir} has no ${MANIFEST}; not a crsky run directory`);
  const manifest = readJson<Manifest>(manifestFile);
  if (!manifest.maps) throw new ConfigError(`plot: ${dir} is not finished (status ${manifest.status}); finish it with simulate --resume`);
  const rm = o.removeMultipoles;
  if (rm !== undefined && !(Number.isInteger(rm) && rm >= 0 && rm <= 10)) throw new ConfigError(`plot --remove-multipoles ${rm}: must be an integer in [0, 10]`);
  if (o.smoothDeg !== undefined && !(o.smoothDeg > 0 && o.smoothDeg <= 180)) throw new ConfigError(`plot --smooth ${o.smoothDeg}: must be in (0, 180] degrees`);
  if (o.width !== undefined && !(o.width >= 200)) throw new ConfigError(`plot --width ${o.width}: must be >= 200 px`);
  const plan = makePlan(manifest.config);
  const written: string[] = [];
  for (const s of manifest.maps) {
    const spec = plan.maps.find((m) => m.label === s.label);
    if (!spec) throw new ConfigError(`plot: map ${s.label} of the manifest does not follow from its config`);
    const mean = readHealpixFits(path.join(dir, s.files.meanMap)).columns[0].data;
    const t = readCsv(path.join(dir, s.files.clCsv)).columns;
    const files = renderPlots(plan, spec, s.realizations, mean, { l: t.l, mean: t.mean, std: t.std, clHat: t.cl_hat, error: t.error, noise: t.noise[0] }, dir, o);
    written.push(files.mapPng, files.clPng, files.clSvg);
  }
  return written;
}
