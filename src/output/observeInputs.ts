/**
 * The inputs of `crsky observe`: the map (a run directory's mean map or any full-sky equatorial
 * HEALPix FITS map of I), the observatories (preset names or JSON definition files; "," lists
 * views side by side, "+" joins observatories into one joint view) and the events per detector.
 * Bad input is a ConfigError (exit 2) naming the option, the value and what is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { reorder } from '../analysis/healpix.ts';
import { ObservatoryDefinitionError, parseObservatory, type Observatory } from '../analysis/observatory/definition.ts';
import { OBSERVATORY_NAMES, OBSERVATORY_PRESETS } from '../analysis/observatory/presets.ts';
import { jointViewKey, repeatedName } from '../analysis/observatory/viewNames.ts';
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

/** One observatory, by preset name or JSON definition path (`item` is one entry of `spec`). */
function parseOne(item: string, spec: string): Observatory {
  if (/\.json$/i.test(item)) {
    if (!fs.existsSync(item)) throw new ConfigError(`observe --observatory ${item}: no such file`);
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(item, 'utf8'));
    } catch (e) {
      throw new ConfigError(`observe --observatory ${item}: not valid JSON (${(e as Error).message})`);
    }
    try {
      return parseObservatory(json, `observe --observatory ${item}`);
    } catch (e) {
      if (e instanceof ObservatoryDefinitionError) throw new ConfigError(e.message);
      throw e;
    }
  }
  const preset = OBSERVATORY_PRESETS[item.toLowerCase()];
  if (!preset) {
    // a bad name alone keeps its short message; in a "+" group the whole option value is named too
    const where = spec.includes('+') ? `${spec}: unknown observatory ${item}` : `${item}: unknown observatory`;
    throw new ConfigError(`observe --observatory ${where}; allowed: ${OBSERVATORY_NAMES.join(', ')} or a .json definition`);
  }
  return preset.observatory;
}

/** The views of --observatory: "," separates views side by side, "+" joins two or more observatories into one joint view. */
export interface ParsedObservatories {
  /** Each view: one observatory, or the members of a joint view (two or more, in the order given). */
  readonly views: readonly (Observatory | readonly Observatory[])[];
  /** Every observatory named, once each, in the order first named. */
  readonly observatories: readonly Observatory[];
}

/** Presets by name and JSON definitions by path, comma-separated; "a+b" is a joint view of a and b. */
export function parseObservatoryViews(spec: string): ParsedObservatories {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new ConfigError(`observe --observatory ${JSON.stringify(spec)}: name at least one of ${OBSERVATORY_NAMES.join(', ')} or a JSON file`);
  const views: (Observatory | Observatory[])[] = [];
  const viewNames: string[] = [];
  const distinct: Observatory[] = [];
  const remember = (obs: Observatory) => {
    const known = distinct.find((o) => o.name === obs.name);
    if (!known) distinct.push(obs);
    else if (JSON.stringify(known) !== JSON.stringify(obs)) throw new ConfigError(`observe --observatory ${spec}: two different observatories are named ${obs.name}`);
  };
  for (const item of items) {
    if (item.includes('+')) {
      const parts = item.split('+').map((s) => s.trim());
      if (parts.length < 2 || parts.some((s) => s === '')) {
        throw new ConfigError(`observe --observatory ${spec}: ${JSON.stringify(item)} is not a joint view; join two or more of ${OBSERVATORY_NAMES.join(', ')} or .json definitions with +, e.g. hawc+icecube`);
      }
      const group = parts.map((p) => parseOne(p, spec));
      const names = group.map((o) => o.name);
      const twice = repeatedName(names);
      if (twice !== undefined) throw new ConfigError(`observe --observatory ${spec}: ${twice} is named twice in the joint view ${item}; a joint view needs two or more different observatories`);
      const key = jointViewKey(names);
      if (views.some((v) => Array.isArray(v) && jointViewKey(v.map((o) => o.name)) === key)) throw new ConfigError(`observe --observatory ${spec}: the joint view ${names.join('+')} is named twice`);
      group.forEach(remember);
      views.push(group);
      viewNames.push(names.join('+'));
    } else {
      const obs = parseOne(item, spec);
      if (viewNames.includes(obs.name)) throw new ConfigError(`observe --observatory ${spec}: ${obs.name} is named twice`);
      remember(obs);
      views.push(obs);
      viewNames.push(obs.name);
    }
  }
  return { views, observatories: distinct };
}

/**
 * --events: one number in [1, 1e16] for every detector (alone or in a joint view), "reference"
 * for each preset's published data-set size, or name=N pairs, comma-separated, one per observatory
 * named in --observatory. Undefined: no noise.
 */
export function parseEvents(raw: string | number | undefined, observatories: readonly Observatory[]): number | Readonly<Record<string, number>> | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const names = observatories.map((o) => o.name);
  const inRange = (x: number) => Number.isFinite(x) && x >= 1 && x <= 1e16;
  const number = (s: string) => (s.trim() === '' ? NaN : Number(s));
  if (text === 'reference') {
    const out: Record<string, number> = {};
    for (const o of observatories) {
      const p = OBSERVATORY_PRESETS[o.name];
      const ref = p && p.observatory === o ? p.referenceEvents : undefined;
      if (!ref) {
        const have = OBSERVATORY_NAMES.filter((n) => OBSERVATORY_PRESETS[n].referenceEvents);
        throw new ConfigError(`observe --events reference: ${o.name} has no reference data-set size; allowed for ${have.join(', ')}, or give name=N for every observatory`);
      }
      out[o.name] = ref.count;
    }
    return out;
  }
  if (!text.includes('=')) {
    const x = number(text);
    if (!inRange(x)) throw new ConfigError(`observe --events ${text}: must be a number in [1, 1e16]`);
    return x;
  }
  const out: Record<string, number> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([^=]+)=(.*)$/.exec(pair);
    const name = m ? m[1].trim().toLowerCase() : '';
    const x = m ? number(m[2]) : NaN;
    if (!m || !names.includes(name)) throw new ConfigError(`observe --events ${text}: ${JSON.stringify(pair)} names no observatory of --observatory; allowed: name=N for each of ${names.join(', ')}`);
    if (!inRange(x)) throw new ConfigError(`observe --events ${text}: ${name} = ${m[2]} must be a number in [1, 1e16]`);
    if (name in out) throw new ConfigError(`observe --events ${text}: ${name} is given twice`);
    out[name] = x;
  }
  const missing = names.filter((n) => !(n in out));
  if (missing.length) throw new ConfigError(`observe --events ${text}: no event count for ${missing.join(', ')}; give name=N for each of ${names.join(', ')}`);
  return out;
}
