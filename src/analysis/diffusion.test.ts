import { describe, expect, it } from 'vitest';
import { gyroradiusPc } from '../config/units.ts';
import { CpuTracker } from '../sim/cpu/tracker.ts';
import { isotropicDirections } from '../sim/launch.ts';
import { uniformField } from '../../test/helpers/fields.ts';
import { runningDiffusion } from './diffusion.ts';

const tracker = new CpuTracker({ threads: 0 });

describe('running diffusion tensor', () => {
  it('ballistic motion (B = 0) gives D_ij = t <u_i u_j> / 2 exactly, i.e. D_iso = t/6', async () => {
    const n = 2000;
    const dirs = isotropicDirections(n, 'ballistic');
    const times = [1, 10, 100];
    const es = await tracker.track({
      field: uniformField([0, 0, 0]), rigidityPV: 1, chargeSign: -1, origin: [5, 5, 5],
      directions: dirs, stepPc: 0.5, stop: { timesPc: times },
    });
    const rows = runningDiffusion([{ start: [5, 5, 5], snapshots: es.snapshots }], null);
    for (const row of rows) {
      // Exact per sample: mean over this sample of u_z^2 etc., not the ensemble value 1/3.
      let uz2 = 0;
      let ux2 = 0;
      for (let i = 0; i < n; i++) {
        uz2 += dirs[3 * i + 2] ** 2;
        ux2 += dirs[3 * i] ** 2;
      }
      expect(row.parallelPc).toBeCloseTo((row.timePc * uz2) / n / 2, 9);
      expect(row.tensorPc[0]).toBeCloseTo((row.timePc * ux2) / n / 2, 9);
      expect(row.isotropicPc).toBeCloseTo(row.timePc / 6, 9);
      // And the ensemble value t/6 within the quoted standard error (3 sigma).
      expect(Math.abs(row.parallelPc - row.timePc / 6)).toBeLessThan(3 * row.parallelErrPc);
      expect(row.errorFrom).toBe('particles');
    }
  });

  it('in a uniform field the parallel motion is ballistic (D_par = t/6) and the perpendicular one bounded (D_perp -> 0)', async () => {
    const n = 1000;
    const rg = gyroradiusPc(1, 1);
    const es = await tracker.track({
      field: uniformField([0, 1, 0]), rigidityPV: 1, chargeSign: 1, origin: [0, 0, 0],
      directions: isotropicDirections(n, 'uniform'), stepPc: rg / 50, stop: { timesPc: [1000 * rg] },
    });
    const [row] = runningDiffusion([{ start: [0, 0, 0], snapshots: es.snapshots }], [0, 1, 0]);
    expect(Math.abs(row.parallelPc - row.timePc / 6)).toBeLessThan(3 * row.parallelErrPc);
    // Gyration keeps |Δx_perp| <= 2 r_g, so D_perp <= (2 r_g)^2 / (2 t) / 2 · 2 = 2 r_g^2 / t.
    expect(row.perpendicularPc).toBeLessThan((2 * rg * rg) / row.timePc);
  });

  it('errors come from the scatter between realizations when there are several', () => {
    // Two "realizations" whose particles moved by exactly ±a and ±b along z at t = 1.
    const mk = (a: number) => ({ start: [0, 0, 0] as const, snapshots: [{ timePc: 1, positions: new Float64Array([0, 0, a, 0, 0, -a]) }] });
    const [row] = runningDiffusion([mk(1), mk(3)], [0, 0, 1]);
    // D_par per realization: a^2/2 = 0.5 and 4.5; mean 2.5, standard error |4.5-0.5|/2 = 2.
    expect(row.parallelPc).toBeCloseTo(2.5, 12);
    expect(row.parallelErrPc).toBeCloseTo(2, 12);
    expect(row.errorFrom).toBe('realizations');
  });
});
