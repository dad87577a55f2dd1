/**
 * The GPU machine's checks (scripts/gpu-check.ts, run by scripts/gpu-bench.sh) on this machine's
 * adapter (lavapipe here), as small as they go: the precision check's report, the adapter report,
 * and the summary of an output folder with a missing file.
 */
import { describe, expect, it } from 'vitest';
import { GPU_TARGET_256_MODES, adapterReport, formatGpuBenchSummary, precisionCheck, summarizeGpuBench, type PrecisionReport } from './gpuCheck.ts';

describe('gpu-check', () => {
  it('precision: webgpu and the float64 cpu tracker agree to f32 round-off after one gyration, on plane waves and a grid', async () => {
    const cases: string[] = [];
    const report = await precisionCheck({ particles: 64, omegaT: 10, snapshots: 3, modes: 16, gridN: 16, threads: 1, onCase: (c) => cases.push(c.field) });
    expect(report.cases.map((c) => c.field)).toEqual(cases);
    expect(cases).toHaveLength(2);
    expect(cases[0]).toContain('16 plane-wave modes');
    expect(cases[1]).toContain('grid 16^3');
    for (const c of report.cases) {
      expect(c.particles).toBe(64);
      expect(c.steps).toBe(200);
      expect(c.snapshots.map((s) => s.omegaT)).toEqual([1, Math.sqrt(10), 10].map((x) => expect.closeTo(x, 9)));
      const first = c.snapshots[0];
      // f32 positions relative to the lattice (docs/webgpu.md): ~1e-7 r_g after 20 steps
      expect(first.positionRg.max).toBeLessThan(1e-5);
      expect(first.angleRad.max).toBeLessThan(1e-5);
      expect(first.positionRg.median).toBeLessThanOrEqual(first.positionRg.p90);
      expect(first.positionRg.p90).toBeLessThanOrEqual(first.positionRg.max);
      expect(first.positionPc.max).toBeCloseTo(first.positionRg.max * c.gyroradiusPc, 12);
      for (const s of c.snapshots) {
        expect(s.nonFinite).toBe(0);
        expect(Number.isFinite(s.dParallel.sigmas)).toBe(true);
        expect(Math.abs(s.dPerpendicular.sigmas)).toBeLessThan(3);
      }
      expect(c.backends.webgpu.particleStepsPerSecond).toBeGreaterThan(0);
      expect(c.backends.cpu.device).toContain('1 worker thread');
    }
  });

  it('adapter: names the adapter, its binding limit and the batch the tracker takes', async () => {
    const r = await adapterReport();
    expect(r.adapter).not.toBeNull();
    expect(r.adapter!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    // 2^20 particles of 64 bytes fit the default binding limit: one batch for the 1M-particle bench
    expect(r.tracker).toMatchObject({ maxBatchParticles: 2 ** 20 });
  });

  it('summary: bench rows in run order, the 256-mode target, the precision headline, missing files named', () => {
    const rec = (field: 'modes' | 'grid', modes: number, particles: number, rate: number) => ({
      backend: 'webgpu',
      field,
      modes,
      gridN: field === 'grid' ? 256 : 0,
      particles,
      particleStepsPerSecond: rate,
      runs: [rate, rate / 2],
      cpuNormalized: [rate],
      device: 'NVIDIA H200',
    });
    const precision: PrecisionReport = {
      workload: 'w',
      cases: [
        {
          field: 'f',
          correlationLengthPc: 20,
          gyroradiusPc: 2,
          stepPc: 0.1,
          particles: 4,
          steps: 10,
          backends: { webgpu: { device: 'g', seconds: 1, particleStepsPerSecond: 1 }, cpu: { device: 'c', seconds: 1, particleStepsPerSecond: 1 } },
          snapshots: [
            {
              omegaT: 1,
              timePc: 2,
              positionPc: { max: 2e-7, p90: 1e-7, median: 5e-8 },
              positionRg: { max: 1e-7, p90: 5e-8, median: 2.5e-8 },
              angleRad: { max: 3e-7, p90: 2e-7, median: 1e-7 },
              nonFinite: 0,
              dParallel: { webgpuPc: 1, webgpuErrPc: 0.1, cpuPc: 1, cpuErrPc: 0.1, sigmas: 0 },
              dPerpendicular: { webgpuPc: 1, webgpuErrPc: 0.1, cpuPc: 1.1, cpuErrPc: 0.1, sigmas: -0.71 },
            },
          ],
        },
      ],
    };
    const files: Record<string, string> = {
      'steps.json': JSON.stringify([{ name: 'bench-modes', status: 'ok', exitCode: 0, wallSeconds: 40.2, limitSeconds: 150, command: 'x' }]),
      'nvidia-smi.csv': 'name, driver_version\nNVIDIA H200, 570.1\n',
      'bench-grid.json': JSON.stringify([rec('grid', 0, 16384, 3e9)]),
      'bench-modes.json': JSON.stringify([rec('modes', 256, 16384, 2e9), rec('modes', 256, 1048576, 1.2e10), rec('modes', 64, 1048576, 3e10)]),
      'precision.json': JSON.stringify(precision),
    };
    const s = summarizeGpuBench({ read: (n) => files[n] ?? null, list: () => Object.keys(files) }, 123);
    expect(s.gpu).toEqual(['NVIDIA H200, 570.1']);
    expect(s.bench.map((b) => b.workload)).toEqual(['256 modes, 16384 particles', '256 modes, 1048576 particles', '64 modes, 1048576 particles', 'grid 256³, 16384 particles']);
    expect(s.target).toEqual({ particleStepsPerSecond: 1.2e10, particles: 1048576, met: 1.2e10 >= GPU_TARGET_256_MODES });
    expect(s.precision[0].snapshots[0]).toMatchObject({ positionRgMax: 1e-7, angleRadMedian: 1e-7, dPerpendicularSigmas: -0.71 });
    expect(s.missing).toEqual(['adapter.json']);
    const text = formatGpuBenchSummary(s);
    expect(text).toContain('target >= 1.00e+10 at 256 modes: 1.20e+10 (1048576 particles): met');
    expect(text).toContain('webgpu 256 modes, 1048576 particles: 1.20e+10 particle-steps/s (slowest 6.00e+9)');
    expect(text).toContain('steps: bench-modes ok 40 s');
  });
});
