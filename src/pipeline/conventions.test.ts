/**
 * The conventions docs/physics.md Sec. 2 and 3.2 state, pinned across commands: `particles.charge`
 * is the cosmic ray's charge everywhere (diffusion follows it forward, sky maps back-track its
 * antiparticle), the Hall sign that gives, both correlation lengths of a field, and one mode
 * table per run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.ts';
import { ConfigError } from '../config/errors.ts';
import type { ConfigInput } from '../config/schema.ts';
import { correlationLengthPc } from '../turbulence/spectrum.ts';
import { createField } from '../turbulence/create.ts';
import type { EndStates, TrackJob, Tracker } from '../sim/types.ts';
import { createCpuTracker } from '../sim/node/cpu.ts';
import { dipoleFromMap } from '../analysis/dipole.ts';
import { planDiffusion, runDiffusion } from './diffusion.ts';
import { checkFieldInputs } from './fieldInputs.ts';
import { runSimulation } from './simulate.ts';

/** A tracker that records the jobs and leaves every particle at the origin. */
function recordingTracker(jobs: TrackJob[]): Tracker {
  return {
    backend: 'cpu',
    device: 'stub',
    async track(job: TrackJob): Promise<EndStates> {
      jobs.push(job);
      const n = job.directions.length / 3;
      return {
        count: n,
        snapshots: job.stop.timesPc.map((t) => ({ timePc: t, positions: new Float64Array(3 * n).map((_, i) => job.directions[i] * t), directions: job.directions })),
        sphere: null,
        particleSteps: 0,
        backend: 'cpu',
        device: 'stub',
      };
    },
    async dispose() {},
  };
}

const cfg = (c: ConfigInput) => resolveConfig({ config: c as never }).config;

describe('charge: the cosmic ray, forward in `diffusion`, its antiparticle in sky maps', () => {
  for (const charge of [1, -1] as const) {
    it(`charge ${charge}: diffusion integrates σ = ${charge}, simulate σ = ${-charge}`, async () => {
      const jobs: TrackJob[] = [];
      const tracker = recordingTracker(jobs);
      const config = cfg({ particles: { charge, nside: 1 }, field: { turbulence: { modes: 4 } }, tracking: { timesPc: [1] } });
      await runDiffusion(planDiffusion(config, { nTimes: 2, tMinPc: 1, tMaxPc: 2 }), tracker, { particles: 4 });
      await runSimulation(config, tracker);
      expect(jobs.map((j) => j.chargeSign)).toEqual([charge, -charge]);
    });
  }
});

describe('the Hall sign of back-tracked maps (docs/physics.md Sec. 8.1)', () => {
  const tracker = createCpuTracker({ threads: 2 });
  afterAll(() => tracker.dispose());

  it('B0 only: averaged over a gyration, a proton sky has δ = r_g (g × b̂), the 3K_A(g × b̂) of Eq. 53 with K_A = r_g/3 > 0; an electron the opposite', async () => {
    // Back-tracked along n, the antiparticle gyrates about the guiding centre r_g (b̂ × n): the mean
    // of 8 equally spaced phases of one gyration is that centre exactly, so I − 1 = r_g n·(g × b̂)
    // for g ⟂ b̂. Standard diffusion with ν → 0 has K_A = Ω/(3(ν² + Ω²)) → r_g/3 for a positive charge.
    const rg = 1.081; // 1 PV in 1 uG
    const times = Array.from({ length: 8 }, (_, k) => 2 * Math.PI * rg * (4 + k / 8));
    const g: [number, number, number] = [1e-3, 0, 0];
    const b: [number, number, number] = [0, 0, 1];
    for (const charge of [1, -1] as const) {
      const config = cfg({
        field: { b0UG: 1, b0Direction: b, turbulence: { brmsUG: 0 } },
        particles: { rigidityPV: 1, charge, nside: 4 },
        tracking: { stepPc: rg / 200, timesPc: times },
        liouville: { model: 'fixed-time', gradient: { direction: g, magnitudePerPc: 1e-3 }, diffusion: 'none' },
      });
      const res = await runSimulation(config, tracker);
      const mean = new Float64Array(res.plan.npix);
      for (const m of res.realizations[0].maps) for (let p = 0; p < mean.length; p++) mean[p] += m[p] / times.length;
      const d = dipoleFromMap(mean, { relative: true }).vector;
      // g × b̂ = (1e-3, 0, 0) × (0, 0, 1) = (0, −1e-3, 0)
      const expected = [0, -charge * rg * 1e-3, 0];
      for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - expected[i])).toBeLessThan(2e-3 * rg * 1e-3);
    }
  });
});

describe('correlation lengths and mode tables', () => {
  it('a field reports the L_c of its modes and of the continuous spectrum; 256 log-spaced Kolmogorov modes agree to 1e-3', () => {
    const c = cfg({ field: { turbulence: { brmsUG: 1, modes: 256, spectrum: { kind: 'kolmogorov', lMinPc: 0.1, lMaxPc: 100 } } } });
    const f = createField(c.field, 'seed');
    expect(f.summary.spectrumCorrelationLengthPc).toBe(correlationLengthPc(c.field.turbulence.spectrum));
    expect(Math.abs(f.summary.correlationLengthPc / f.summary.spectrumCorrelationLengthPc! - 1)).toBeLessThan(1e-3);
    // a table: the realized L_c of its own modes, the continuous one of the config's spectrum over the table's band
    const withTable = cfg({ field: { turbulence: { ...c.field.turbulence, modeTableFile: 'modes.csv' } } });
    const t = createField(withTable.field, 'ignored', { modeTable: f.turbulence as never });
    expect(t.summary.correlationLengthPc).toBe(f.summary.correlationLengthPc);
    expect(t.summary.spectrumCorrelationLengthPc).toBeCloseTo(correlationLengthPc({ kind: 'kolmogorov', lMinPc: t.summary.lMinPc, lMaxPc: t.summary.lMaxPc }), 12);
  });

  it('one modeTableFile is one realization: realizations > 1 is refused, 1 is accepted', () => {
    const base = cfg({ field: { turbulence: { brmsUG: 1, modes: 32, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } } } });
    const modeTable = createField(base.field, 's').turbulence as never;
    const withTable = (realizations: number) => cfg({ realizations, field: { turbulence: { brmsUG: 1, modeTableFile: 'modes.csv', spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } } } });
    expect(() => checkFieldInputs(withTable(1), { modeTable })).not.toThrow();
    expect(() => checkFieldInputs(withTable(3), { modeTable })).toThrow(ConfigError);
    expect(() => checkFieldInputs(withTable(3), { modeTable })).toThrow(/realizations = 3: field\.turbulence\.modeTableFile modes\.csv is one realization/);
  });
});
