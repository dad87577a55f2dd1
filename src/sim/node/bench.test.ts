import { describe, expect, it } from 'vitest';
import { gyroradiusPc } from '../../config/units.ts';
import { powerLawCorrelationLengthPc } from '../../turbulence/spectrum.ts';
import { CRPROPA_WORKLOAD, benchField, benchJob, benchWorkloads, crpropaWorkloads, describeWorkload } from './bench.ts';

describe('crsky bench --workload crpropa', () => {
  // The numbers CRPropa's driver prints for its workload (/work/scratch/crpropa README: L_c from
  // SimpleTurbulenceSpectrum = 10.481884 pc, r_g = 0.1 L_c, h = r_g/20 = 0.05240942 pc): the two
  // programs must integrate the same problem for the speed ratio to mean anything.
  it('is B0 = 0, Kolmogorov 0.5-50 pc, r_g = 0.1 L_c in B_rms, h = r_g/20, 2000 particles x 4001 steps', () => {
    const ws = crpropaWorkloads();
    expect(ws.map((w) => (w.field === 'grid' ? `grid ${w.gridN}` : `${w.modes}`))).toEqual(['64', '256', '1024', 'grid 256']);
    for (const w of ws) expect(w.particles).toBe(2000);
    const field = benchField(ws[0]);
    expect(field.b0).toEqual([0, 0, 0]);
    expect(field.summary.brmsUG).toBe(1);
    expect(field.summary.lMinPc).toBe(0.5);
    expect(field.summary.lMaxPc).toBe(50);
    const lc = powerLawCorrelationLengthPc(0.5, 50);
    expect(lc).toBeCloseTo(10.481884, 5);
    const job = benchJob(field, 2000, CRPROPA_WORKLOAD.steps, lc);
    const rg = gyroradiusPc(job.rigidityPV, 1);
    expect(rg).toBeCloseTo(1.048188, 5);
    expect(job.stepPc).toBeCloseTo(0.05240942, 7);
    expect(job.stop.timesPc).toEqual([4001 * job.stepPc]);
    expect(job.directions.length).toBe(3 * 2000);
  });
});

describe('crsky bench workloads', () => {
  const rows = (ws: ReturnType<typeof benchWorkloads>) => ws.map(describeWorkload);
  it('runs every row with every particle count, one field at a time (a 256³ grid is drawn once)', () => {
    expect(rows(benchWorkloads(true))).toEqual(['256 modes, 16k particles', 'grid 256³, 16k particles']);
    expect(rows(benchWorkloads(false))).toEqual([
      '64 modes, 16k particles',
      '64 modes, 256k particles',
      '256 modes, 16k particles',
      '256 modes, 256k particles',
      '1024 modes, 16k particles',
      '1024 modes, 256k particles',
      'grid 256³, 16k particles',
      'grid 256³, 256k particles',
    ]);
  });

  it('--modes and --particles choose the rows and the counts (gpu-bench.sh: 16k and 1M particles)', () => {
    expect(rows(benchWorkloads(false, { rows: [256, 'grid'], particles: [16384, 2 ** 20] }))).toEqual([
      '256 modes, 16k particles',
      '256 modes, 1M particles',
      'grid 256³, 16k particles',
      'grid 256³, 1M particles',
    ]);
    expect(rows(crpropaWorkloads([100]))).toEqual([
      'CRPropa workload, 64 modes, 100 particles',
      'CRPropa workload, 256 modes, 100 particles',
      'CRPropa workload, 1024 modes, 100 particles',
      'CRPropa workload, grid 256³, 100 particles',
    ]);
  });
});
