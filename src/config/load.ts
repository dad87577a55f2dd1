/**
 * Builds a validated Config from a preset, a JSON file and `key=value` overrides (in that order
 * of precedence, later wins). Errors name the field, the value and the allowed range.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './errors.ts';
import { PRESETS } from './presets.ts';
import { ConfigSchema, type Config } from './schema.ts';

export { ConfigError };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
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

/** One line per problem: `config: particles.nside = 3: must be a power of two`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((i) => {
      const where = i.path.map(String).join('.') || '(top level)';
      if (i.code === 'unrecognized_keys') {
        return `config: ${where}: unknown option${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      }
      const v = valueAt(input, i.path);
      const shown = v === undefined ? '(missing)' : JSON.stringify(v);
      return `config: ${where} = ${shown}: ${i.message}`;
    })
    .join('\n');
}

export function validateConfig(input: unknown): Config {
  const r = ConfigSchema.safeParse(input);
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, input));
  return r.data;
}

export interface ConfigSources {
  readonly preset?: string;
  readonly file?: string;
  readonly overrides?: readonly JsonObject[];
  readonly sets?: readonly string[];
}

export function readConfigFile(file: string): JsonObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`--config ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--config ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed)) throw new ConfigError(`--config ${file}: must hold a JSON object`);
  return parsed;
}

/** The merged raw input (before validation) and the validated config. */
export function loadConfig(src: ConfigSources): { input: JsonObject; config: Config; baseDir: string } {
  let input: JsonObject = {};
  if (src.preset !== undefined) {
    const p = PRESETS[src.preset];
    if (!p) throw new ConfigError(`--preset ${src.preset}: unknown preset; allowed: ${Object.keys(PRESETS).join(', ')}`);
    input = mergeConfig(input, p.config as JsonObject);
  }
  if (src.file !== undefined) input = mergeConfig(input, readConfigFile(src.file));
  for (const o of src.overrides ?? []) input = mergeConfig(input, o);
  for (const s of src.sets ?? []) input = mergeConfig(input, parseOverride(s));
  const baseDir = src.file !== undefined ? path.dirname(path.resolve(src.file)) : process.cwd();
  return { input, config: validateConfig(input), baseDir };
}
