import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.ts';
import { fullLengthPc, skyFormingStages } from '../../web/src/engine/stages.ts';
import { makePlan } from '../../src/pipeline/plan.ts';

describe('sky-forming stages', () => {
  it('halve towards the start from the last snapshot time, skip snapshot times, and cost less than the full job', () => {
    const { config } = resolveConfig({ preset: 'quick' }); // Ω·T = 10, 50
    const stages = skyFormingStages(config);
    expect(stages.map((s) => s.omegaT)).toEqual([50 / 32, 50 / 16, 50 / 8, 50 / 4, 50 / 2].map((x) => expect.closeTo(x, 9)));
    for (const s of stages) expect(s.plan.stop.timesPc).toHaveLength(1);
    const full = fullLengthPc(makePlan(config));
    // Σ 2^-j < 1: the stages add less than one full job to the first realization
    expect(stages.reduce((a, s) => a + s.lengthPc, 0)).toBeLessThan(full);
  });

  it('a stage equal to a snapshot time is left out (the full job makes that map)', () => {
    const { config } = resolveConfig({ preset: 'quick', sets: ['tracking.timesOmega=[12.5,50]'] });
    expect(skyFormingStages(config).map((s) => s.omegaT)).not.toContainEqual(12.5);
  });

  it('the sphere model grows the sphere: R/32 .. R/2, none smaller than 4 steps', () => {
    const { config } = resolveConfig({ preset: 'giacinti-sigl-2012' }); // R = 100 pc
    const stages = skyFormingStages(config);
    expect(stages.map((s) => s.radiusPc)).toEqual([100 / 32, 100 / 16, 100 / 8, 100 / 4, 100 / 2]);
    for (const s of stages) expect(s.plan.config.tracking.sphereRadiusPc).toBe(s.radiusPc);
  });
});
