/**
 * `crsky simulate` with particles.spectrum, end to end on the CPU (quick preset, N_side 4, three
 * rigidities, four realizations): the run directory's layout, each bin's outputs bitwise those of a
 * single-rigidity run at the bin's rigidity, the combined map as the weighted sum, shards + merge
 * and --resume bitwise as one run, `plot` on it, the statistics' ensemble outputs, and the bad
 * input a spectrum can bring (exit 2, one line, nothing written).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { readHealpixFits } from '../../src/io/fits.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, runCli, type CliResult } from '../helpers/cli.ts';

const REALIZATIONS = 4;
const RIGIDITIES = [1.5, 3, 6];
const WEIGHTS = [0.5, 0.3, 0.2];
const COMMON = ['--preset', 'quick', '--backend', 'cpu', '--nside', '4', '--threads', '1', '--set', `realizations=${REALIZATIONS}`, '--set', 'tracking.timesOmega=[5,10]'];
const SPECTRUM = `particles.spectrum=${JSON.stringify({ kind: 'rigidities', rigiditiesPV: RIGIDITIES, weights: WEIGHTS })}`;
const BASE = ['simulate', ...COMMON, '--set', SPECTRUM];
/** The files of a run's ensemble stage (top level and bins), and every realization map. */
const LABELS = ['t00', 't01'];
const PER_RUN = ['cl.csv', 'dipole.csv', 'statistics.csv', ...LABELS.flatMap((t) => [`cl_${t}.csv`, `minkowski_${t}.csv`, `maps/mean_${t}.fits`])];
const BIN_FILES = ['b00', 'b01', 'b02'].flatMap((b) => [...PER_RUN, 'diffusion.csv'].map((f) => `bins/${b}/${f}`));
const ENERGY_FILES = ['spectrum.csv', 'energy_dipole.csv', ...LABELS.flatMap((t) => [`energy_${t}.csv`, `energy_cl_${t}.csv`, `cross_${t}.csv`])];
const MAPS = Array.from({ length: REALIZATIONS }, (_, r) => LABELS.flatMap((t) => [`maps/r0000${r}_${t}.fits`, ...['b00', 'b01', 'b02'].map((b) => `bins/${b}/maps/r0000${r}_${t}.fits`)])).flat();
const ALL = [...PER_RUN, ...BIN_FILES, ...ENERGY_FILES, ...MAPS];

let root: string;
let base: string;
let run: CliResult;

const out = (name: string) => path.join(root, name);
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f));

function expectOk(r: CliResult): void {
  expect(r.timedOut, 'timed out').toBe(false);
  expect(r.code, `exit code; stderr:\n${r.stderr}`).toBe(0);
}

function expectSameBytes(a: string, b: string, files: readonly string[]): void {
  for (const f of files) expect(read(a, f).equals(read(b, f)), `${f} differs between ${a} and ${b}`).toBe(true);
}

beforeAll(async () => {
  root = makeTempDir('crsky-cli-spectrum-');
  base = out('base');
  run = await runCli([...BASE, '--out', base], { timeoutMs: 120_000 });
  expectOk(run);
}, 180_000);

afterAll(cleanupCli);

describe('a spectrum run', () => {
  it('lays out the combined maps where one rigidity puts its maps, each bin under bins/bNN/, the energy dependence at the top', () => {
    const files = listFiles(base);
    for (const f of ALL) expect(files, f).toContain(f);
    for (const t of LABELS) for (const f of [`energy_${t}.png`, `energy_${t}.svg`, `map_mean_${t}.png`, `bins/b01/map_mean_${t}.png`]) expect(files).toContain(f);
    // no diffusion.csv for the combined sky: each bin has its own K
    expect(files).not.toContain('diffusion.csv');
    expect(run.stdout).toMatch(/^spectrum: 3 rigidity bins, b00 1\.500e\+0 PV \(w = 0\.500\), b01 3\.000e\+0 PV \(w = 0\.300\), b02 6\.000e\+0 PV \(w = 0\.200\)/m);
    expect(run.stdout).toMatch(/^\[t01\] Omega\*T = 10\.00 \(each bin in its own Omega\): C_1\.\.C_5 = /m);
    const m = JSON.parse(read(base, 'manifest.json').toString('utf8'));
    expect(m.spectrum.bins.map((b: { label: string; rigidityPV: number; weight: number; dir: string }) => [b.label, b.rigidityPV, b.weight, b.dir])).toEqual([
      ['b00', 1.5, 0.5, 'bins/b00'],
      ['b01', 3, 0.3, 'bins/b01'],
      ['b02', 6, 0.2, 'bins/b02'],
    ]);
    expect(m.spectrum.bins[2].maps[1].files.clCsv).toBe('bins/b02/cl_t01.csv');
    const rec = JSON.parse(read(base, 'realizations/r00001.json').toString('utf8'));
    expect(rec.bins.map((b: { maps: { file: string }[] }) => b.maps[0].file)).toEqual(['bins/b00/maps/r00001_t00.fits', 'bins/b01/maps/r00001_t00.fits', 'bins/b02/maps/r00001_t00.fits']);
    expect(rec.cross[1].pairs.map((p: { x: number; y: number }) => [p.x, p.y])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    const mean = readHealpixFits(path.join(base, 'maps/mean_t01.fits'));
    expect(mean.header.values.NBINS).toBe(3);
    expect(mean.header.values.RIGIDPV).toBeUndefined();
    expect(readHealpixFits(path.join(base, 'bins/b02/maps/mean_t01.fits')).header.values.RIGIDPV).toBe(6);
  });

  it('the combined map of every realization is Σ w_b I_b of its bins maps', () => {
    for (let r = 0; r < REALIZATIONS; r++) {
      const t = 't01';
      const comb = readHealpixFits(path.join(base, `maps/r0000${r}_${t}.fits`)).columns[0].data;
      const bins = ['b00', 'b01', 'b02'].map((b) => readHealpixFits(path.join(base, `bins/${b}/maps/r0000${r}_${t}.fits`)).columns[0].data);
      for (let p = 0; p < comb.length; p++) expect(comb[p]).toBeCloseTo(WEIGHTS.reduce((a, w, b) => a + w * bins[b][p], 0), 14);
    }
  });

  it('energy tables: one row per bin and the combined sky; C_l per bin and realization; r_l in [-1, 1]', () => {
    const e = readCsv(path.join(base, 'energy_t01.csv'));
    expect(e.names.slice(0, 12)).toEqual(['bin', 'rigidity_pv', 'weight', 'realizations', 'amplitude', 'lon_deg', 'lat_deg', 'a1', 'alpha1_deg', 'amplitude_mean', 'amplitude_stderr', 'alpha1_std_deg']);
    expect(Array.from(e.columns.bin)).toEqual([0, 1, 2, -1]);
    expect(Array.from(e.columns.rigidity_pv.subarray(0, 3))).toEqual(RIGIDITIES);
    // the bins' ensemble dipoles are those of each bin's own dipole.csv (realization -1)
    for (const [b, dir] of ['b00', 'b01', 'b02'].entries()) {
      const d = readCsv(path.join(base, 'bins', dir, 'dipole.csv')).columns;
      const row = Array.from(d.map).findIndex((m, i) => m === 1 && d.realization[i] === -1);
      expect(e.columns.amplitude[b]).toBe(d.amplitude[row]);
    }
    const cl = readCsv(path.join(base, 'energy_cl_t01.csv')).columns;
    expect(cl.l.length).toBe(3 * (1 + REALIZATIONS) * 12);
    const x = readCsv(path.join(base, 'cross_t01.csv'));
    expect(x.names).toEqual(['realization', 'bin_x', 'bin_y', 'rigidity_x_pv', 'rigidity_y_pv', 'l', 'cl_xy', 'cl_xy_stderr', 'cl_xx', 'cl_yy', 'r']);
    for (let i = 0; i < x.rows; i++) if (x.columns.l[i] >= 1) expect(Math.abs(x.columns.r[i])).toBeLessThanOrEqual(1);
    expect(csvHeader(path.join(base, 'spectrum.csv'))).toEqual(['bin', 'rigidity_pv', 'r_min_pv', 'r_max_pv', 'weight']);
  });

  it('statistics.csv and minkowski_<label>.csv: mean and scatter of the records values', () => {
    const s = readCsv(path.join(base, 'statistics.csv')).columns;
    const recs = Array.from({ length: REALIZATIONS }, (_, r) => JSON.parse(read(base, `realizations/r0000${r}.json`).toString('utf8')));
    const sk = recs.map((r) => r.maps[1].statistics.skewness as number);
    expect(s.skewness_mean[1]).toBeCloseTo(sk.reduce((a, v) => a + v, 0) / REALIZATIONS, 14);
    const mk = readCsv(path.join(base, 'minkowski_t01.csv'));
    expect(mk.names).toEqual(['nu', ...['v0', 'v1', 'v2'].flatMap((k) => [`${k}_mean`, `${k}_std`, `${k}_stderr`, `${k}_gauss`])]);
    expect(Array.from(mk.columns.nu)).toEqual(Array.from({ length: 13 }, (_, i) => -3 + 0.5 * i));
    const v1 = recs.map((r) => r.maps[1].statistics.minkowski.v1[6] as number);
    expect(mk.columns.v1_mean[6]).toBeCloseTo(v1.reduce((a, v) => a + v, 0) / REALIZATIONS, 14);
  });
});

describe('a bin of a spectrum run is a single-rigidity run at its rigidity', () => {
  it('bins/b01 holds bitwise the maps, C_l, dipoles, diffusion and statistics of `simulate --rigidity 3`', async () => {
    const single = out('single-3pv');
    expectOk(await runCli(['simulate', ...COMMON, '--rigidity', '3', '--out', single, '--quiet'], { timeoutMs: 120_000 }));
    const files = [...PER_RUN, 'diffusion.csv', ...Array.from({ length: REALIZATIONS }, (_, r) => LABELS.map((t) => `maps/r0000${r}_${t}.fits`)).flat()];
    for (const f of files) expect(read(path.join(base, 'bins/b01'), f).equals(read(single, f)), f).toBe(true);
  }, 180_000);
});

describe('shards, merge and --resume of a spectrum run', () => {
  it('shards 0/2 and 1/2 merged give bitwise the files of one run', async () => {
    const [s0, s1] = await Promise.all([
      runCli([...BASE, '--shard', '0/2', '--out', out('shard0'), '--quiet'], { timeoutMs: 120_000 }),
      runCli([...BASE, '--shard', '1/2', '--out', out('shard1'), '--quiet'], { timeoutMs: 120_000 }),
    ]);
    expectOk(s0);
    expectOk(s1);
    const r = await runCli(['merge', out('shard0'), out('shard1'), '--out', out('merged')]);
    expectOk(r);
    expectSameBytes(base, out('merged'), ALL);
    const m = JSON.parse(read(out('merged'), 'manifest.json').toString('utf8'));
    expect(m.spectrum.bins).toHaveLength(3);
  }, 240_000);

  it('--resume after a lost realization redoes only it and gives bitwise the files of one run', async () => {
    const dir = out('resumed');
    fs.cpSync(base, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'realizations/r00002.json'));
    const r = await runCli([...BASE, '--out', dir, '--resume'], { timeoutMs: 120_000 });
    expectOk(r);
    expect(r.stdout).toContain(`realizations: 1 run, ${REALIZATIONS - 1} already done`);
    expectSameBytes(base, dir, ALL);
  }, 180_000);

  it('--resume refuses another spectrum naming the field, and a record without its bins', async () => {
    const other = await runCli(['simulate', ...COMMON, '--set', SPECTRUM.replace('[0.5,0.3,0.2]', '[0.2,0.3,0.5]'), '--resume', '--out', base]);
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/^crsky: --resume .*: the config differs from the run there: particles\.spectrum\.weights \[0\.5,0\.3,0\.2\] → \[0\.2,0\.3,0\.5\]; use a new --out$/);
    const dir = out('broken');
    fs.cpSync(base, dir, { recursive: true });
    const file = path.join(dir, 'realizations/r00001.json');
    const rec = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...rec, bins: rec.bins.slice(0, 2) }));
    const r = await runCli([...BASE, '--out', dir, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crsky: --resume .*broken: realizations\/r00001\.json has 2 rigidity bins where the config makes 3 bins of 2 maps$/);
  });
});

describe('plot on a spectrum run', () => {
  it('re-renders the combined, bin and energy figures', async () => {
    const dir = out('plotted');
    fs.cpSync(base, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'energy_t01.png'));
    fs.rmSync(path.join(dir, 'bins/b02/cl_t00.png'));
    const r = await runCli(['plot', dir, '--width', '1000']);
    expectOk(r);
    for (const f of ['energy_t01.png', 'energy_t01.svg', 'bins/b02/cl_t00.png', 'map_mean_t01.png']) expect(fs.existsSync(path.join(dir, f)), f).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'energy_t01.svg'), 'utf8')).toMatch(/^<svg [^>]*width="2000"/);
  });
});

describe('bad spectrum input: exit 2, one line, nothing written', () => {
  // [what, arguments after COMMON (the spectrum included), the one line expected]
  const cases: [string, string[], RegExp][] = [
    ['timesPc with timesOmega', ['--set', SPECTRUM, '--set', 'tracking.timesPc=[100]'], /^crsky: config: tracking\.timesPc = \[100\] and tracking\.timesOmega = \[5,10\]: with particles\.spectrum give one of them/],
    ['--rigidity with a spectrum', ['--set', SPECTRUM, '--rigidity', '2'], /^crsky: config: particles\.rigidityPV = 2: not used with particles\.spectrum \(each rigidity bin has its own\); drop --rigidity or the spectrum$/],
    ['unsorted rigidities', ['--set', SPECTRUM, '--set', 'particles.spectrum.rigiditiesPV=[3,1.5,6]'], /^crsky: config: particles\.spectrum\.rigiditiesPV = \[3,1\.5,6\]: must be in increasing order$/],
    ['weights of another length', ['--set', SPECTRUM, '--set', 'particles.spectrum.weights=[1,2]'], /^crsky: config: particles\.spectrum\.weights = \[1,2\]: needs one weight per rigidity$/],
    [
      'an empty energy range',
      ['--set', 'particles.spectrum={"kind":"energy-range","energyMinPeV":2,"energyMaxPeV":1,"bins":3,"spectralIndex":2.7}'],
      /^crsky: config: particles\.spectrum\.energyMaxPeV = 1: energyMaxPeV must be > energyMinPeV$/,
    ],
  ];
  for (const [what, extra, re] of cases) {
    it(what, async () => {
      const dir = out(`bad-${what.replace(/\W+/g, '-')}`);
      const r = await runCli(['simulate', ...COMMON, ...extra, '--out', dir]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(re);
      expect(fs.existsSync(dir)).toBe(false);
    });
  }

  it('diffusion refuses a spectrum', async () => {
    const r = await runCli(['diffusion', '--preset', 'quick', '--backend', 'cpu', '--set', SPECTRUM, '--particles', '10']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crsky: config: particles\.spectrum = \{kind: "rigidities", \.\.\.\}: diffusion runs one rigidity/);
  });
});
