/**
 * `crsky config`: the resolved config of a preset / file / overrides (what `simulate` would run),
 * every field with its unit, range and default (`--fields`), or the JSON Schema (`--schema`,
 * for editors). All three come from the one zod schema.
 */
import type { CommandModule } from 'yargs';
import { z } from 'zod';
import { ConfigSchema } from '../../config/schema.ts';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../configOptions.ts';

interface ConfigCommandArgs extends ConfigArgs {
  fields: boolean;
  schema: boolean;
}

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema | false;
};

export function configJsonSchema(): JsonSchema {
  return z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' or ');
  const t = Array.isArray(s.type) ? s.type.join('|') : (s.type ?? 'any');
  return t === 'array' && s.items && typeof s.items === 'object' ? `${typeOf(s.items)}[]` : t;
}

/** One line per leaf field: path, type, default, description. */
export function fieldTable(schema: JsonSchema = configJsonSchema()): string[] {
  const lines: string[] = [];
  const walk = (s: JsonSchema, path: string) => {
    const alts = s.anyOf ?? s.oneOf;
    if (s.properties) {
      for (const [k, v] of Object.entries(s.properties)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (alts && alts.every((a) => a.properties)) {
      // a union of objects (the spectrum kinds): each member's fields
      for (const a of alts) {
        const kind = a.properties?.kind?.const;
        for (const [k, v] of Object.entries(a.properties!)) {
          if (k !== 'kind') walk(v, `${path}.${k}${kind !== undefined ? ` (kind ${JSON.stringify(kind)})` : ''}`);
        }
      }
      lines.push(`${path}.kind  ${alts.map((a) => JSON.stringify(a.properties?.kind?.const)).join(' | ')}`);
      return;
    }
    const def = s.default !== undefined ? `  [default ${JSON.stringify(s.default)}]` : '';
    lines.push(`${path}  ${typeOf(s)}${def}${s.description ? `  — ${s.description}` : ''}`);
  };
  walk(schema, '');
  return lines;
}

export function configCommand(setExit: (code: number) => void): CommandModule<object, ConfigCommandArgs> {
  return {
    command: 'config',
    describe: 'print the resolved config (JSON), every field with unit/range/default (--fields), or the JSON Schema (--schema)',
    builder: (y) =>
      withConfigOptions(y)
        .option('fields', { type: 'boolean', default: false, describe: 'list every config field: path, type, default, unit and range' })
        .option('schema', { type: 'boolean', default: false, describe: 'print the JSON Schema of config files' })
        .example('$0 config --preset ahlers-mertsch-2015 --rigidity 2', 'the config simulate would run')
        .example('$0 config --fields', 'every field that --set and config files accept') as never,
    handler: (args) => {
      if (args.schema) process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      else if (args.fields) process.stdout.write(fieldTable().join('\n') + '\n');
      else process.stdout.write(JSON.stringify(configFromArgs(args).config, null, 2) + '\n');
      setExit(0);
    },
  };
}
