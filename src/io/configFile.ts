/**
 * Reading a config file (JSON) for the front ends, and resolving it with presets and overrides
 * as src/config/resolve.ts does. The config file's directory is the base for relative paths it
 * names (mode tables), so a run does not depend on where it was started from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { isObject, resolveConfig, type JsonObject } from '../config/resolve.ts';
import type { Config } from '../config/schema.ts';

export function readConfigFile(file: string): JsonObject {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`--config ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, '')); // a byte-order mark, as some editors write, is not content
  } catch (e) {
    throw new ConfigError(`--config ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed)) throw new ConfigError(`--config ${file}: must hold a JSON object`);
  return parsed;
}

export interface ConfigFileSources {
  readonly preset?: string;
  /** Path of a JSON config file. */
  readonly file?: string;
  readonly overrides?: readonly JsonObject[];
  readonly sets?: readonly string[];
}

/** The validated config, its raw input and the directory relative file names resolve against. */
export function loadConfig(src: ConfigFileSources): { input: JsonObject; config: Config; baseDir: string } {
  const config = src.file !== undefined ? readConfigFile(src.file) : undefined;
  const resolved = resolveConfig({ preset: src.preset, config, overrides: src.overrides, sets: src.sets });
  const baseDir = src.file !== undefined ? path.dirname(path.resolve(src.file)) : process.cwd();
  return { ...resolved, baseDir };
}
