import { describe, expect, it } from 'vitest';
import { snapshotTimesPc, stepPc } from '../config/derived.ts';
import { resolveConfig } from '../config/resolve.ts';
import type { Config } from '../config/schema.ts';
import { binConfig, configBins } from './spectrum.ts';
import { estimateRun, trackerWorkload } from './estimate.ts';

function config(extra: Record<string, unknown> = {}): Config {
  return resolveConfig({ preset: 'quick', config: { realizations: 3, particles: { nside: 4 }, ...extra } as never }).config;
}

describe('trackerWorkload: what createTracker(auto) weighs', () => {
  it('one rigidity: launch particles × steps to the last snapshot, per realization; the mode count', () => {
    const c = config();
    const steps = Math.ceil(Math.max(...snapshotTimesPc(c)) / stepPc(c));
    const w = trackerWorkload(c);
    expect(w).toEqual({ particleSteps: 12 * 16 * c.particles.perPixelSide ** 2 * steps, fields: 3, modes: c.field.turbulence.modes, gridN: 0, grids: 1 });
  });

  it('a spectrum: the bins add up; a grid gives its size and no modes; B0 only gives neither', () => {
    const c = config({ particles: { nside: 4, spectrum: { kind: 'rigidities', rigiditiesPV: [1, 2, 4] } } });
    const bins = configBins(c)!;
    const sum = bins.reduce((a, b) => a + trackerWorkload(binConfig(c, b)).particleSteps, 0);
    expect(trackerWorkload(c).particleSteps).toBe(sum);
    // Times in Ω·T and h ∝ r_g: every bin takes the same steps, so three bins are three times one.
    expect(sum).toBe(3 * trackerWorkload(binConfig(c, bins[2])).particleSteps);
    expect(sum).toBeGreaterThan(0);
    const g = trackerWorkload(config({ field: { turbulence: { method: 'grid', gridN: 64 } } }));
    expect([g.modes, g.gridN]).toEqual([0, 64]);
    const b0 = trackerWorkload(config({ field: { turbulence: { brmsUG: 0 } } }));
    expect([b0.modes, b0.gridN]).toEqual([0, 0]);
  });

  it('nested grids: the first grid and the grid count; memory counts every grid (40 B per node)', () => {
    const turbulence = {
      method: 'nested-grids',
      spectrum: { kind: 'kolmogorov', lMinPc: 2, lMaxPc: 128 },
      nestedGrids: { grids: [{ n: 32, spacingPc: 4 }, { n: 16, spacingPc: 1 }], splitWavelengthsPc: [16] },
    };
    const c = config({ field: { turbulence } });
    const w = trackerWorkload(c);
    expect([w.modes, w.gridN, w.grids]).toEqual([0, 32, 2]);
    const modes = estimateRun(config()).memoryBytes;
    expect(estimateRun(c).memoryBytes - modes).toBe((32 ** 3 + 16 ** 3) * 40);
  });
});
