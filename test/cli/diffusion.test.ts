/** `crsky diffusion` end to end: a tiny run prints the D(t) table and writes it as CSV. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { cleanupCli, makeTempDir, runCli, type CliResult } from '../helpers/cli.ts';

let dir: string;
let r: CliResult;

beforeAll(async () => {
  dir = makeTempDir('crsky-cli-diffusion-');
  r = await runCli([
    'diffusion', '--particles', '16', '--realizations', '2', '--nt', '3', '--tmin', '1', '--tmax', '20',
    '--backend', 'cpu', '--threads', '1', '--log', 'json', '--csv', path.join(dir, 'sub', 'd.csv'),
  ]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(cleanupCli);

describe('diffusion', () => {
  it('prints the field, r_g/L_c, the backend and a table of D_par, D_perp, D_iso at each time', () => {
    expect(r.stdout).toMatch(/^field: Kolmogorov/m);
    expect(r.stdout).toMatch(/^L_c = \S+ pc \(realized modes of realization 0; --rg-over-lc uses this\), continuous spectrum \S+ pc$/m);
    expect(r.stdout).toMatch(/^r_g = 1\.081 pc \(r_g\/L_c = \S+\), step = \S+ pc, rigidity = 1\.000 PV, charge \+1 followed forward in time$/m);
    expect(r.stdout).toMatch(/^backend: cpu \(1 worker thread/m);
    expect(r.stdout).toContain('32 particles in 2 realization(s); errors from the scatter between realizations');
    const header = r.stdout.split('\n').findIndex((l) => /t \[pc\]\s+Omega\*t\s+D_par \[pc\]\s+D_perp \[pc\]\s+D_iso \[pc\]/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = r.stdout.split('\n').slice(header + 1, header + 4);
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([1, 4.472, 20]);
    for (const l of rows) expect(l).toMatch(/(\S+ ± \S+\s+){3}\S+$/);
    expect(r.stdout).toMatch(/D_iso at the last time: \S+ pc·c = \S+ cm\^2\/s/);
  });

  it('writes the table as CSV (creating its directory) and, with --log json, only JSON lines on stderr', () => {
    const t = readCsv(path.join(dir, 'sub', 'd.csv'));
    expect(t.names).toEqual(['t_pc', 'omega_t', 'd_par_pc', 'd_par_err_pc', 'd_perp_pc', 'd_perp_err_pc', 'd_iso_pc', 'd_iso_err_pc']);
    expect(t.rows).toBe(3);
    expect(t.columns.t_pc[0]).toBeCloseTo(1, 12);
    expect(t.columns.t_pc[2]).toBeCloseTo(20, 12);
    for (const v of t.columns.d_iso_pc) expect(v).toBeGreaterThan(0);
    expect(t.comments.join('\n')).toContain('particles=32 realizations=2 backend=cpu');
    const events = r.stderr.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { event: string });
    expect(events[events.length - 1]).toMatchObject({ event: 'done', task: 'diffusion', value: 2, total: 2 });
  });
});
