/**
 * `crsky scan` end to end: a 2-point grid run here, the same grid as cluster tasks (one per point
 * and shard) merged afterwards, and the emitted Slurm scripts (syntax only: running them on a
 * Slurm cluster is tested elsewhere).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, runCli, runCliAll, type CliResult } from '../helpers/cli.ts';

const SCAN = {
  name: 'tiny',
  preset: 'quick',
  base: { realizations: 2, particles: { nside: 2 }, tracking: { timesOmega: [5, 10] } },
  grid: { 'particles.rigidityPV': [1.5, 2.5] },
  shards: 2,
  plots: [{ x: 'particles.rigidityPV', y: 'dipoleAmplitude', xLog: true }],
};
const QUANTITIES = ['dipoleAmplitude', 'dipoleAmplitudeMean', 'c1', 'c2', 'c3', 'c4', 'c5', 'clHat1', 'clHat2', 'noise', 'kPar', 'kPerp'];
const RUN = ['--backend', 'cpu', '--threads', '1', '--log', 'quiet'];

let dir: string;
let scanFile: string;
let whole: CliResult;

beforeAll(async () => {
  dir = makeTempDir('crsky-cli-scan-');
  scanFile = path.join(dir, 'scan.json');
  fs.writeFileSync(scanFile, JSON.stringify(SCAN, null, 2));
  whole = await runCli(['scan', '--config', scanFile, '--out', path.join(dir, 'here'), ...RUN]);
  expect(whole.code, whole.stderr).toBe(0);
});

afterAll(cleanupCli);

describe('scan', () => {
  it('a 2-point grid runs and prints one line per point', () => {
    const out = path.join(dir, 'here');
    expect(whole.stdout).toContain(`scan tiny: 2 points; wrote ${out}/points.csv, ${out}/summary.json and plots`);
    expect(whole.stdout).toMatch(/^ {2}p0 \{"particles\.rigidityPV":1\.5\}: dipole \d\.\d{3}e-\d+, C_1 \d\.\d{3}e-\d+$/m);
    expect(whole.stdout).toMatch(/^ {2}p1 \{"particles\.rigidityPV":2\.5\}: dipole /m);
    expect(whole.stderr).toBe('');
  });

  it('writes points.csv with a numeric column per scanned parameter and per quantity', () => {
    const file = path.join(dir, 'here', 'points.csv');
    expect(csvHeader(file)).toEqual(['point', 'particles.rigidityPV', ...QUANTITIES]);
    const t = readCsv(file);
    expect(t.rows).toBe(2);
    expect(Array.from(t.columns.point)).toEqual([0, 1]);
    expect(Array.from(t.columns['particles.rigidityPV'])).toEqual([1.5, 2.5]);
    for (const q of QUANTITIES) for (const v of t.columns[q]) expect(Number.isFinite(v), q).toBe(true);
  });

  it('writes summary.json (parameters, run directory and quantities of each point) and the requested plot', () => {
    const out = path.join(dir, 'here');
    const s = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(s.name).toBe('tiny');
    expect(s.points.map((p: { params: unknown }) => p.params)).toEqual([{ 'particles.rigidityPV': 1.5 }, { 'particles.rigidityPV': 2.5 }]);
    expect(s.points[1].dir).toBe('points/p0001');
    expect(Object.keys(s.points[0].quantities)).toEqual(QUANTITIES);
    // each point is a complete simulate run
    const m = JSON.parse(fs.readFileSync(path.join(out, 'points/p0001/manifest.json'), 'utf8'));
    expect(m.status).toBe('complete');
    expect(m.config.particles.rigidityPV).toBe(2.5);
    const png = fs.readFileSync(path.join(out, 'dipoleAmplitude_vs_particles_rigidityPV.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(fs.readFileSync(path.join(out, 'dipoleAmplitude_vs_particles_rigidityPV.svg'), 'utf8')).toContain('</svg>');
  });

  it('cluster tasks (--point p --shard s/2 for each point and shard) and --merge give the same points.csv and summary.json', async () => {
    const out = path.join(dir, 'cluster');
    const tasks = [0, 1].flatMap((p) => [0, 1].map((s) => ['scan', '--config', scanFile, '--out', out, '--point', String(p), '--shard', `${s}/2`, ...RUN]));
    const results = await runCliAll(tasks, 2);
    results.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      const [p, s] = [Math.floor(i / 2), i % 2];
      expect(r.stdout.trim()).toBe(`point ${p} shard ${s}/2 done`);
    });
    // shard s of a point holds realization s (2 realizations, 2 shards)
    expect(listFiles(path.join(out, 'shards', 'p0001-s0001')).filter((f) => f.startsWith('realizations/'))).toEqual(['realizations/r00001.json']);
    const merged = await runCli(['scan', '--config', scanFile, '--out', out, '--merge', '--log', 'quiet']);
    expect(merged.code, merged.stderr).toBe(0);
    for (const f of ['points.csv', 'summary.json']) {
      expect(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(dir, 'here', f))), f).toBe(true);
    }
  });

  it('--emit slurm writes an array script, a merge script and submit.sh that pass bash -n', async () => {
    const out = path.join(dir, 'slurm');
    const r = await runCli(['scan', '--config', scanFile, '--out', out, '--emit', 'slurm']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(4 array tasks)');
    expect(listFiles(out)).toEqual(['submit.sh', 'tiny-merge.sbatch', 'tiny.sbatch']);
    for (const f of listFiles(out)) {
      const check = spawnSync('bash', ['-n', path.join(out, f)], { encoding: 'utf8' });
      expect(check.status, `${f}: ${check.stderr}`).toBe(0);
    }
    expect(fs.readFileSync(path.join(out, 'tiny.sbatch'), 'utf8')).toContain('#SBATCH --array=0-3');
    // nothing was run
    expect(fs.existsSync(path.join(out, 'points'))).toBe(false);
  });
});
