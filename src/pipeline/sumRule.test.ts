import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.ts';
import { createCpuTracker } from '../sim/node/cpu.ts';
import { runSimulation } from './simulate.ts';

const tracker = createCpuTracker({ threads: 2 });
afterAll(() => tracker.dispose());

describe('sum rule (review Eq. 69) reported by every fixed-time run', () => {
  it('B = 0: straight lines give pixel variance / 2T K̃gg = (1 + 3K/T)² = 9/4 exactly, and the C_l sum is the pixel variance to the pixel quadrature (a pure dipole)', async () => {
    // d = T n, measured K = T/6 (isotropic), so I − 1 ∝ (T + 3K) n·g = 1.5 T n·g, while
    // 2T K̃ g·g = T²|g|²/3 = 2T·(T/6)|g|²: the Fick term the review neglects, at its largest.
    const { config } = resolveConfig({
      config: {
        realizations: 2,
        field: { b0UG: 0, turbulence: { brmsUG: 0 } },
        particles: { nside: 8 },
        tracking: { backend: 'cpu', stepPc: 1, timesPc: [10] },
        liouville: { model: 'fixed-time', gradient: { direction: [0.3, -0.2, 0.9], magnitudePerPc: 1e-3 } },
      },
    });
    const res = await runSimulation(config, tracker);
    const s = res.ensemble.maps[0].summary.sumRule!;
    expect(Math.abs(s.pixels / s.rhs - 2.25)).toBeLessThan(1e-9);
    // pixel centres are not an exact quadrature of (n·g)² over the sphere: O(1/N_side²) apart
    expect(Math.abs(s.lhs / s.pixels - 1)).toBeLessThan(2 / 8 ** 2);
    const cl = res.ensemble.maps[0].cl;
    expect(cl.sumrule_rhs[0]).toBe(s.rhs);
    expect(cl.sumrule_lhs[cl.sumrule_lhs.length - 1]).toBe(s.lhs);
  });

  it('turbulence: the C_l sum misses the pixel noise above l = 3N_side − 1, and the sides meet as the Fick term fades', async () => {
    const { config } = resolveConfig({ preset: 'quick', config: { tracking: { backend: 'cpu', timesOmega: [10, 50] } } });
    const res = await runSimulation(config, tracker);
    const [early, late] = res.ensemble.maps.map((m) => m.summary.sumRule!);
    for (const s of [early, late]) {
      expect(s.lhs).toBeLessThan(s.pixels);
      // at most the 1/4 of white pixel noise beyond lmax is missing
      expect(s.lhs).toBeGreaterThan(0.75 * s.pixels);
    }
    // pixels/rhs − 1 is the Fick share, ~9K/(2T) for a gradient along B0: smaller at the later time
    expect(late.pixels / late.rhs - 1).toBeLessThan(early.pixels / early.rhs - 1);
    expect(late.pixels / late.rhs).toBeGreaterThan(1);
  });

  it('is null for the sphere model', async () => {
    const { config } = resolveConfig({
      preset: 'giacinti-sigl-2012',
      config: { field: { turbulence: { modes: 16 } }, particles: { nside: 2, rigidityPV: 50 }, tracking: { backend: 'cpu', sphereRadiusPc: 10 } },
    });
    const res = await runSimulation(config, tracker);
    expect(res.ensemble.maps[0].summary.sumRule).toBeNull();
    expect(Number.isNaN(res.ensemble.maps[0].cl.sumrule_rhs[0])).toBe(true);
  });
});
