/**
 * The command line's surface: --help of every command lists its options with units and ranges;
 * an unknown command or option, or a missing argument, exits 2 with a message and runs nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCli, makeTempDir, REPO_ROOT, runCliAll, type CliResult } from '../helpers/cli.ts';

/** Option texts to find in each command's --help (whitespace collapsed: yargs wraps lines). */
const HELP: Readonly<Record<string, readonly string[]>> = {
  simulate: [
    '--nside HEALPix N_side, power of two 1..1024 [particles.nside]',
    '--rigidity rigidity in PV (1 TV = 1e-3 PV), > 0 [particles.rigidityPV]',
    '--step fixed step in pc, > 0 (default min(r_g/20, lMin/4)) [tracking.stepPc]',
    '--b0 regular field in uG, >= 0 [field.b0UG]',
    '--seed master seed, integer 0..2^32-1',
    '--preset start from a preset: quick, giacinti-sigl-2012, ahlers-mertsch-2015',
    '--set override any config field',
    '--resume continue the run in --out, skipping finished realizations',
    '--shard run only realizations r with r mod N = i (i/N)',
    '--log progress on stderr: bar, JSON lines, or nothing',
    '--json print the summary as JSON on stdout',
  ],
  diffusion: [
    '--particles particles per realization, isotropic launch, >= 1',
    '--rg-over-lc set the rigidity so that r_g',
    '--tmin first snapshot time, pc (default L_c/10)',
    '--nt number of log-spaced snapshot times, >= 1',
    '--brms turbulent rms field in uG, >= 0',
  ],
  scan: ['--config scan file (JSON)', '--point run only this point index', '--shard with --point', '--emit write Slurm job scripts', '[choices: "slurm"]'],
  analyze: [
    '--lmax largest multipole, 1..3·N_side−1',
    '--remove-multipoles fit and remove all l <= this (1: monopole+dipole, 3: up to octupole), 0..10',
    '--smooth top-hat smoothing radius in degrees, (0, 180]',
    '--iter Jacobi iterations of map2alm, 0..10 (healpy: iter=3)',
  ],
  plot: ['--width figure width in px, integer 200..8000', '--lon-center longitude at the map centre, degrees, -180..180', '--remove-multipoles show the maps with l <= this removed (1: dipole-subtracted), 0..10', '--smooth top-hat smoothing radius of the map figures, degrees, (0, 180]'],
  merge: ['--out new (or empty) output directory'],
  bench: ['--seconds wall time per measured run in s, >= 0.1', '--backends comma-separated backends to measure: cpu, webgpu'],
  reproduce: ['--quick the small variant the tests run (tiny maps, short times, few realizations)', "--realizations override the target's number of field realizations", '[choices: "diffusion", "giacinti-sigl-2012", "ahlers-mertsch-2015", "shape", "dipole"]'],
  serve: ['--port TCP port on 127.0.0.1, 0..65535 (0: any free port)', '--build build web/dist/ first when it is missing or stale'],
};
const COMMANDS = Object.keys(HELP);

let tmp: string;
let help: Record<string, CliResult>;
let main: CliResult;
let version: CliResult;
let bad: Record<string, CliResult>;

const flat = (s: string) => s.replace(/\s+/g, ' ');

beforeAll(async () => {
  tmp = makeTempDir('crsky-cli-help-');
  const badArgs: Record<string, string[]> = {
    command: ['bogus'],
    option: ['simulate', '--preset', 'quick', '--nside', '2', '--bogus', '1', '--out', path.join(tmp, 'bogus')],
    none: [],
    positional: ['analyze'],
  };
  const all = await runCliAll([['--help'], ['--version'], ...COMMANDS.map((c) => [c, '--help']), ...Object.values(badArgs)], 2);
  [main, version] = all;
  help = Object.fromEntries(COMMANDS.map((c, i) => [c, all[2 + i]]));
  bad = Object.fromEntries(Object.keys(badArgs).map((k, i) => [k, all[2 + COMMANDS.length + i]]));
});

afterAll(cleanupCli);

describe('help', () => {
  it('crsky --help lists every command', () => {
    expect(main.code).toBe(0);
    for (const c of COMMANDS) expect(main.stdout).toMatch(new RegExp(`^ {2}crsky ${c}\\b`, 'm'));
  });

  it('crsky --version prints the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it.each(COMMANDS)('crsky %s --help lists its options with units and ranges', (c) => {
    const r = help[c];
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = flat(r.stdout);
    expect(text).toContain(`crsky ${c}`);
    for (const s of HELP[c]) expect(text).toContain(s);
  });
});

describe('unknown commands and options', () => {
  it('an unknown command exits 2 with a message', () => {
    expect(bad.command.code).toBe(2);
    expect(bad.command.stdout).toBe('');
    expect(bad.command.stderr.trim()).toBe('crsky: Unknown argument: bogus\nRun with --help for the options.');
  });

  it('an unknown option exits 2 with a message and runs nothing, even when the rest is valid', () => {
    expect(bad.option.code).toBe(2);
    expect(bad.option.stdout).toBe('');
    expect(bad.option.stderr.trim()).toBe('crsky: Unknown argument: bogus\nRun with --help for the options.');
    expect(fs.existsSync(path.join(tmp, 'bogus'))).toBe(false);
  });

  it('no command exits 2 and names the commands', () => {
    expect(bad.none.code).toBe(2);
    expect(bad.none.stderr.trim()).toBe('crsky: Name a command: simulate, scan, diffusion, merge, analyze, plot, bench, config, observe, serve, reproduce.\nRun with --help for the options.');
  });

  it('a missing positional argument exits 2', () => {
    expect(bad.positional.code).toBe(2);
    expect(bad.positional.stderr.trim()).toBe('crsky: Not enough non-option arguments: got 0, need at least 1\nRun with --help for the options.');
  });
});
