/**
 * Builds a validated Config from a preset, a config object (e.g. a JSON file's content), partial
 * overrides and `key=value` settings (in that order of precedence, later wins), exactly as every
 * front end resolves them. Errors name the field, the value and the allowed range. Pure: reading
 * a config file is the output layer's business (src/io/configFile.ts).
 */
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import { PRESETS } from './presets.ts';
import { ConfigSchema, type Config } from './schema.ts';

export { ConfigError };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars in `b` replace those in `a`. */
export function mergeConfig(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? mergeConfig(prev, v) : v;
  }
  return out;
}

/** Parses `a.b.c=value`: JSON when it parses (numbers, arrays, objects, true/false), else a string. */
export function parseOverride(spec: string): JsonObject {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--set ${spec}: expected key.path=value`);
  const keys = spec.slice(0, eq).trim().split('.');
  const raw = spec.slice(eq + 1).trim();
  let value: Json;
  try {
    value = JSON.parse(raw) as Json;
  } catch {
    value = raw;
  }
  if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
    throw new ConfigError(`--set ${spec}: bad key path`);
  }
  let obj: JsonObject = { [keys[keys.length - 1]]: value };
  for (let i = keys.length - 2; i >= 0; i--) obj = { [keys[i]]: obj };
  return obj;
}

function valueAt(input: unknown, p: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * One line per problem: `config: particles.nside = 3: must be a power of two in 1..1024`. For a value that
 * matches no member of a union (e.g. a spectrum), the member it came closest to is reported.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, schema?: AnySchema): string {
  return flattenIssues(issues, [])
    .map((i) => {
      const where = i.path.map(String).join('.') || '(top level)';
      if (i.code === 'unrecognized_keys') {
        return `config: ${where}: unknown option${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      // a type error quotes the field's description, which gives its unit and allowed range
      const hint = i.code === 'invalid_type' ? describeAt(schema, i.path) : undefined;
      return `config: ${where} = ${show(valueAt(input, i.path))}: ${issueText(i)}${hint ? ` (${hint})` : ''}`;
    })
    .join('\n');
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): z.core.$ZodIssue[] {
  return issues.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (i.code === 'invalid_union' && i.errors.length > 0) {
      const best = i.errors.reduce((a, b) => (b.length < a.length ? b : a));
      return flattenIssues(best, path);
    }
    return [{ ...i, path } as z.core.$ZodIssue];
  });
}

/** A value as the user wrote it: JSON, except NaN and ±Infinity (JSON.stringify would print null). */
function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return JSON.stringify(v);
}

type AnySchema = z.core.$ZodType;

/** The schema of the field at `p` (through defaults, optionals, arrays, tuples, unions), or undefined. */
function schemaAt(schema: AnySchema | undefined, p: readonly PropertyKey[]): AnySchema | undefined {
  if (schema === undefined) return undefined;
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (p.length === 0) return schema;
  if ('innerType' in def) return schemaAt(def.innerType as AnySchema, p);
  const [k, ...rest] = p;
  switch (def.type) {
    case 'object':
      return schemaAt((def.shape as Record<PropertyKey, AnySchema>)[k], rest);
    case 'array':
      return schemaAt(def.element as AnySchema, rest);
    case 'tuple':
      return schemaAt((def.items as AnySchema[])[Number(k)], rest);
    case 'union':
      for (const o of def.options as AnySchema[]) {
        const found = schemaAt(o, p);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** The description nearest to the field at `p` (the field's own, else its parent's, ...). */
function describeAt(schema: AnySchema | undefined, p: readonly PropertyKey[]): string | undefined {
  for (let n = p.length; n >= 0; n--) {
    // a description sits on the wrapper (x.default().describe()) or on the inner schema
    let s = schemaAt(schema, p.slice(0, n));
    while (s) {
      const d = (s as unknown as { description?: string }).description;
      if (d) return d;
      s = (s._zod.def as unknown as { innerType?: AnySchema }).innerType;
    }
  }
  return undefined;
}

const EXPECTED: Readonly<Record<string, string>> = { int: 'an integer', array: 'an array', tuple: 'an array', object: 'an object' };

/** zod's message in the style of the others ("must be ..."), for the common codes. */
function issueText(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'invalid_type':
      return `must be ${EXPECTED[i.expected] ?? `a ${i.expected}`}`;
    case 'too_small':
      return i.origin === 'number' ? `must be ${i.inclusive ? '>=' : '>'} ${String(i.minimum)}` : i.message;
    case 'too_big':
      return i.origin === 'number' ? `must be ${i.inclusive ? '<=' : '<'} ${String(i.maximum)}` : i.message;
    default:
      return i.message;
  }
}

export function validateConfig(input: unknown): Config {
  const r = ConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, input, ConfigSchema));
  return r.data;
}

export interface ConfigSources {
  readonly preset?: string;
  /** A whole or partial config, e.g. the parsed content of a --config file. */
  readonly config?: JsonObject;
  readonly overrides?: readonly JsonObject[];
  /** `key.path=value` settings (--set). */
  readonly sets?: readonly string[];
}

/** The merged raw input (before validation) and the validated config. */
export function resolveConfig(src: ConfigSources): { input: JsonObject; config: Config } {
  // Start from the complete defaults, so a partial override of a nested object (e.g. only
  // spectrum.lMinPc) keeps the default's other fields (its `kind`).
  let input: JsonObject = ConfigSchema.parse({}) as unknown as JsonObject;
  if (src.preset !== undefined) {
    const p = PRESETS[src.preset];
    if (!p) throw new ConfigError(`--preset ${src.preset}: unknown preset; allowed: ${Object.keys(PRESETS).join(', ')}`);
    input = mergeConfig(input, p.config as JsonObject);
  }
  if (src.config !== undefined) input = mergeConfig(input, src.config);
  for (const o of src.overrides ?? []) input = mergeConfig(input, o);
  const sets = (src.sets ?? []).map(parseOverride);
  for (const s of sets) input = mergeConfig(input, s);
  const config = validateConfig(input);
  // a rigidity asked for on top of a spectrum would be ignored: say so instead (config files may
  // hold the default rigidityPV next to a spectrum, as `crsky config` prints them)
  const explicit = [...(src.overrides ?? []), ...sets].find((o) => isObject(o.particles) && o.particles.rigidityPV !== undefined);
  if (config.particles.spectrum !== undefined && explicit !== undefined) {
    const v = (explicit.particles as JsonObject).rigidityPV;
    throw new ConfigError(`config: particles.rigidityPV = ${JSON.stringify(v)}: not used with particles.spectrum (each rigidity bin has its own); drop --rigidity or the spectrum`);
  }
  return { input, config };
}
