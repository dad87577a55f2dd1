/**
 * `crsky bench --quick` end to end on the CPU backend, as short as it goes (one 0.1 s run per
 * workload): the table on stdout and the JSON records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupCli, makeTempDir, runCli } from '../helpers/cli.ts';

afterAll(cleanupCli);

describe('bench', () => {
  it('--quick prints a table of particle-steps/s per workload and writes the records as JSON', async () => {
    const file = path.join(makeTempDir('crsky-cli-bench-'), 'bench.json');
    const r = await runCli(['bench', '--quick', '--backends', 'cpu', '--repeats', '1', '--seconds', '0.1', '--threads', '1', '--json', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| workload | cpu: particle-steps/s (slowest run) |');
    expect(r.stdout).toMatch(/^\| 256 modes, 16k particles \| \d\.\d\de\+\d+ \(/m);
    expect(r.stdout).toMatch(/^\| grid 256³, 16k particles \| \d\.\d\de\+\d+ \(/m);
    const records = JSON.parse(fs.readFileSync(file, 'utf8')) as { backend: string; field: string; particles: number; particleStepsPerSecond: number; runs: number[] }[];
    expect(records.map((x) => [x.backend, x.field, x.particles])).toEqual([
      ['cpu', 'modes', 16384],
      ['cpu', 'grid', 16384],
    ]);
    for (const x of records) {
      expect(x.particleStepsPerSecond).toBeGreaterThan(0);
      expect(x.runs).toHaveLength(1);
    }
  });
});
