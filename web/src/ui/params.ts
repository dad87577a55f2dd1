/**
 * The page's settings as data: a preset, config overrides by path (exactly `crsky simulate
 * --preset P --set path=value`), the backend and the view. They live in the URL, so a view can
 * be shared: ?preset=quick&particles.nside=16&tracking.timesOmega=[10,50]&backend=cpu&frame=galactic
 * &observatory=hawc,icecube,hawc%2Bicecube&events=1e9 ("+" joins observatories into one joint view, as in
 * `crsky observe --observatory hawc+icecube`; a literal + in a query reads as a space, which joins too).
 * A bad or out-of-range parameter is dropped with the schema's message (naming it and the allowed
 * range) and the page goes on with the rest.
 */
import { ConfigError, OBSERVATORY_NAMES, PRESETS, jointViewKey, mergeConfig, parseOverride, repeatedName, resolveConfig, validateConfig, type Config, type Json, type JsonObject } from '../../../src/core.ts';
import { BACKEND_REQUESTS, type BackendRequest } from '../engine/protocol.ts';

export const DEFAULT_PRESET = 'quick';
/** The page keeps maps small enough to draw and analyse live (the CLI has no such limit). */
export const PAGE_NSIDE = { min: 8, max: 128 } as const;

export interface ViewSettings {
  readonly frame: 'equatorial' | 'galactic';
  readonly removeDipole: boolean;
  readonly smoothDeg: number;
}

/** The observatory view: `crsky observe --observatory A,B [--events N --seed S]` on the ensemble mean. */
export interface ObserveSettings {
  /** Preset names in OBSERVATORY_NAMES order, then joint views ("hawc+icecube", see parseObservatoryList); empty for none. */
  readonly observatories: readonly string[];
  /** Poisson events in total, or null for none (expected counts, no noise). */
  readonly events: number | null;
  readonly seed: number;
}

export interface PageSettings {
  readonly preset: string;
  /** Config overrides by dotted path, in the order given. */
  readonly sets: ReadonlyMap<string, Json>;
  readonly backend: BackendRequest;
  readonly view: ViewSettings;
  readonly observe: ObserveSettings;
}

export const DEFAULT_VIEW: ViewSettings = { frame: 'equatorial', removeDipole: false, smoothDeg: 0 };
/** `crsky observe`'s defaults: no events, seed 1. */
export const DEFAULT_OBSERVE: ObserveSettings = { observatories: [], events: null, seed: 1 };
/** The ranges `crsky observe` accepts for --events and --seed. */
export const EVENTS_RANGE = { min: 1, max: 1e16 } as const;
export const EVENT_SEED_MAX = 2 ** 31 - 1;
/** URL keys of the page's own settings (every other key is a config path). */
const PAGE_KEYS = ['preset', 'backend', 'frame', 'dipole', 'smooth', 'observatory', 'events', 'eventSeed'];

/** The joint views the selector offers besides the presets (any other "a+b" the URL names gets a choice too). */
export const JOINT_CHOICES: readonly string[] = ['hawc+icecube'];

/** What `observatory=` may hold, for the messages. */
const OBSERVATORY_ALLOWED = `none or a comma-separated list of ${OBSERVATORY_NAMES.join(', ')}, each alone or two or more joined by + (one joint view, e.g. hawc+icecube)`;

/**
 * A joint view's name ("hawc+icecube", members in the order given, lower case), or the problem
 * with it. A "+" in a URL's query reads as a space, so spaces join members too.
 */
export function parseJointView(raw: string): string | { problem: string } {
  const parts = raw.trim().toLowerCase().split(/\s*\+\s*|\s+/);
  if (parts.length < 2 || parts.some((s) => s === '')) return { problem: `${raw.trim()} is not a joint view; join two or more of ${OBSERVATORY_NAMES.join(', ')} with +, e.g. hawc+icecube` };
  const unknown = parts.filter((s) => !OBSERVATORY_NAMES.includes(s));
  if (unknown.length) return { problem: `unknown observatory ${unknown.join(', ')} in the joint view ${parts.join('+')}` };
  const twice = repeatedName(parts);
  if (twice !== undefined) return { problem: `${twice} is named twice in the joint view ${parts.join('+')}; a joint view needs two or more different observatories` };
  return parts.join('+');
}

/**
 * The views of a comma-separated list ('none' or empty: none): presets in OBSERVATORY_NAMES
 * order, then joint views (JOINT_CHOICES first, in their order, then the others as named); and
 * what was dropped, one problem each.
 */
export function parseObservatoryList(raw: string): { observatories: string[]; problems: string[] } {
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '' && s.toLowerCase() !== 'none');
  const singles: string[] = [];
  const joints: string[] = [];
  const problems: string[] = [];
  for (const item of items) {
    if (/[+\s]/.test(item)) {
      const j = parseJointView(item);
      if (typeof j === 'object') problems.push(j.problem);
      else if (!joints.includes(j)) {
        const key = jointViewKey(j.split('+'));
        const same = joints.find((k) => jointViewKey(k.split('+')) === key);
        if (same !== undefined) problems.push(`the joint view ${j} is named twice (as ${same})`);
        else joints.push(j);
      }
    } else if (OBSERVATORY_NAMES.includes(item.toLowerCase())) singles.push(item.toLowerCase());
    else problems.push(`unknown observatory ${item.toLowerCase()}`);
  }
  const rank = (j: string) => (JOINT_CHOICES.includes(j) ? JOINT_CHOICES.indexOf(j) : JOINT_CHOICES.length);
  const orderedJoints = joints.map((j, i) => ({ j, i })).sort((a, b) => rank(a.j) - rank(b.j) || a.i - b.i).map((x) => x.j);
  return { observatories: [...OBSERVATORY_NAMES.filter((n) => singles.includes(n)), ...orderedJoints], problems };
}

/** Poisson events as typed ('' or 'none': null), or a message naming the range. */
export function parseEvents(raw: string): number | null | { problem: string } {
  const t = raw.trim();
  if (t === '' || t === 'none') return null;
  const v = Number(t);
  if (Number.isFinite(v) && v >= EVENTS_RANGE.min && v <= EVENTS_RANGE.max) return v;
  return { problem: `Poisson events in total, a number in [${EVENTS_RANGE.min}, ${EVENTS_RANGE.max.toExponential()}], or none (no noise)` };
}

export function parseEventSeed(raw: string): number | { problem: string } {
  const v = Number(raw.trim());
  if (raw.trim() !== '' && Number.isInteger(v) && v >= 0 && v <= EVENT_SEED_MAX) return v;
  return { problem: `seed of the Poisson draws, an integer in [0, ${EVENT_SEED_MAX}]` };
}

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
  let observe = DEFAULT_OBSERVE;
  const obs = q.get('observatory');
  if (obs !== null) {
    const parsed = parseObservatoryList(obs);
    observe = { ...observe, observatories: parsed.observatories };
    if (parsed.problems.length) {
      problems.push(`URL parameter observatory=${obs}: ${parsed.problems.join('; ')}; allowed: ${OBSERVATORY_ALLOWED} (using ${parsed.observatories.length ? parsed.observatories.join(',') : 'none'})`);
    }
  }
  const events = q.get('events');
  if (events !== null) {
    const v = parseEvents(events);
    if (v !== null && typeof v === 'object') problems.push(`URL parameter events=${events}: ${v.problem} (using none)`);
    else observe = { ...observe, events: v };
  }
  const eventSeed = q.get('eventSeed');
  if (eventSeed !== null) {
    const v = parseEventSeed(eventSeed);
    if (typeof v === 'object') problems.push(`URL parameter eventSeed=${eventSeed}: ${v.problem} (using ${DEFAULT_OBSERVE.seed})`);
    else observe = { ...observe, seed: v };
  }
  // config paths: each one is kept only if the config stays valid with it
  const sets = new Map<string, Json>();
  for (const [key, raw] of q) {
    if (PAGE_KEYS.includes(key)) continue;
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
  return { settings: { preset, sets, backend, view, observe }, problems };
}

export function settingsToUrl(s: PageSettings): string {
  const q = new URLSearchParams();
  q.set('preset', s.preset);
  for (const [path, value] of s.sets) q.set(path, typeof value === 'string' ? value : JSON.stringify(value));
  if (s.backend !== 'auto') q.set('backend', s.backend);
  if (s.view.frame !== DEFAULT_VIEW.frame) q.set('frame', s.view.frame);
  if (s.view.removeDipole) q.set('dipole', '1');
  if (s.view.smoothDeg > 0) q.set('smooth', String(s.view.smoothDeg));
  if (s.observe.observatories.length) q.set('observatory', s.observe.observatories.join(','));
  if (s.observe.events !== null) q.set('events', String(s.observe.events));
  if (s.observe.seed !== DEFAULT_OBSERVE.seed) q.set('eventSeed', String(s.observe.seed));
  return `?${q.toString()}`;
}
