import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.ts';
import { rigidityForGyroradiusPV } from '../config/units.ts';
import { createField } from '../turbulence/create.ts';
import { createCpuTracker } from '../sim/node/cpu.ts';
import { isotropicDirections } from '../sim/launch.ts';
import { runningDiffusion, type DiffusionRealization } from './diffusion.ts';

/**
 * Step-size convergence of a diffusion coefficient: isotropic Kolmogorov turbulence (64 modes,
 * 1-100 pc, L_c ≈ 21 pc, B0 = 0), r_g = 0.3 L_c, 8 realizations × 128 particles, step r_g/20
 * (the default) against r_g/40, same fields and launch directions.
 */
describe('step convergence', () => {
  it('halving the step moves D_iso by less than its statistical error', async () => {
    const { config } = resolveConfig({
      overrides: [{ field: { b0UG: 0, turbulence: { brmsUG: 1, modes: 64, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } } } }],
    });
    const lc = createField(config.field, 'conv:0').summary.correlationLengthPc;
    const rg = 0.3 * lc;
    const rigidityPV = rigidityForGyroradiusPV(rg, 1);
    const times = [0.5 * lc, 2 * lc, 8 * lc, 20 * lc];
    const tracker = createCpuTracker({ threads: 2 });
    const run = async (div: number): Promise<DiffusionRealization[]> => {
      const out: DiffusionRealization[] = [];
      for (let r = 0; r < 8; r++) {
        const es = await tracker.track({
          field: createField(config.field, `conv:${r}`), rigidityPV, chargeSign: -1, origin: [0, 0, 0],
          directions: isotropicDirections(128, `conv-dirs:${r}`), stepPc: rg / div, stop: { timesPc: times },
        });
        out.push({ start: [0, 0, 0], snapshots: es.snapshots });
      }
      return out;
    };
    const coarse = await run(20);
    const fine = await run(40);
    await tracker.dispose();
    const a = runningDiffusion(coarse, null);
    const b = runningDiffusion(fine, null);
    for (let k = 0; k < times.length; k++) {
      const shift = a[k].isotropicPc - b[k].isotropicPc;
      // Paired per-realization differences: their scatter is the statistical error of the shift.
      const d = coarse.map((_, r) => runningDiffusion([coarse[r]], null)[k].isotropicPc - runningDiffusion([fine[r]], null)[k].isotropicPc);
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1) / d.length);
      expect(mean).toBeCloseTo(shift, 12);
      if (times[k] <= 8 * lc) {
        // While the paired trajectories stay close (t <= 8 L_c) the shift is a pure step-size
        // effect: it must be below the statistical error of D itself (measured: < 0.15 σ).
        expect(Math.abs(shift)).toBeLessThan(a[k].isotropicErrPc);
      } else {
        // Later, chaos has decorrelated the two runs (1e-16 grows e-fold every few r_g) and the
        // shift is sampling noise of the pair: no systematic step effect beyond 3 standard errors.
        expect(Math.abs(shift)).toBeLessThan(3 * se);
      }
    }
  });
});
