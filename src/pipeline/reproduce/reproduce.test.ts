/**
 * The --quick variant of every `crsky reproduce` target, on the float64 CPU tracker (bitwise
 * deterministic): each physics statement it checks must hold at its lower statistics, with the
 * tolerances the target derives from its standard errors (2σ one-sided in --quick). Comparisons
 * with published numbers (shape) are reported by the target, not asserted here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuTracker } from '../../sim/node/cpu.ts';
import { TARGETS } from './index.ts';
import type { ReproduceResult } from './types.ts';

const tracker = createCpuTracker({ threads: 2 });
afterAll(() => tracker.dispose());

const run = (name: string): Promise<ReproduceResult> => TARGETS[name].run({ tracker, quick: true });

/**
 * Every listed statement is checked and every check passes, except those in `undecided`: checks
 * the quick statistics cannot decide, which must then at least not contradict the statement
 * (value above reference − margin for a 'greater' check).
 */
function expectStatements(res: ReproduceResult, expected: readonly (string | RegExp)[], undecided: readonly string[] = []): void {
  const names = res.checks.map((c) => c.name);
  for (const e of expected) expect(names.some((n) => (typeof e === 'string' ? n === e : e.test(n))), `${String(e)} among ${names.join(', ')}`).toBe(true);
  for (const c of res.checks.filter((c) => !c.comparison)) {
    if (undecided.includes(c.name)) expect(c.value, `${c.name} contradicts its statement`).toBeGreaterThan(c.reference - c.tolerance);
    else expect(c.pass, `${c.name}: ${c.value} vs ${c.reference} ± ${c.tolerance}`).toBe(true);
  }
  expect(res.backend).toBe('cpu');
  expect(res.particleSteps).toBeGreaterThan(0);
  expect(Object.keys(res.configs).length).toBeGreaterThan(0);
}

describe('crsky reproduce --quick (the physics statements at low statistics)', () => {
  it('diffusion: ballistic start t/6 and the small-angle scattering rate 4r_g²/L_c', async () => {
    const res = await run('diffusion');
    expectStatements(res, [/^ballistic_/, 'small_angle_rate_rg10', 'isotropic_d_grows_with_rigidity']);
    expect(res.tables.find((t) => t.name === 'plateaus')?.columns.d_iso.length).toBe(3);
  });

  it('ahlers-mertsch-2015: <C_1> above the standard-diffusion dipole, Ĉ_l falling and convex (gradient ∥ B0), the sum rule', async () => {
    const res = await run('ahlers-mertsch-2015');
    expectStatements(res, [
      'c1_exceeds_standard_parallel_omegaT100',
      'c1_exceeds_standard_perpendicular_omegaT100',
      'c1_perpendicular_order_of_magnitude',
      'fig15_falls_parallel',
      'fig15_falls_perpendicular',
      'fig15_convex_parallel',
      'sum_rule_parallel',
      'sum_rule_perpendicular',
    ],
    // 24 maps of N_side 8 measure the perpendicular Ĉ_l above N to l = 4 only: κ = 0.5 ± 0.9 there
    ['fig15_convex_perpendicular']);
    const f14 = res.tables.find((t) => t.name === 'fig14_perpendicular')!;
    expect(f14.columns.omega_t.length).toBe(6);
    expect(res.figures.map((f) => f.name)).toEqual(expect.arrayContaining(['fig14_parallel', 'fig14_perpendicular', 'fig15', 'sum_rule']));
  });

  it('giacinti-sigl-2012: power beyond the dipole on every sphere, maps after dipole subtraction', async () => {
    const res = await run('giacinti-sigl-2012');
    expectStatements(res, [/^small_scale_power_R10PV/, /^small_scale_power_R50PV/]);
    expect(res.figures.filter((f) => f.kind === 'map').length).toBe(8);
  });

  it('shape: Ĉ_l falls; the break and high-l slope fits are reported with errors', async () => {
    const res = await run('shape');
    expectStatements(res, ['falls_parallel', 'falls_perpendicular']);
    const fits = res.tables.find((t) => t.name === 'fits')!;
    expect(fits.columns.l_top.every((v) => v >= 4)).toBe(true);
  });

  it('dipole: the mean dipole along and across B0 follows Eq. 56 with the measured K', async () => {
    const res = await run('dipole');
    expectStatements(res, ['dipole_along_b0_eq56', 'dipole_across_b0_eq56']);
    const phases = res.tables.find((t) => t.name === 'phase_comparison')!;
    // the last row is HAWC + IceCube: α1 = atan2(7.25, 9.16) = 38.36°
    expect(phases.columns.alpha1_deg[phases.columns.alpha1_deg.length - 1]).toBeCloseTo(38.36, 2);
  });
});
