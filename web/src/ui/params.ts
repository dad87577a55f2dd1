/**
 * The page's settings as data: a preset, config overrides by path (exactly `crsky simulate
 * --preset P --set path=value`), the backend and the view. They live in the URL, so a view can
 * be shared: ?preset=quick&particles.nside=16&tracking.timesOmega=[10,50]&backend=cpu&frame=galactic.
 * A bad or out-of-range parameter is dropped with the schema's message (naming it and the allowed
 * range) and the page goes on with the rest.
 */
import { ConfigError, PRESETS, mergeConfig, parseOverride, resolveConfig, validateConfig, type Config, type Json, type JsonObject } from '../../../src/core.ts';
import { BACKEND_REQUESTS, type BackendRequest } from '../engine/protocol.ts';

export const DEFAULT_PRESET = 'quick';
/** The page keeps maps small enough to draw and analyse live (the CLI has no such limit). */
export const PAGE_NSIDE = { min: 8, max: 128 } as const;

export interface ViewSettings {
  readonly frame: 'equatorial' | 'galactic';
  readonly removeDipole: boolean;
  readonly smoothDeg: number;
}

export interface PageSettings {
  readonly preset: string;
  /** Config overrides by dotted path, in the order given. */
  readonly sets: ReadonlyMap<string, Json>;
  readonly backend: BackendRequest;
  readonly view: ViewSettings;
}

export const DEFAULT_VIEW: ViewSettings = { frame: 'equatorial', removeDipole: false, smoothDeg: 0 };

/** Parses a value as --set does: JSON when it parses, else the text. */
function parseValue(raw: string): Json {
  try {
    return JSON.parse(raw) as Json;
  } catch {
    return raw;
  }
}

function isKindObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.kind === 'string';
}

/** `input` with the value at `path` replaced (not merged): a union member chosen by its kind. */
function replaceAt(input: JsonObject, keys: readonly string[], value: Json): JsonObject {
  const [k, ...rest] = keys;
  if (rest.length === 0) return { ...input, [k]: value };
  const next = input[k];
  return { ...input, [k]: replaceAt(typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}, rest, value) };
}

/**
 * The validated config of these settings, or a ConfigError with the schema's messages. Overrides
 * merge as `--set` does, except that an object with a `kind` (a spectrum) replaces the one
 * before it, so switching the spectrum kind leaves no field of the other kind behind.
 */
export function configOf(preset: string, sets: ReadonlyMap<string, Json>): Config {
  let input = resolveConfig({ preset }).input;
  for (const [path, value] of sets) {
    input = isKindObject(value) ? replaceAt(input, path.split('.'), value) : mergeConfig(input, parseOverride(`${path}=${JSON.stringify(value)}`));
  }
  const config = validateConfig(input);
  const n = config.particles.nside;
  if (n < PAGE_NSIDE.min || n > PAGE_NSIDE.max) {
    throw new ConfigError(`config: particles.nside = ${n}: the page runs ${PAGE_NSIDE.min}..${PAGE_NSIDE.max} (larger maps: crsky simulate)`);
  }
  return config;
}

/** Problems found in the URL, one line each. */
export interface ParsedSettings {
  readonly settings: PageSettings;
  readonly problems: readonly string[];
}

export function settingsFromUrl(search: string): ParsedSettings {
  const q = new URLSearchParams(search);
  const problems: string[] = [];
  let preset = DEFAULT_PRESET;
  const p = q.get('preset');
  if (p !== null) {
    if (PRESETS[p]) preset = p;
    else problems.push(`URL parameter preset=${p}: unknown preset; allowed: ${Object.keys(PRESETS).join(', ')} (using ${DEFAULT_PRESET})`);
  }
  let backend: BackendRequest = 'auto';
  const b = q.get('backend');
  if (b !== null) {
    if ((BACKEND_REQUESTS as readonly string[]).includes(b)) backend = b as BackendRequest;
    else problems.push(`URL parameter backend=${b}: allowed: ${BACKEND_REQUESTS.join(', ')} (using auto)`);
  }
  let view = DEFAULT_VIEW;
  const frame = q.get('frame');
  if (frame !== null) {
    if (frame === 'equatorial' || frame === 'galactic') view = { ...view, frame };
    else problems.push(`URL parameter frame=${frame}: allowed: equatorial, galactic (using equatorial)`);
  }
  const dipole = q.get('dipole');
  if (dipole !== null) view = { ...view, removeDipole: dipole === '1' || dipole === 'true' };
  const smooth = q.get('smooth');
  if (smooth !== null) {
    const v = Number(smooth);
    if (Number.isFinite(v) && v >= 0 && v <= 180) view = { ...view, smoothDeg: v };
    else problems.push(`URL parameter smooth=${smooth}: top-hat radius in degrees, must be in [0, 180] (using 0)`);
  }
  // config paths: each one is kept only if the config stays valid with it
  const sets = new Map<string, Json>();
  for (const [key, raw] of q) {
    if (['preset', 'backend', 'frame', 'dipole', 'smooth'].includes(key)) continue;
    const value = parseValue(raw);
    const trial = new Map(sets).set(key, value);
    try {
      configOf(preset, trial);
      sets.set(key, value);
    } catch (e) {
      const why = e instanceof ConfigError ? e.message.split('\n').join('; ') : e instanceof Error ? e.message : String(e);
      problems.push(`URL parameter ${key}=${raw}: ${why} (ignored)`);
    }
  }
  return { settings: { preset, sets, backend, view }, problems };
}

export function settingsToUrl(s: PageSettings): string {
  const q = new URLSearchParams();
  q.set('preset', s.preset);
  for (const [path, value] of s.sets) q.set(path, typeof value === 'string' ? value : JSON.stringify(value));
  if (s.backend !== 'auto') q.set('backend', s.backend);
  if (s.view.frame !== DEFAULT_VIEW.frame) q.set('frame', s.view.frame);
  if (s.view.removeDipole) q.set('dipole', '1');
  if (s.view.smoothDeg > 0) q.set('smooth', String(s.view.smoothDeg));
  return `?${q.toString()}`;
}
