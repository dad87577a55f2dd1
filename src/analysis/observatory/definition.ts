/**
 * A ground-based observatory as the review describes it (Sec. 2, Eq. 5–9): geographic latitude
 * Φ, a zenith cut θ < θ_max on the reconstructed events, and a relative acceptance A(θ) that
 * depends on the zenith angle only (the assumption behind the East–West method, Eq. 20–23).
 * Its time-integrated field of view is the declination band δ1 < δ < δ2, δ1/2 = Φ ∓ θ_max.
 *
 * Definitions come from the presets (presets.ts) or from JSON (`parseObservatory`):
 *   { "name": "my-array", "latitudeDeg": 30, "zenithMaxDeg": 45,
 *     "acceptance": { "kind": "flat" } | { "kind": "table", "zenithDeg": [...], "value": [...] } }
 * A table is interpolated linearly in θ and is 0 beyond θ_max; its scale does not matter
 * (only the relative acceptance enters).
 */
import { DEG } from '../../config/units.ts';

export type Acceptance =
  | { readonly kind: 'flat' }
  /** Linear interpolation of `value` at the zenith angles `zenithDeg` (ascending, from 0 to ≥ θ_max). */
  | { readonly kind: 'table'; readonly zenithDeg: readonly number[]; readonly value: readonly number[] }
  /** Any non-negative function of the zenith angle in radians (TypeScript callers only). */
  | { readonly kind: 'function'; readonly of: (zenithRad: number) => number };

export interface Observatory {
  /** Lower-case identifier, also the name of its output folder: [a-z0-9-]. */
  readonly name: string;
  /** Geographic latitude Φ in degrees, north positive, [−90, 90]. */
  readonly latitudeDeg: number;
  /** Zenith cut θ_max in degrees, (0, 90]. */
  readonly zenithMaxDeg: number;
  readonly acceptance: Acceptance;
}

/** Bad observatory definition: the message names the field, the value and the allowed range. */
export class ObservatoryDefinitionError extends Error {
  override readonly name = 'ObservatoryDefinitionError';
}

/** Time-integrated field of view δ1 < δ < δ2 with δ1/2 = Φ ∓ θ_max, clipped to the poles. */
export function fieldOfView(obs: Observatory): { readonly decMinDeg: number; readonly decMaxDeg: number } {
  return { decMinDeg: Math.max(-90, obs.latitudeDeg - obs.zenithMaxDeg), decMaxDeg: Math.min(90, obs.latitudeDeg + obs.zenithMaxDeg) };
}

/** Relative acceptance A(θ) at zenith angle θ (radians): 0 beyond the zenith cut. */
export function relativeAcceptance(obs: Observatory, zenithRad: number): number {
  if (!(zenithRad <= obs.zenithMaxDeg * DEG)) return 0;
  const a = obs.acceptance;
  if (a.kind === 'flat') return 1;
  if (a.kind === 'function') return a.of(zenithRad);
  const t = zenithRad / DEG;
  const zs = a.zenithDeg;
  if (t <= zs[0]) return a.value[0];
  for (let i = 1; i < zs.length; i++) {
    if (t <= zs[i]) {
      const f = (t - zs[i - 1]) / (zs[i] - zs[i - 1]);
      return a.value[i - 1] + f * (a.value[i] - a.value[i - 1]);
    }
  }
  return a.value[zs.length - 1];
}

/** Throws unless the definition is usable (the same checks as parseObservatory). */
export function checkObservatory(obs: Observatory, where = obs.name): void {
  const bad = (field: string, value: unknown, allowed: string) => {
    throw new ObservatoryDefinitionError(`${where}: ${field} = ${JSON.stringify(value)}: ${allowed}`);
  };
  if (typeof obs.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(obs.name)) bad('name', obs.name, 'must be 1-40 characters a-z, 0-9, - (it names the output folder)');
  if (!(typeof obs.latitudeDeg === 'number' && obs.latitudeDeg >= -90 && obs.latitudeDeg <= 90)) bad('latitudeDeg', obs.latitudeDeg, 'must be a number in [-90, 90]');
  if (!(typeof obs.zenithMaxDeg === 'number' && obs.zenithMaxDeg > 0 && obs.zenithMaxDeg <= 90)) bad('zenithMaxDeg', obs.zenithMaxDeg, 'must be a number in (0, 90]');
  const a = obs.acceptance as Acceptance | undefined;
  if (!a || typeof a !== 'object') bad('acceptance', a, 'must be {"kind": "flat"} or {"kind": "table", "zenithDeg": [...], "value": [...]}');
  else if (a.kind === 'table') {
    const zs = a.zenithDeg, vs = a.value;
    if (!Array.isArray(zs) || !Array.isArray(vs) || zs.length < 2 || zs.length !== vs.length) bad('acceptance.zenithDeg/value', [zs, vs], 'must be two arrays of the same length, at least 2 entries');
    for (let i = 0; i < zs.length; i++) {
      if (!(typeof zs[i] === 'number' && zs[i] >= 0 && zs[i] <= 90 && (i === 0 || zs[i] > zs[i - 1]))) bad(`acceptance.zenithDeg[${i}]`, zs[i], 'must be strictly ascending numbers in [0, 90]');
      if (!(typeof vs[i] === 'number' && vs[i] >= 0 && Number.isFinite(vs[i]))) bad(`acceptance.value[${i}]`, vs[i], 'must be a finite number >= 0');
    }
    if (zs[0] !== 0) bad('acceptance.zenithDeg[0]', zs[0], 'must be 0 (the table has to cover the zenith)');
    if (zs[zs.length - 1] < obs.zenithMaxDeg) bad(`acceptance.zenithDeg[${zs.length - 1}]`, zs[zs.length - 1], `must reach zenithMaxDeg = ${obs.zenithMaxDeg}`);
    if (!vs.some((v) => v > 0)) bad('acceptance.value', vs, 'must have a positive entry');
  } else if (a.kind !== 'flat' && a.kind !== 'function') bad('acceptance.kind', (a as { kind: unknown }).kind, 'must be "flat" or "table"');
}

/** An observatory from parsed JSON (the `--observatory file.json` form); `source` prefixes the errors. */
export function parseObservatory(json: unknown, source: string): Observatory {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ObservatoryDefinitionError(`${source}: must be a JSON object {"name", "latitudeDeg", "zenithMaxDeg", "acceptance"}`);
  const o = json as Record<string, unknown>;
  const known = new Set(['name', 'latitudeDeg', 'zenithMaxDeg', 'acceptance', 'description']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new ObservatoryDefinitionError(`${source}: unknown field "${k}"; allowed: ${[...known].join(', ')}`);
  const acc = o.acceptance ?? { kind: 'flat' };
  if (acc === null || typeof acc !== 'object' || Array.isArray(acc)) throw new ObservatoryDefinitionError(`${source}: acceptance = ${JSON.stringify(acc)}: must be {"kind": "flat"} or {"kind": "table", ...}`);
  const ak = (acc as Record<string, unknown>).kind;
  if (ak !== 'flat' && ak !== 'table') throw new ObservatoryDefinitionError(`${source}: acceptance.kind = ${JSON.stringify(ak)}: must be "flat" or "table"`);
  const obs: Observatory = {
    name: o.name as string,
    latitudeDeg: o.latitudeDeg as number,
    zenithMaxDeg: o.zenithMaxDeg as number,
    acceptance:
      ak === 'flat'
        ? { kind: 'flat' }
        : { kind: 'table', zenithDeg: (acc as Record<string, unknown>).zenithDeg as number[], value: (acc as Record<string, unknown>).value as number[] },
  };
  checkObservatory(obs, source);
  return obs;
}
