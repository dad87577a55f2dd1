/**
 * Nothing lost, nothing silently wrong (issue 11): what a hostile but realistic user does to run
 * directories — analyze into a run, merge broken shards, resume into the wrong directory or on
 * another backend, interrupt a run — ends in exit 0 with correct results, or in exit 2 with one
 * clear line and every existing file byte for byte as it was. One small CPU run (N_side 8, two
 * realizations) is the material; every test works on its own copy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { cleanupCli, listFiles, makeTempDir, runCli, startCli, waitFor, type CliResult } from '../helpers/cli.ts';

const NSIDE = 8;
/** The base run: quick preset, N_side 8, 2 realizations, snapshots at Omega*T = 5 and 10. */
const CONFIG = ['--preset', 'quick', '--nside', String(NSIDE), '--realizations', '2', '--set', 'tracking.timesOmega=[5,10]'];
const RUN = ['simulate', ...CONFIG, '--backend', 'cpu', '--threads', '1', '--quiet'];

let root: string;
let base: string;

const out = (name: string) => path.join(root, name);

/** A copy of the base run to abuse. */
function copyOfBase(name: string): string {
  const dir = out(name);
  fs.cpSync(base, dir, { recursive: true });
  return dir;
}

/** File → sha256 of its bytes (hidden files included): "byte for byte as it was". */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]));
}

function expectOk(r: CliResult): void {
  expect(r.timedOut, 'timed out').toBe(false);
  expect(r.code, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

/** Exit 2, nothing on stdout, one line on stderr matching `line`. */
function expectRefused(r: CliResult, line: RegExp): void {
  expect(r.timedOut, 'timed out').toBe(false);
  expect(r.code, `exit code; stderr:\n${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
}

function readJsonFile<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function readJsonConfig(r: CliResult): { seed: number; particles: { nside: number } } {
  return JSON.parse(r.stdout) as { seed: number; particles: { nside: number } };
}

function editJson(file: string, edit: (v: Record<string, unknown>) => void): void {
  const v = readJsonFile<Record<string, unknown>>(file);
  edit(v);
  fs.writeFileSync(file, JSON.stringify(v, null, 2));
}

beforeAll(async () => {
  root = makeTempDir('crsky-cli-nothing-lost-');
  base = out('base');
  expectOk(await runCli([...RUN, '--out', base]));
});

afterAll(cleanupCli);

describe('1. no command overwrites another command’s outputs', () => {
  it('analyze --out <a run directory> exits 2 and leaves the run byte for byte', async () => {
    const run = copyOfBase('analyze-into-run');
    const before = contents(run);
    const r = await runCli(['analyze', path.join(run, 'maps/mean_t01.fits'), '--out', run]);
    expectRefused(r, /^crsky: analyze --out .*analyze-into-run: holds files analyze did not write \(a crsky run: manifest\.json\); give a new or empty directory, or one an earlier analyze wrote$/);
    expect(contents(run)).toEqual(before);
  });

  it('analyze --out <a directory with other files> exits 2 and writes nothing there', async () => {
    const dir = out('analyze-into-maps');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cl.csv'), 'mine\n');
    const r = await runCli(['analyze', path.join(base, 'maps/mean_t01.fits'), '--out', dir]);
    expectRefused(r, /^crsky: analyze --out .*analyze-into-maps: holds files analyze did not write \(cl\.csv\); give a new or empty directory, or one an earlier analyze wrote$/);
    expect(listFiles(dir)).toEqual(['cl.csv']);
    expect(fs.readFileSync(path.join(dir, 'cl.csv'), 'utf8')).toBe('mine\n');
  });

  it('analyze again into its own --out replaces its earlier outputs, the ones the new call does not make included', async () => {
    const dir = out('analysis');
    const map = path.join(base, 'maps/mean_t01.fits');
    expectOk(await runCli(['analyze', map, '--remove-multipoles', '1', '--out', dir]));
    expect(listFiles(dir)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'mean_t01.png', 'residual.fits', 'residual.png']);
    expectOk(await runCli(['analyze', map, '--out', dir]));
    expect(listFiles(dir)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'mean_t01.png']);
  });

  it('diffusion --csv onto a run’s cl.csv exits 2 before any tracking, the file untouched; onto its own earlier CSV it writes', async () => {
    const run = copyOfBase('diffusion-into-run');
    const before = contents(run);
    const tiny = ['diffusion', '--backend', 'cpu', '--threads', '1', '--particles', '8', '--nt', '2', '--realizations', '1', '--tmax', '5', '--log', 'quiet'];
    const r = await runCli([...tiny, '--csv', path.join(run, 'cl.csv')]);
    expectRefused(r, /^crsky: diffusion --csv .*cl\.csv: exists and was not written by crsky diffusion; choose another file$/);
    expect(contents(run)).toEqual(before);
    const own = out('d.csv');
    expectOk(await runCli([...tiny, '--csv', own]));
    expectOk(await runCli([...tiny, '--csv', own]));
  });

  it('bench --json onto a run’s manifest.json exits 2 before measuring anything', async () => {
    const run = copyOfBase('bench-into-run');
    const before = contents(run);
    const r = await runCli(['bench', '--quick', '--backends', 'cpu', '--json', path.join(run, 'manifest.json')]);
    expectRefused(r, /^crsky: bench --json .*manifest\.json: exists and was not written by crsky bench; choose another file$/);
    expect(r.ms).toBeLessThan(20_000);
    expect(contents(run)).toEqual(before);
  });
});

describe('2. scan --merge deletes nothing that is not merged', () => {
  const SCAN = {
    name: 'one',
    preset: 'quick',
    base: { realizations: 2, particles: { nside: 2 }, tracking: { timesOmega: [5] } },
    grid: { 'particles.rigidityPV': [2] },
    shards: 2,
  };
  const TASK = ['--backend', 'cpu', '--threads', '1', '--log', 'quiet'];

  it('with a shard missing it exits 2 naming the point and the realizations, and keeps the partial local run; once the shard is there it merges both', async () => {
    const dir = out('scan-merge');
    fs.mkdirSync(dir);
    const scanFile = path.join(dir, 'scan.json');
    fs.writeFileSync(scanFile, JSON.stringify(SCAN));
    const scan = (...args: string[]) => runCli(['scan', '--config', scanFile, '--out', path.join(dir, 'out'), ...args]);
    // a local run of point 0 that stopped after realization 0, and shard 0/2 of the same point
    expectOk(await scan('--point', '0', ...TASK));
    const local = path.join(dir, 'out/points/p0000');
    fs.rmSync(path.join(local, 'realizations/r00001.json'));
    editJson(path.join(local, 'manifest.json'), (m) => {
      m.status = 'running';
      m.realizations = { planned: [0, 1], done: [0] };
    });
    expectOk(await scan('--point', '0', '--shard', '0/2', ...TASK));
    const before = contents(local);

    const r = await scan('--merge', '--log', 'quiet');
    expectRefused(r, /^crsky: scan --merge: point 0 misses realization 1 \(not in .*points\/p0000 nor in a finished shard: .*shards\/p0000-s0001 has not run\); nothing was merged$/);
    expect(contents(local)).toEqual(before);

    expectOk(await scan('--point', '0', '--shard', '1/2', ...TASK));
    const merged = await scan('--merge', '--log', 'quiet');
    expectOk(merged);
    const m = readJsonFile<{ status: string; realizations: { done: number[] } }>(path.join(local, 'manifest.json'));
    expect(m.status).toBe('complete');
    expect(m.realizations.done).toEqual([0, 1]);
    // the local realization 0 and shard 0's are the same realization: bitwise the same map
    expect(fs.readFileSync(path.join(local, 'maps/r00000_t00.fits')).equals(fs.readFileSync(path.join(dir, 'out/shards/p0000-s0000/maps/r00000_t00.fits')))).toBe(true);
  });
});

describe('3. resume never mixes configs', () => {
  it('records carry the config hash and the backend and device that made them', () => {
    const m = readJsonFile<{ configHash: string }>(path.join(base, 'manifest.json'));
    const rec = readJsonFile<{ configHash: string; backend: string; device: string }>(path.join(base, 'realizations/r00000.json'));
    expect(rec.configHash).toBe(m.configHash);
    expect(rec.backend).toBe('cpu');
    expect(rec.device).toMatch(/worker thread/);
  });

  it('--resume into records without a manifest, from another seed, exits 2 naming the record; the directory is untouched', async () => {
    const dir = copyOfBase('no-manifest-other-seed');
    fs.rmSync(path.join(dir, 'manifest.json'));
    const before = contents(dir);
    const r = await runCli([...RUN, '--seed', '99', '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --resume .*no-manifest-other-seed: realizations\/r00000\.json was made by another config \(config hash [0-9a-f]{16}, this run [0-9a-f]{16}\); use a new --out$/);
    expect(contents(dir)).toEqual(before);
  });

  it('--resume into records without a manifest, all of this config, finishes the run as if it had never stopped', async () => {
    const dir = copyOfBase('no-manifest-same');
    fs.rmSync(path.join(dir, 'manifest.json'));
    fs.rmSync(path.join(dir, 'realizations/r00001.json'));
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectOk(r);
    expect(r.stdout).toContain('realizations: 1 run, 1 already done');
    for (const f of ['cl_t01.csv', 'dipole.csv', 'maps/mean_t01.fits']) expect(fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(base, f))), f).toBe(true);
  });

  it('a record of another config among the right manifest’s records is refused by --resume and by merge', async () => {
    const other = out('seed99');
    expectOk(await runCli([...RUN, '--seed', '99', '--out', other]));
    const dir = copyOfBase('foreign-record');
    fs.copyFileSync(path.join(other, 'realizations/r00001.json'), path.join(dir, 'realizations/r00001.json'));
    const before = contents(dir);
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --resume .*foreign-record: realizations\/r00001\.json was made by another config \(config hash [0-9a-f]{16}, this run [0-9a-f]{16}\); use a new --out$/);
    expect(contents(dir)).toEqual(before);
    const m = await runCli(['merge', dir, '--out', out('foreign-merged')]);
    expectRefused(m, /^crsky: merge: .*foreign-record\/realizations\/r00001\.json was made by another config \(config hash [0-9a-f]{16}, the run's [0-9a-f]{16}\)$/);
    expect(fs.existsSync(out('foreign-merged'))).toBe(false);
  });

  it('--resume into a non-empty directory that is no crsky run exits 2 and writes nothing there', async () => {
    const dir = out('foreign');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --resume .*foreign: not a crsky run \(no manifest\.json and no realization records, but notes\.txt\); use a new or empty --out$/);
    expect(listFiles(dir)).toEqual(['notes.txt']);
  });
});

describe('4. plot validates every option and never replaces a figure with a broken one', () => {
  const cases: readonly [string[], RegExp][] = [
    [['--lon-center', 'NaN'], /^crsky: plot --lon-center NaN: must be a number in \[-180, 180\] degrees$/],
    [['--lon-center', '400'], /^crsky: plot --lon-center 400: must be a number in \[-180, 180\] degrees$/],
    [['--width', '1e6'], /^crsky: plot --width 1000000: must be an integer in \[200, 8000\] px$/],
    [['--width', 'abc'], /^crsky: plot --width abc: must be a number$/],
    [['--smooth', 'Infinity'], /^crsky: plot --smooth Infinity: must be in \(0, 180\] degrees$/],
    [['--remove-multipoles', '-1'], /^crsky: plot --remove-multipoles -1: must be an integer in \[0, 10\]$/],
  ];
  it('plot of a run whose second mean map is gone exits 2 naming it, before any figure is redrawn', async () => {
    const run = copyOfBase('plot-missing-map');
    fs.rmSync(path.join(run, 'maps/mean_t01.fits'));
    const before = contents(run);
    const r = await runCli(['plot', run, '--width', '300']);
    expectRefused(r, /^crsky: plot: cannot read .*plot-missing-map\/maps\/mean_t01\.fits: ENOENT.*$/);
    expect(contents(run)).toEqual(before);
  });

  it.each(cases.map(([a, m]) => [a.join(' '), a, m] as const))('plot %s exits 2, every figure byte for byte as it was', async (_n, args, line) => {
    const run = copyOfBase(`plot-${args.join('').replace(/[^A-Za-z0-9]/g, '_')}`);
    const before = contents(run);
    const r = await runCli(['plot', run, ...args]);
    expectRefused(r, line);
    expect(contents(run)).toEqual(before);
  });
});

describe('5. one C_l convention: the map minus its monopole, in simulate and analyze alike', () => {
  /** Largest |a-b|/|b| over l >= 1. */
  function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let w = 0;
    for (let l = 1; l < b.length; l++) w = Math.max(w, Math.abs(a[l] - b[l]) / Math.abs(b[l]));
    return w;
  }

  // Both sides are anafast (3 iterations) of the same float64 pixels minus the same monopole; the
  // CSV files hold shortest round-trip decimals, so 1e-12 leaves room only for summation order.
  it('a realization’s C_l in its record equal analyze of its written map to 1e-12 (relative, l >= 1)', async () => {
    const a = out('analyze-r0');
    expectOk(await runCli(['analyze', path.join(base, 'maps/r00000_t01.fits'), '--out', a]));
    const rec = readJsonFile<{ maps: { cl: number[] }[] }>(path.join(base, 'realizations/r00000.json'));
    const cl = readCsv(path.join(a, 'cl.csv')).columns.cl;
    expect(cl.length).toBe(3 * NSIDE);
    expect(worst(rec.maps[1].cl, cl)).toBeLessThan(1e-12);
  });

  it('cl_mean_map of cl_t01.csv equals analyze of maps/mean_t01.fits to 1e-12 (relative, l >= 1)', async () => {
    const a = out('analyze-mean');
    expectOk(await runCli(['analyze', path.join(base, 'maps/mean_t01.fits'), '--out', a]));
    const mine = readCsv(path.join(base, 'cl_t01.csv')).columns.cl_mean_map;
    expect(worst(mine, readCsv(path.join(a, 'cl.csv')).columns.cl)).toBeLessThan(1e-12);
  });
});

describe('6. resume never mixes backends unless asked to', () => {
  /** The base run with realization 1 unfinished and realization 0 recorded as made on `backend`. */
  function halfDone(name: string, backend: string, device: string): string {
    const dir = copyOfBase(name);
    fs.rmSync(path.join(dir, 'realizations/r00001.json'));
    editJson(path.join(dir, 'realizations/r00000.json'), (rec) => {
      rec.backend = backend;
      rec.device = device;
    });
    return dir;
  }

  it('--resume on cpu of a run whose realizations ran on webgpu exits 2 and changes nothing', async () => {
    const dir = halfDone('mixed-refused', 'webgpu', 'llvmpipe (test)');
    const before = contents(dir);
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --resume .*mixed-refused: realization 0 ran on webgpu \(llvmpipe \(test\)\), this call runs cpu; one run on two backends is not bitwise reproducible: resume with --backend webgpu, or pass --allow-mixed-backends$/);
    expect(contents(dir)).toEqual(before);
  });

  it('--allow-mixed-backends runs it and records which backend ran each realization', async () => {
    const dir = halfDone('mixed-allowed', 'webgpu', 'llvmpipe (test)');
    expectOk(await runCli([...RUN, '--resume', '--allow-mixed-backends', '--out', dir]));
    const m = readJsonFile<{ backend: { used: string; realizations: { index: number; backend: string; device: string }[] } }>(path.join(dir, 'manifest.json'));
    expect(m.backend.used).toBe('mixed');
    expect(m.backend.realizations.map((x) => [x.index, x.backend])).toEqual([
      [0, 'webgpu'],
      [1, 'cpu'],
    ]);
    expect(readJsonFile<{ backend: string }>(path.join(dir, 'realizations/r00001.json')).backend).toBe('cpu');
  });

  it('merge of shards from two backends exits 2 unless --allow-mixed-backends', async () => {
    const a = out('shard-gpu');
    const b = out('shard-cpu');
    expectOk(await runCli([...RUN, '--shard', '0/2', '--out', a]));
    expectOk(await runCli([...RUN, '--shard', '1/2', '--out', b]));
    editJson(path.join(a, 'realizations/r00000.json'), (rec) => {
      rec.backend = 'webgpu';
    });
    const r = await runCli(['merge', a, b, '--out', out('shards-mixed')]);
    expectRefused(r, /^crsky: merge: realization 0 ran on webgpu, realization 1 on cpu; one run on two backends is not bitwise reproducible: pass --allow-mixed-backends to merge them anyway$/);
    expect(fs.existsSync(out('shards-mixed'))).toBe(false);
    expectOk(await runCli(['merge', a, b, '--allow-mixed-backends', '--out', out('shards-mixed')]));
  });
});

describe('8. merge is all or nothing and names the bad file', () => {
  async function mergeBroken(name: string, breakIt: (dir: string) => void, line: RegExp): Promise<void> {
    const dir = copyOfBase(name);
    breakIt(dir);
    const dest = out(`${name}-merged`);
    const r = await runCli(['merge', dir, '--out', dest]);
    expectRefused(r, line);
    expect(fs.existsSync(dest), 'merge left an output directory').toBe(false);
    expect(fs.readdirSync(root).filter((f) => f.includes(`${name}-merged`))).toEqual([]);
    // the retry, once the input is whole again, is not refused
    fs.rmSync(dir, { recursive: true });
    fs.cpSync(base, dir, { recursive: true });
    expectOk(await runCli(['merge', dir, '--out', dest]));
  }

  it('a corrupt record', () =>
    mergeBroken('corrupt-record', (d) => fs.writeFileSync(path.join(d, 'realizations/r00001.json'), '{"index": 1, "maps": ['), /^crsky: merge: .*corrupt-record\/realizations\/r00001\.json: not valid JSON \(.+\)$/));

  it('a missing map file', () =>
    mergeBroken('missing-map', (d) => fs.rmSync(path.join(d, 'maps/r00001_t01.fits')), /^crsky: merge: .*missing-map\/maps\/r00001_t01\.fits: missing \(named by realizations\/r00001\.json\)$/));

  it('no finished realization', () =>
    mergeBroken('no-records', (d) => fs.rmSync(path.join(d, 'realizations'), { recursive: true }), /^crsky: merge: no finished realization in .*no-records$/));

  it('a corrupt map file', () =>
    mergeBroken('corrupt-map', (d) => fs.writeFileSync(path.join(d, 'maps/r00000_t00.fits'), 'SIMPLE'), /^crsky: merge: .*corrupt-map\/maps\/r00000_t00\.fits: .+$/));
});

describe('9. a shard with no realization is refused up front', () => {
  it('--shard 7/8 of 4 realizations exits 2 naming the realizations, nothing written', async () => {
    const dir = out('empty-shard');
    const r = await runCli(['simulate', '--preset', 'quick', '--backend', 'cpu', '--nside', '2', '--realizations', '4', '--shard', '7/8', '--out', dir]);
    expectRefused(r, /^crsky: --shard 7\/8: no realization falls in it \(realizations = 4: r mod 8 = 7 needs realizations >= 8\); use at most 4 shards$/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a scan with more shards than a point’s realizations is refused for running and for --emit slurm', async () => {
    const dir = out('scan-shards');
    fs.mkdirSync(dir);
    const scanFile = path.join(dir, 'scan.json');
    fs.writeFileSync(scanFile, JSON.stringify({ name: 's', preset: 'quick', base: { realizations: 2 }, grid: { realizations: [2, 4] }, shards: 3 }));
    for (const extra of [['--emit', 'slurm'], ['--point', '0', '--shard', '2/3']]) {
      const r = await runCli(['scan', '--config', scanFile, '--out', path.join(dir, 'out'), ...extra]);
      expectRefused(r, /^crsky: scan: shards = 3 but point 0 has 2 realizations: every shard needs one; use shards <= 2$/);
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    }
  });
});

describe('11. a bad path or a damaged file is exit 2 with the path and the reason', () => {
  it('--out that is a file', async () => {
    const file = out('a-file');
    fs.writeFileSync(file, 'x');
    const r = await runCli([...RUN, '--out', file]);
    expectRefused(r, /^crsky: --out .*a-file: exists and is not a directory$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('--out under a file system that refuses new directories (/proc) exits 2 at once instead of hanging', async () => {
    const r = await runCli([...RUN, '--out', '/proc/crsky-test/run'], { timeoutMs: 30_000 });
    expectRefused(r, /^crsky: --out \/proc\/crsky-test\/run: cannot create \/proc\/crsky-test \(ENOENT: .+\)$/);
  });

  it('analyze --out that is a file', async () => {
    const file = out('b-file');
    fs.writeFileSync(file, 'x');
    const r = await runCli(['analyze', path.join(base, 'maps/mean_t01.fits'), '--out', file]);
    expectRefused(r, /^crsky: analyze --out .*b-file: exists and is not a directory$/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('a corrupt manifest: --resume, plot and merge name the file', async () => {
    const dir = copyOfBase('corrupt-manifest');
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"configHash": ');
    const before = contents(dir);
    const want = /^crsky: (--resume |plot: |merge: ).*corrupt-manifest\/manifest\.json: not valid JSON \(.+\)$/;
    expectRefused(await runCli([...RUN, '--resume', '--out', dir]), want);
    expectRefused(await runCli(['plot', dir]), want);
    expectRefused(await runCli(['merge', dir, '--out', out('corrupt-manifest-merged')]), want);
    expect(contents(dir)).toEqual(before);
  });

  it('a corrupt record: --resume names the file', async () => {
    const dir = copyOfBase('corrupt-record-resume');
    fs.writeFileSync(path.join(dir, 'realizations/r00000.json'), '');
    const before = contents(dir);
    expectRefused(await runCli([...RUN, '--resume', '--out', dir]), /^crsky: --resume .*corrupt-record-resume\/realizations\/r00000\.json: not valid JSON \(.+\)$/);
    expect(contents(dir)).toEqual(before);
  });
});

describe('12. clear messages, a lock that says whose it is, and signals', () => {
  it('--resume with a changed config names the fields that differ', async () => {
    const dir = copyOfBase('changed');
    const before = contents(dir);
    const r = await runCli([...RUN, '--set', 'field.turbulence.modes=32', '--rigidity', '3', '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --resume .*changed: the config differs from the run there: field\.turbulence\.modes 64 → 32, particles\.rigidityPV 1\.8\d* → 3; use a new --out$/);
    expect(contents(dir)).toEqual(before);
  });

  it('a lock from another host says whose it is and how to take it over; --break-lock does', async () => {
    const dir = copyOfBase('locked-elsewhere');
    fs.rmSync(path.join(dir, 'realizations/r00001.json'));
    fs.writeFileSync(path.join(dir, '.crsky.lock'), JSON.stringify({ pid: 4242, host: 'node17.cluster', startedAt: '2026-01-02T03:04:05.000Z', command: 'simulate' }));
    const before = contents(dir);
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --out .*locked-elsewhere: locked by crsky pid 4242 on node17\.cluster since 2026-01-02T03:04:05\.000Z \(.*\.crsky\.lock\); if that process is gone, take the run over with --break-lock$/);
    expect(contents(dir)).toEqual(before);
    expectOk(await runCli([...RUN, '--resume', '--break-lock', '--out', dir]));
    expect(fs.existsSync(path.join(dir, '.crsky.lock'))).toBe(false);
  });

  it('an unreadable lock is named as such, with the same way out', async () => {
    const dir = copyOfBase('locked-garbage');
    fs.writeFileSync(path.join(dir, '.crsky.lock'), '\u0000\u0001garbage');
    const r = await runCli([...RUN, '--resume', '--out', dir]);
    expectRefused(r, /^crsky: --out .*locked-garbage: locked by an unknown process \(unreadable lock file .*\.crsky\.lock\); if no crsky runs there, take the run over with --break-lock$/);
  });

  // A long run: 49152 pixels to Omega*T = 1e4 on one thread, estimated at hours.
  const LONG = ['simulate', '--preset', 'quick', '--backend', 'cpu', '--threads', '1', '--nside', '64', '--set', 'tracking.timesOmega=[10000]', '--realizations', '1'];

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a long run prints its estimated work and time; %s releases the lock and exits %i', async (signal, code) => {
    const dir = out(`signal-${signal}`);
    const p = startCli([...LONG, '--out', dir]);
    await waitFor(() => /estimated/.test(p.output().stderr) || p.child.exitCode !== null, { what: 'the estimate', timeoutMs: 60_000 });
    await waitFor(() => fs.existsSync(path.join(dir, '.crsky.lock')) || p.child.exitCode !== null, { what: 'the lock' });
    expect(p.output().stderr).toMatch(/^crsky: estimated \d\.\de\+\d+ particle-steps \(49152 particles × \d+ steps × 1 realization\), about [\d.]+ h on cpu at a conservative [\d.]+e\+\d+ particle-steps\/s; Ctrl-C stops it, --resume continues$/m);
    p.kill(signal);
    const r = await p.done;
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toContain(`crsky: stopped by ${signal}; ${dir} is unlocked: continue with --resume`);
    expect(fs.existsSync(path.join(dir, '.crsky.lock'))).toBe(false);
  });

  it('a gradient so large that the intensity can go negative is warned about in the summary', async () => {
    const r = await runCli(['simulate', '--preset', 'quick', '--backend', 'cpu', '--threads', '1', '--nside', '2', '--realizations', '1', '--set', 'tracking.timesOmega=[5,10]', '--set', 'liouville.gradient.magnitudePerPc=0.06', '--out', out('steep'), '--quiet']);
    expectOk(r);
    expect(r.stdout).toMatch(/^warning: \[t01\] \|∇φ\|\/φ · T = 1\.2\d* >= 1 \(T = 20\.\d+ pc\): the intensity of the gradient model can go negative; lower liouville\.gradient\.magnitudePerPc or the time$/m);
    expect(r.stdout).not.toMatch(/\[t00\] \|∇φ\|/);
  });

  it('a conflicting shortcut and --set: the later --set wins, with a warning', async () => {
    const r = await runCli(['config', '--preset', 'quick', '--nside', '8', '--set', 'particles.nside=16']);
    expectOk(r);
    expect(readJsonConfig(r).particles.nside).toBe(16);
    expect(r.stderr.trim()).toBe('crsky: warning: --set particles.nside=16 overrides --nside 8');
  });

  it('a config file and a scan file that start with a UTF-8 byte-order mark are read', async () => {
    const cfg = out('bom.json');
    fs.writeFileSync(cfg, '\uFEFF{"seed": 3}');
    const r = await runCli(['config', '--config', cfg]);
    expectOk(r);
    expect(readJsonConfig(r).seed).toBe(3);
    const scanFile = out('bom-scan.json');
    fs.writeFileSync(scanFile, '\uFEFF' + JSON.stringify({ name: 'bom', preset: 'quick', base: { particles: { nside: 2 } }, grid: { seed: [1, 2] } }));
    const e = await runCli(['scan', '--config', scanFile, '--out', out('bom-scan'), '--emit', 'slurm']);
    expectOk(e);
  });

  it('a .fits.gz map is read (gzip) and analyzed like the plain file', async () => {
    const gz = out('mean_t01.fits.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(path.join(base, 'maps/mean_t01.fits'))));
    const [plain, zipped] = [out('analyze-plain'), out('analyze-gz')];
    expectOk(await runCli(['analyze', path.join(base, 'maps/mean_t01.fits'), '--out', plain]));
    expectOk(await runCli(['analyze', gz, '--out', zipped]));
    // the same numbers; only the first comment line (the file's name) differs
    const body = (dir: string) => fs.readFileSync(path.join(dir, 'cl.csv'), 'utf8').split('\n').slice(1).join('\n');
    expect(body(zipped)).toBe(body(plain));
  });
});
