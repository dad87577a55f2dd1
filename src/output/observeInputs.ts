/**
 * The inputs of `crsky observe`: the map (a run directory's mean map or any full-sky equatorial
 * HEALPix FITS map of I) and the observatories (preset names or JSON definition files). Bad input
 * is a ConfigError (exit 2) naming the option, the value and what is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { reorder } from '../analysis/healpix.ts';
import { ObservatoryDefinitionError, parseObservatory, type Observatory } from '../analysis/observatory/definition.ts';
import { OBSERVATORY_NAMES, OBSERVATORY_PRESETS } from '../analysis/observatory/presets.ts';
import { readHealpixFits } from '../io/fits.ts';

/** The map to observe: RING order, the file it came from and its label (run directories). */
export interface InputMap {
  readonly map: Float64Array;
  readonly file: string;
  readonly label: string | null;
  readonly name: string;
}

/** The finished mean map of a run directory (`--label`, default the last snapshot). */
function runDirMap(dir: string, label: string | undefined): { file: string; label: string } {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new ConfigError(`observe ${dir}: a directory must be a crsky run directory (no manifest.json there)`);
  let manifest: { maps?: { label: string; files: { meanMap: string } }[] | null; status?: string };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    throw new ConfigError(`observe ${dir}: manifest.json is not readable JSON`);
  }
  const maps = manifest.maps;
  if (!Array.isArray(maps) || maps.length === 0) throw new ConfigError(`observe ${dir}: the run is not finished (status ${manifest.status ?? 'unknown'}); finish it with simulate --resume`);
  const labels = maps.map((m) => m.label);
  const chosen = label === undefined ? maps[maps.length - 1] : maps.find((m) => m.label === label);
  if (!chosen) throw new ConfigError(`observe --label ${label}: not a map of ${dir}; allowed: ${labels.join(', ')}`);
  return { file: path.join(dir, chosen.files.meanMap), label: chosen.label };
}

export function readInput(input: string, label: string | undefined): InputMap {
  if (!fs.existsSync(input)) throw new ConfigError(`observe ${input}: no such file or directory (give a run directory or a HEALPix FITS map)`);
  let file = input;
  let chosen: string | null = null;
  if (fs.statSync(input).isDirectory()) {
    const r = runDirMap(input, label);
    file = r.file;
    chosen = r.label;
  } else if (label !== undefined) {
    throw new ConfigError(`observe --label ${label}: only for a run directory, not for the map file ${input}`);
  }
  let fits: ReturnType<typeof readHealpixFits>;
  try {
    fits = readHealpixFits(file);
  } catch (e) {
    throw new ConfigError(`observe ${file}: ${(e as Error).message}`);
  }
  if (fits.coordsys !== null && fits.coordsys !== 'C') {
    throw new ConfigError(`observe ${file}: COORDSYS ${fits.coordsys}: an observatory needs an equatorial map (C); simulate with particles.frame=equatorial`);
  }
  const col = fits.columns[0];
  const map = fits.ordering === 'NESTED' ? reorder(col.data, 'n2r') : Float64Array.from(col.data);
  let bad = 0, first = -1;
  for (let p = 0; p < map.length; p++) {
    if (!(Number.isFinite(map[p]) && map[p] > 0)) {
      bad++;
      if (first < 0) first = p;
    }
  }
  if (bad > 0) throw new ConfigError(`observe ${file}: ${bad} pixels are not a positive relative intensity (pixel ${first} is ${map[first]}); the map must be a full-sky I > 0`);
  const name = chosen ? `${path.basename(path.resolve(input))} [${chosen}]` : path.basename(file);
  return { map, file, label: chosen, name };
}

/** Presets by name and JSON definitions by path, comma-separated. */
export function parseObservatories(spec: string): Observatory[] {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new ConfigError(`observe --observatory ${JSON.stringify(spec)}: name at least one of ${OBSERVATORY_NAMES.join(', ')} or a JSON file`);
  const out: Observatory[] = [];
  for (const item of items) {
    let obs: Observatory;
    if (/\.json$/i.test(item)) {
      if (!fs.existsSync(item)) throw new ConfigError(`observe --observatory ${item}: no such file`);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(item, 'utf8'));
      } catch (e) {
        throw new ConfigError(`observe --observatory ${item}: not valid JSON (${(e as Error).message})`);
      }
      try {
        obs = parseObservatory(json, `observe --observatory ${item}`);
      } catch (e) {
        if (e instanceof ObservatoryDefinitionError) throw new ConfigError(e.message);
        throw e;
      }
    } else {
      const preset = OBSERVATORY_PRESETS[item.toLowerCase()];
      if (!preset) throw new ConfigError(`observe --observatory ${item}: unknown observatory; allowed: ${OBSERVATORY_NAMES.join(', ')} or a .json definition`);
      obs = preset.observatory;
    }
    if (out.some((o) => o.name === obs.name)) throw new ConfigError(`observe --observatory ${spec}: ${obs.name} is named twice`);
    out.push(obs);
  }
  return out;
}

