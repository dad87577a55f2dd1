/**
 * Options shared by the commands that run simulations: where the config comes from (preset,
 * JSON file, --set) and shortcuts for the most used fields. Each shortcut names its config
 * path, unit and range; the schema (src/config/schema.ts) has the final word on validation.
 */
import type { Argv } from 'yargs';
import { mergeConfig } from '../config/resolve.ts';
import { loadConfig, type ConfigFileSources } from '../io/configFile.ts';
import { PRESETS } from '../config/presets.ts';
import type { Config } from '../config/schema.ts';
import { lastWins, numberOrText } from './args.ts';

interface Shortcut {
  readonly path: string;
  readonly describe: string;
  readonly type: 'number' | 'string';
  readonly choices?: readonly string[];
}

export const SHORTCUTS: Readonly<Record<string, Shortcut>> = {
  seed: { path: 'seed', type: 'number', describe: 'master seed, integer 0..2^32-1 [seed]' },
  realizations: { path: 'realizations', type: 'number', describe: 'field realizations, 1..100000 [realizations]' },
  rigidity: { path: 'particles.rigidityPV', type: 'number', describe: 'rigidity in PV (1 TV = 1e-3 PV), > 0 [particles.rigidityPV]' },
  nside: { path: 'particles.nside', type: 'number', describe: 'HEALPix N_side, power of two 1..1024 [particles.nside]' },
  backend: { path: 'tracking.backend', type: 'string', choices: ['auto', 'cpu', 'webgpu'], describe: 'tracker backend [tracking.backend]' },
  step: { path: 'tracking.stepPc', type: 'number', describe: 'fixed step in pc, > 0 (default min(r_g/20, lMin/4)) [tracking.stepPc]' },
  threads: { path: 'tracking.workers', type: 'number', describe: 'CPU worker threads, 1..256 (default: all cores) [tracking.workers]' },
  b0: { path: 'field.b0UG', type: 'number', describe: 'regular field in uG, >= 0 [field.b0UG]' },
  brms: { path: 'field.turbulence.brmsUG', type: 'number', describe: 'turbulent rms field in uG, >= 0 [field.turbulence.brmsUG]' },
  method: { path: 'field.turbulence.method', type: 'string', choices: ['modes', 'grid', 'nested-grids'], describe: 'turbulence realization (nested-grids needs field.turbulence.nestedGrids) [field.turbulence.method]' },
  modes: { path: 'field.turbulence.modes', type: 'number', describe: 'plane-wave modes, 1..16384 [field.turbulence.modes]' },
  'grid-n': { path: 'field.turbulence.gridN', type: 'number', describe: 'grid nodes per side, power of two 8..512 [field.turbulence.gridN]' },
  lmin: { path: 'field.turbulence.spectrum.lMinPc', type: 'number', describe: 'smallest turbulent wavelength in pc, > 0 [field.turbulence.spectrum.lMinPc]' },
  lmax: { path: 'field.turbulence.spectrum.lMaxPc', type: 'number', describe: 'largest turbulent wavelength in pc, > lmin [field.turbulence.spectrum.lMaxPc]' },
};

export interface ConfigArgs {
  preset?: string;
  config?: string;
  set?: string[];
  [shortcut: string]: unknown;
}

export function withConfigOptions<T>(y: Argv<T>, shortcuts: readonly string[] = Object.keys(SHORTCUTS)): Argv<T & ConfigArgs> {
  let out = y
    .option('preset', { type: 'string', describe: `start from a preset: ${Object.keys(PRESETS).join(', ')}`, group: 'Config:', coerce: lastWins })
    .option('config', { type: 'string', describe: 'JSON config file (see README "Configuration")', group: 'Config:', coerce: lastWins })
    .option('set', {
      type: 'string',
      array: true,
      describe: 'override any config field: --set field.turbulence.modes=512 (value parsed as JSON when it can)',
      group: 'Config:',
    }) as unknown as Argv<T & ConfigArgs>;
  for (const name of shortcuts) {
    const s = SHORTCUTS[name];
    // numbers without a yargs type: "abc" reaches the schema as typed, which names it
    const typed = s.type === 'number' ? { requiresArg: true, coerce: numberOrText } : { type: s.type, coerce: lastWins };
    out = out.option(name, { ...typed, describe: s.describe, choices: s.choices as string[] | undefined, group: 'Config shortcuts:' }) as Argv<T & ConfigArgs>;
  }
  return out;
}

function pathObject(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let obj: Record<string, unknown> = { [keys[keys.length - 1]]: value };
  for (let i = keys.length - 2; i >= 0; i--) obj = { [keys[i]]: obj };
  return obj;
}

/**
 * A shortcut and a --set of the same field (or of an object holding it): --set wins, as
 * documented, but say so rather than resolve it silently.
 */
function warnConflicts(args: ConfigArgs): void {
  for (const spec of args.set ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) continue; // parseOverride reports it
    const key = spec.slice(0, eq).trim();
    for (const [name, s] of Object.entries(SHORTCUTS)) {
      const v = args[name];
      if (v !== undefined && (s.path === key || s.path.startsWith(`${key}.`))) process.stderr.write(`crsky: warning: --set ${spec} overrides --${name} ${String(v)}\n`);
    }
  }
}

/** The validated config from --preset/--config, then shortcuts, then --set (later wins). */
export function configFromArgs(args: ConfigArgs, extra: Record<string, unknown> = {}): { config: Config; input: Record<string, unknown>; baseDir: string } {
  let overrides: Record<string, unknown> = extra;
  for (const [name, s] of Object.entries(SHORTCUTS)) {
    const v = args[name];
    if (v !== undefined) overrides = mergeConfig(overrides as never, pathObject(s.path, v) as never);
  }
  warnConflicts(args);
  const src: ConfigFileSources = {
    preset: args.preset,
    file: args.config,
    overrides: [overrides as never],
    sets: args.set ?? [],
  };
  return loadConfig(src);
}
