/**
 * `crsky simulate` end to end, spawning the real CLI: outputs of a run, determinism, shards +
 * merge, resume after SIGKILL, refusal to overwrite or mix runs, `plot` and `analyze` on the
 * outputs. One small uninterrupted run (quick preset, N_side 4, 4 realizations, CPU backend) is the
 * reference for the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/io/csv.ts';
import { readHealpixFits } from '../../src/io/fits.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, REPO_ROOT, runCli, startCli, waitFor, type CliResult } from '../helpers/cli.ts';

const NSIDE = 4;
const NPIX = 12 * NSIDE * NSIDE;
const REALIZATIONS = 4;
/** The reference run: everything else compares against it. */
const BASE = ['simulate', '--preset', 'quick', '--backend', 'cpu', '--nside', String(NSIDE), '--set', `realizations=${REALIZATIONS}`, '--threads', '1'];
/** The outputs of the ensemble stage that must not depend on how the realizations were run. */
const ENSEMBLE_FILES = ['cl.csv', 'cl_t00.csv', 'cl_t01.csv', 'dipole.csv', 'diffusion.csv', 'maps/mean_t00.fits', 'maps/mean_t01.fits'];
const REALIZATION_MAPS = Array.from({ length: REALIZATIONS }, (_, r) => ['t00', 't01'].map((t) => `maps/r0000${r}_${t}.fits`)).flat();
const TEMP_FILE = /(^|\/)\.[^/]+\.\d+\.[0-9a-f]+\.tmp$/;

let root: string;
let base: string;
let baseRun: CliResult;

function out(name: string): string {
  return path.join(root, name);
}

function read(dir: string, file: string): Buffer {
  return fs.readFileSync(path.join(dir, file));
}

function expectSameBytes(a: string, b: string, files: readonly string[]): void {
  for (const f of files) expect(read(a, f).equals(read(b, f)), `${f} differs between ${a} and ${b}`).toBe(true);
}

function expectOk(r: CliResult): void {
  expect(r.timedOut, 'timed out').toBe(false);
  expect(r.code, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

/** File → mtime, for "left untouched" checks. */
function snapshot(dir: string): Record<string, number> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
}

/**
 * Every file a (possibly killed) run left is whole: FITS maps read back with N_side 4, JSON parses,
 * CSV parses, PNG ends with its IEND chunk, SVG with </svg>. Returns the atomic writers' temp files.
 */
function checkWholeFiles(dir: string): string[] {
  const temps: string[] = [];
  for (const f of listFiles(dir)) {
    if (TEMP_FILE.test(f)) {
      temps.push(f);
      continue;
    }
    const p = path.join(dir, f);
    const bytes = fs.readFileSync(p);
    if (f.endsWith('.fits')) {
      expect(bytes.length % 2880, f).toBe(0);
      const m = readHealpixFits(p);
      expect(m.nside, f).toBe(NSIDE);
      expect(m.columns[0].data.length, f).toBe(NPIX);
    } else if (f.endsWith('.json')) {
      expect(() => JSON.parse(bytes.toString('utf8')), f).not.toThrow();
    } else if (f.endsWith('.csv')) {
      expect(parseCsv(bytes.toString('utf8'), f).rows, f).toBeGreaterThan(0);
    } else if (f.endsWith('.png')) {
      expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), f).toBe(true);
      expect(bytes.subarray(bytes.length - 8, bytes.length - 4).toString('latin1'), f).toBe('IEND');
    } else if (f.endsWith('.svg')) {
      expect(bytes.toString('utf8').trimEnd().endsWith('</svg>'), f).toBe(true);
    } else if (f === '.crsky.lock') {
      // the run-directory lock of a killed process: taken over by the next --resume
    } else {
      throw new Error(`unexpected file ${f} in ${dir}`);
    }
  }
  return temps;
}

function isPng(file: string): boolean {
  const b = fs.readFileSync(file);
  return b.length > 100 && b.subarray(1, 4).toString('latin1') === 'PNG' && b.subarray(b.length - 8, b.length - 4).toString('latin1') === 'IEND';
}

beforeAll(async () => {
  root = makeTempDir('crsky-cli-simulate-');
  base = out('base');
  baseRun = await runCli([...BASE, '--out', base]);
  expectOk(baseRun);
});

afterAll(cleanupCli);

describe('simulate: one run', () => {
  it('prints the summary: backend, particle-steps/s, C_1..C_5 and the dipole amplitude and direction of each map', () => {
    const s = baseRun.stdout;
    expect(s).toMatch(/^backend: cpu \(1 worker thread/m);
    expect(s).toMatch(new RegExp(`realizations: ${REALIZATIONS} run, 0 already done; \\S+ particle-steps in \\S+ s = \\d\\.\\d{3}e\\+\\d+ particle-steps/s`));
    const num = '-?\\d\\.\\d{3}e[+-]\\d+';
    for (const label of ['t00', 't01']) {
      expect(s).toMatch(new RegExp(`^\\[${label}\\] Omega\\*T = \\S+ \\(T = \\S+ pc\\): C_1\\.\\.C_5 = ${num} ${num} ${num} ${num} ${num}; noise N = ${num}$`, 'm'));
      expect(s).toMatch(new RegExp(`^\\[${label}\\] dipole of the mean map: ${num} towards \\(lon, lat\\) = \\(-?\\d+\\.\\d°, -?\\d+\\.\\d°\\)`, 'm'));
    }
    // progress (the default bar) goes to stderr, never to stdout
    expect(baseRun.stderr).toContain('crsky: backend cpu');
    expect(s).not.toContain('realizations [');
  });

  it('writes manifest.json with the resolved config, seed, version, git commit, backend, device and timings', () => {
    const m = JSON.parse(read(base, 'manifest.json').toString('utf8'));
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(m.status).toBe('complete');
    expect(m.crsky).toBe(pkg.version);
    expect(m.gitCommit).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    expect(m.seed).toBe(1);
    // resolved: preset + shortcuts + --set + schema defaults
    expect(m.config.seed).toBe(1);
    expect(m.config.realizations).toBe(REALIZATIONS);
    expect(m.config.particles.nside).toBe(NSIDE);
    expect(m.config.particles.perPixelSide).toBe(1);
    expect(m.config.field.turbulence.modes).toBe(64);
    expect(m.config.tracking.backend).toBe('cpu');
    expect(m.config.tracking.timesOmega).toEqual([10, 50]);
    expect(m.command).toEqual([...BASE, '--out', base]);
    expect(m.backend).toMatchObject({ requested: 'cpu', used: 'cpu' });
    expect(m.backend.device).toMatch(/worker thread/);
    expect(m.timings.particleSteps).toBeGreaterThan(0);
    expect(m.timings.trackingSeconds).toBeGreaterThan(0);
    expect(m.timings.particleStepsPerSecond).toBeCloseTo(m.timings.particleSteps / m.timings.trackingSeconds, 6);
    expect(m.timings.wallSeconds).toBeGreaterThan(0);
    expect(m.realizations).toEqual({ planned: [0, 1, 2, 3], done: [0, 1, 2, 3] });
    expect(m.maps.map((x: { label: string }) => x.label)).toEqual(['t00', 't01']);
  });

  it('writes one FITS map per realization and snapshot and the ensemble means, and a record per realization', () => {
    const files = listFiles(base);
    for (const f of [...REALIZATION_MAPS, 'maps/mean_t00.fits', 'maps/mean_t01.fits']) {
      expect(files).toContain(f);
      const m = readHealpixFits(path.join(base, f));
      expect(m.nside).toBe(NSIDE);
      expect(m.ordering).toBe('RING');
      const data = m.columns[0].data;
      expect(data.length).toBe(NPIX);
      // relative intensity: finite and around 1
      for (const v of data) expect(Math.abs(v - 1)).toBeLessThan(0.5);
    }
    expect(files.filter((f) => f.startsWith('realizations/'))).toEqual(['realizations/r00000.json', 'realizations/r00001.json', 'realizations/r00002.json', 'realizations/r00003.json']);
    expect(checkWholeFiles(base)).toEqual([]);
  });

  it('writes cl.csv (l,mean,std,...,cl_hat,error), dipole.csv, diffusion.csv and PNG/SVG plots', () => {
    const cl = readCsv(path.join(base, 'cl.csv'));
    expect(cl.names.slice(0, 3)).toEqual(['l', 'mean', 'std']);
    expect(cl.names).toEqual(expect.arrayContaining(['cl_hat', 'error']));
    expect(cl.names.indexOf('error')).toBe(cl.names.indexOf('cl_hat') + 1);
    expect(Array.from(cl.columns.l)).toEqual(Array.from({ length: 3 * NSIDE }, (_, l) => l));
    for (let l = 1; l < cl.rows; l++) expect(cl.columns.mean[l]).toBeGreaterThan(0);
    // cl.csv is the spectrum of the last snapshot
    expect(read(base, 'cl.csv').equals(read(base, 'cl_t01.csv'))).toBe(true);
    // the same C_1..C_5 as the manifest
    const m = JSON.parse(read(base, 'manifest.json').toString('utf8'));
    expect(Array.from(cl.columns.mean.subarray(1, 6))).toEqual(m.maps[1].clMean.slice(1, 6));

    expect(csvHeader(path.join(base, 'dipole.csv'))).toEqual(['map', 'time_pc', 'omega_t', 'realization', 'dx', 'dy', 'dz', 'amplitude', 'lon_deg', 'lat_deg']);
    const dip = readCsv(path.join(base, 'dipole.csv'));
    expect(dip.rows).toBe(2 * (1 + REALIZATIONS)); // per map: the mean map (-1) and each realization
    expect(Array.from(dip.columns.realization.subarray(0, 1 + REALIZATIONS))).toEqual([-1, 0, 1, 2, 3]);
    const diff = readCsv(path.join(base, 'diffusion.csv'));
    expect(diff.names).toEqual(['time_pc', 'omega_t', 'k_par_pc', 'k_par_err_pc', 'k_perp_pc', 'k_perp_err_pc']);
    expect(Array.from(diff.columns.omega_t)).toEqual([10, 50]);
    for (const v of diff.columns.k_par_pc) expect(v).toBeGreaterThan(0);

    for (const f of ['map_mean_t00.png', 'map_mean_t01.png', 'cl_t00.png', 'cl_t01.png']) expect(isPng(path.join(base, f)), f).toBe(true);
    for (const f of ['cl_t00.svg', 'cl_t01.svg']) expect(read(base, f).toString('utf8')).toMatch(/^<svg[^]*<\/svg>\s*$/);
  });
});

describe('simulate: determinism and progress modes', () => {
  let again: CliResult;
  let otherSeed: CliResult;

  beforeAll(async () => {
    [again, otherSeed] = await Promise.all([
      runCli([...BASE, '--out', out('again'), '--json']),
      runCli([...BASE, '--seed', '2', '--out', out('seed2'), '--quiet']),
    ]);
    expectOk(again);
    expectOk(otherSeed);
  });

  it('the same config and seed give byte-identical C_l tables and maps (CPU backend)', () => {
    expectSameBytes(base, out('again'), [...ENSEMBLE_FILES, ...REALIZATION_MAPS]);
  });

  it('another seed gives different C_l and maps', () => {
    for (const f of ['cl.csv', 'maps/mean_t00.fits', 'maps/mean_t01.fits', 'maps/r00000_t01.fits']) {
      expect(read(base, f).equals(read(out('seed2'), f)), f).toBe(false);
    }
    const a = readCsv(path.join(base, 'cl.csv')).columns.mean;
    const b = readCsv(path.join(out('seed2'), 'cl.csv')).columns.mean;
    expect(a[1]).not.toBe(b[1]);
  });

  it('--json prints the summary as parseable JSON on stdout', () => {
    const j = JSON.parse(again.stdout);
    const m = JSON.parse(read(out('again'), 'manifest.json').toString('utf8'));
    expect(j.backend).toBe('cpu');
    expect(j.device).toBe(m.backend.device);
    expect(j.particleSteps).toBe(m.timings.particleSteps);
    expect(j.particleStepsPerSecond).toBeGreaterThan(0);
    expect(j.maps.map((x: { label: string }) => x.label)).toEqual(['t00', 't01']);
    expect(j.maps[1].omegaT).toBe(50);
    expect(j.maps[1].cl1to5).toEqual(m.maps[1].clMean.slice(1, 6));
    expect(j.maps[1].dipole.amplitude).toBe(m.maps[1].meanDipole.amplitude);
  });

  it('--quiet prints no progress on stderr', () => {
    expect(otherSeed.stderr).toBe('');
    expect(otherSeed.stdout).toContain('C_1..C_5');
  });
});

describe('simulate: shards and merge', () => {
  let shard0: CliResult;

  beforeAll(async () => {
    let shard1: CliResult;
    [shard0, shard1] = await Promise.all([
      runCli([...BASE, '--shard', '0/2', '--out', out('shard0'), '--log', 'json']),
      runCli([...BASE, '--shard', '1/2', '--out', out('shard1'), '--quiet']),
    ]);
    expectOk(shard0);
    expectOk(shard1);
  });

  it('--shard i/N runs only the realizations r = i mod N', () => {
    expect(listFiles(out('shard0')).filter((f) => f.startsWith('realizations/'))).toEqual(['realizations/r00000.json', 'realizations/r00002.json']);
    expect(listFiles(out('shard1')).filter((f) => f.startsWith('realizations/'))).toEqual(['realizations/r00001.json', 'realizations/r00003.json']);
    expect(shard0.stdout).toContain('realizations: 2 run, 0 already done');
  });

  it('--log json writes only JSON lines on stderr (backend, progress, done)', () => {
    const lines = shard0.stderr.split('\n').filter((l) => l.trim() !== '');
    const events = lines.map((l) => JSON.parse(l) as { event: string; task?: string; value?: number; total?: number });
    expect(events[0]).toMatchObject({ event: 'backend', backend: 'cpu' });
    expect(events[events.length - 1]).toMatchObject({ event: 'done', task: 'realizations', value: 2, total: 2 });
  });

  it('merging shard 0/2 and 1/2 gives byte-identical C_l, dipole, diffusion and mean maps to one run', async () => {
    const r = await runCli(['merge', out('shard0'), out('shard1'), '--out', out('merged')]);
    expectOk(r);
    expect(r.stdout).toContain(`merged ${REALIZATIONS} realizations into ${out('merged')}`);
    expectSameBytes(base, out('merged'), [...ENSEMBLE_FILES, ...REALIZATION_MAPS]);
    const m = JSON.parse(read(out('merged'), 'manifest.json').toString('utf8'));
    expect(m.status).toBe('complete');
    expect(m.realizations.done).toEqual([0, 1, 2, 3]);
  });

  it('a later shard with --backend auto keeps to the backend the finished realizations used', async () => {
    // Alone, auto takes the cpu tracker for this tiny run on lavapipe with 2 threads (compiling
    // would dominate: backends.test.ts); after a shard on webgpu it continues there.
    const dir = out('auto-shards');
    const args = ['simulate', '--preset', 'quick', '--nside', String(NSIDE), '--set', 'realizations=2', '--threads', '2', '--out', dir];
    expectOk(await runCli([...args, '--backend', 'webgpu', '--shard', '0/2', '--quiet']));
    const second = await runCli([...args, '--backend', 'auto', '--shard', '1/2', '--resume']);
    expectOk(second);
    expect(second.stderr).toMatch(/^crsky: backend webgpu \(.*\): webgpu: the run's finished realizations ran on webgpu/m);
  });

  it('merge refuses run directories of different configs: exit 2, nothing written', async () => {
    const r = await runCli(['merge', base, out('seed2'), '--out', out('mixed')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crsky: merge: .*seed2 was run with another config \(hash [0-9a-f]+, expected [0-9a-f]+ as in .*base\)$/);
    expect(fs.existsSync(out('mixed'))).toBe(false);
  });
});

describe('simulate: existing output directories', () => {
  it('a non-empty --out without --resume exits 2 and leaves the directory untouched', async () => {
    const before = snapshot(base);
    const r = await runCli([...BASE, '--out', base]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`crsky: --out ${base}: directory exists and is not empty; use --resume to continue that run or choose another --out`);
    expect(snapshot(base)).toEqual(before);
  });

  it('--resume against a run of a different config exits 2 and leaves the directory untouched', async () => {
    const before = snapshot(base);
    const r = await runCli([...BASE, '--set', 'field.turbulence.modes=32', '--resume', '--out', base]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crsky: --resume .*: the config differs from the run there: field\.turbulence\.modes 64 → 32; use a new --out$/);
    expect(snapshot(base)).toEqual(before);
  });
});

describe('simulate: resume after SIGKILL', () => {
  it('a run killed at several moments leaves only whole files; --resume skips finished realizations and reproduces one run exactly', async () => {
    const dir = out('killed');
    const args = [...BASE, '--out', dir, '--quiet'];
    // finished records only: a process killed inside an atomic write leaves a temp file beside them
    const records = () => listFiles(dir).filter((f) => /^realizations\/r\d{5}\.json$/.test(f));
    const mtimes = () => Object.fromEntries(records().map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));

    // 1. a fresh run, killed as soon as the first realization is recorded
    const first = startCli(args);
    await waitFor(() => fs.existsSync(path.join(dir, 'realizations/r00000.json')) || first.child.exitCode !== null, { what: 'r00000.json' });
    first.kill('SIGKILL');
    const r1 = await first.done;
    expect(r1.signal, `the run ended before it could be killed:\n${r1.stderr}`).toBe('SIGKILL');
    checkWholeFiles(dir);
    expect(records()).toContain('realizations/r00000.json');
    const firstRecord = fs.statSync(path.join(dir, 'realizations/r00000.json')).mtimeMs;

    // 2.-4. resumed and killed again: during start-up, a second later, and once the next
    // realization's maps (written before its record) appear
    const nextMaps = () => {
      const n = records().length;
      return fs.existsSync(path.join(dir, `maps/r0000${n}_t00.fits`)) || n === REALIZATIONS;
    };
    for (const when of [300, 1000, nextMaps] as const) {
      const p = startCli([...args, '--resume']);
      if (typeof when === 'number') await new Promise((r) => setTimeout(r, when));
      else await waitFor(() => when() || p.child.exitCode !== null, { what: 'the next realization' });
      p.kill('SIGKILL');
      await p.done;
      checkWholeFiles(dir);
    }

    // 5. resumed to the end
    const doneBefore = mtimes();
    const n = Object.keys(doneBefore).length;
    expect(n).toBeGreaterThanOrEqual(1);
    const last = await runCli(['simulate', '--preset', 'quick', '--backend', 'cpu', '--nside', String(NSIDE), '--set', `realizations=${REALIZATIONS}`, '--out', dir, '--resume']);
    expectOk(last);
    expect(last.stdout).toContain(`realizations: ${REALIZATIONS - n} run, ${n} already done`);
    // finished realizations were not redone
    const after = mtimes();
    for (const [f, t] of Object.entries(doneBefore)) expect(after[f], f).toBe(t);
    expect(after['realizations/r00000.json']).toBe(firstRecord);
    expect(records()).toHaveLength(REALIZATIONS);
    // no temp file survives, every file is whole, and the result is that of the uninterrupted run
    expect(checkWholeFiles(dir)).toEqual([]);
    expect(fs.existsSync(path.join(dir, '.crsky.lock')), 'the finished run released its lock').toBe(false);
    expectSameBytes(base, dir, [...ENSEMBLE_FILES, ...REALIZATION_MAPS]);
    expect(JSON.parse(read(dir, 'manifest.json').toString('utf8')).status).toBe('complete');
  });
});

describe('simulate: one writer per run directory', () => {
  it('a --resume while another process runs the same directory exits 2 and changes nothing', async () => {
    const dir = out('locked');
    const first = startCli([...BASE, '--set', 'realizations=40', '--out', dir, '--quiet']);
    await waitFor(() => fs.existsSync(path.join(dir, 'manifest.json')) || first.child.exitCode !== null, { what: 'manifest.json' });
    const second = await runCli([...BASE, '--set', 'realizations=40', '--out', dir, '--resume', '--quiet']);
    first.kill('SIGKILL');
    await first.done;
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/locked by crsky pid \d+ on .* since \d{4}-\d\d-\d\dT[\d:.]+Z \(.*\.crsky\.lock\); if that process is gone, take the run over with --break-lock/);
  });
});

describe('simulate: mode tables', () => {
  it('writes each realization\'s plane waves as a mode table, and a run from that table reproduces the realization exactly', async () => {
    const table = path.join(base, 'fields', 'r00000_modes.csv');
    expect(fs.readFileSync(table, 'utf8').split('\n')[0]).toBe('kx,ky,kz,ax,ay,az,phase');
    const again = out('from-table');
    const r = await runCli([...BASE, '--set', 'realizations=1', '--set', `field.turbulence.modeTableFile=${table}`, '--out', again, '--quiet']);
    expectOk(r);
    // Same field, same launch directions: the realization's maps hold the same numbers (the
    // headers differ only in the field's description).
    for (const f of ['maps/r00000_t00.fits', 'maps/r00000_t01.fits']) {
      expect(readHealpixFits(path.join(again, f)).columns[0].data).toEqual(readHealpixFits(path.join(base, f)).columns[0].data);
    }
  });

  it('a mode table whose B_rms differs from field.turbulence.brmsUG is refused (exit 2, nothing written)', async () => {
    const table = path.join(base, 'fields', 'r00000_modes.csv');
    const dir = out('table-mismatch');
    const r = await runCli([...BASE, '--brms', '2', '--set', `field.turbulence.modeTableFile=${table}`, '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crsky: config: field\.turbulence\.brmsUG = 2: the mode table .* has B_rms = 1\.00000 uG/);
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('plot and analyze on a run directory', () => {
  it('plot re-renders the map and C_l figures of an output directory, dipole-subtracted and smoothed', async () => {
    const dir = out('merged');
    const before = fs.statSync(path.join(dir, 'cl_t01.png')).mtimeMs;
    const r = await runCli(['plot', dir, '--remove-multipoles', '1', '--smooth', '20', '--width', '400']);
    expectOk(r);
    const written = r.stdout.trim().replace(/^wrote /, '').split(', ');
    expect(written.map((f) => path.relative(dir, f)).sort()).toEqual(
      ['cl_t00.png', 'cl_t00.svg', 'cl_t01.png', 'cl_t01.svg', 'map_mean_t00_l1s20.png', 'map_mean_t01_l1s20.png'].sort(),
    );
    for (const f of written.filter((x) => x.endsWith('.png'))) expect(isPng(f), f).toBe(true);
    expect(fs.statSync(path.join(dir, 'cl_t01.png')).mtimeMs).toBeGreaterThanOrEqual(before);
    // the data are not touched
    expectSameBytes(base, dir, ENSEMBLE_FILES);
  });

  it('plot of a directory that is no run exits 2', async () => {
    const r = await runCli(['plot', root]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`crsky: plot: ${root} has no manifest.json; not a crsky run directory`);
  });

  it('analyze our mean map: C_l (l,cl), the dipole of the run, residual FITS and PNG after removing l <= 1 and smoothing', async () => {
    const a = out('analysis');
    const map = path.join(base, 'maps/mean_t01.fits');
    const r = await runCli(['analyze', map, '--remove-multipoles', '1', '--smooth', '20', '--out', a]);
    expectOk(r);
    expect(r.stdout).toMatch(/N_side 4, RING, equatorial/);
    expect(listFiles(a)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'mean_t01.png', 'residual.fits', 'residual.png']);
    expect(csvHeader(path.join(a, 'cl.csv'))).toEqual(['l', 'cl']);
    const cl = readCsv(path.join(a, 'cl.csv'));
    expect(cl.rows).toBe(3 * NSIDE);
    // the dipole is removed before the C_l (up to the non-orthogonality of a pixel fit at N_side 4)
    const meanMapCl = readCsv(path.join(base, 'cl_t01.csv')).columns.cl_mean_map;
    expect(cl.columns.cl[1]).toBeLessThan(1e-3 * meanMapCl[1]);
    // the same dipole as the run found for its mean map
    const m = JSON.parse(read(base, 'manifest.json').toString('utf8'));
    const d = readCsv(path.join(a, 'dipole.csv')).columns;
    expect(d.amplitude[0]).toBeCloseTo(m.maps[1].meanDipole.amplitude, 10);
    expect(d.lon_deg[0]).toBeCloseTo(m.maps[1].meanDipole.lonDeg, 6);
    expect(d.lat_deg[0]).toBeCloseTo(m.maps[1].meanDipole.latDeg, 6);
    const res = readHealpixFits(path.join(a, 'residual.fits'));
    expect(res.nside).toBe(NSIDE);
    expect(res.columns[0].data.length).toBe(NPIX);
    expect(isPng(path.join(a, 'residual.png'))).toBe(true);
  });
});
