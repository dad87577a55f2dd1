/**
 * What a control needs to know about a config field, read from the one zod schema (as JSON
 * Schema, the form `crsky config --schema` prints): its kind, choices, bounds, default and
 * description (which states the unit and the allowed range). Nothing here is written by hand
 * per field, so a range changed in src/config/schema.ts shows up in the page as it is.
 */
import { z } from 'zod';
import { ConfigSchema } from '../../../src/core.ts';

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly items?: JsonSchema | false;
}

export interface FieldInfo {
  readonly path: string;
  readonly kind: 'number' | 'integer' | 'choice' | 'list' | 'direction';
  readonly description: string;
  readonly choices: readonly string[];
  /** Bounds the schema states as numbers (JSON Schema minimum/maximum), if any. */
  readonly min?: number;
  readonly max?: number;
}

let schema: JsonSchema | null = null;
function root(): JsonSchema {
  schema ??= z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return schema;
}

/** The sub-schema at a dotted path; inside a union of objects (the spectrum kinds) the first member that has the key. */
function at(s: JsonSchema, keys: readonly string[]): JsonSchema | null {
  if (keys.length === 0) return s;
  const [k, ...rest] = keys;
  const alts = s.anyOf ?? s.oneOf ?? [];
  for (const member of [s, ...alts]) {
    const next = member.properties?.[k];
    if (next) return at(next, rest);
  }
  return null;
}

const SAFE = Number.MAX_SAFE_INTEGER;

export function fieldInfo(path: string): FieldInfo {
  const s = at(root(), path.split('.'));
  if (!s) throw new Error(`page controls: ${path} is not a config field`);
  const description = s.description ?? '';
  const alts = s.anyOf ?? s.oneOf;
  if (alts && alts.some((a) => a.type === 'array') && alts.some((a) => a.properties?.frame)) return { path, kind: 'direction', description, choices: [] };
  if (s.enum) return { path, kind: 'choice', description, choices: s.enum.map(String) };
  if (alts && alts.every((a) => a.const !== undefined || a.properties?.kind?.const !== undefined)) {
    return { path, kind: 'choice', description, choices: alts.map((a) => String(a.const ?? a.properties?.kind?.const)) };
  }
  if (s.type === 'array') return { path, kind: 'list', description, choices: [] };
  const bound = (v: number | undefined) => (v !== undefined && Math.abs(v) < SAFE ? v : undefined);
  const min = bound(s.minimum);
  const max = bound(s.maximum);
  return { path, kind: s.type === 'integer' ? 'integer' : 'number', description, choices: [], ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

/** The choices of the union a path names by its `kind` (the spectrum kinds). */
export function kindChoices(path: string): string[] {
  const s = at(root(), path.split('.'));
  return (s?.anyOf ?? s?.oneOf ?? []).map((a) => String(a.properties?.kind?.const)).filter((k) => k !== 'undefined');
}
