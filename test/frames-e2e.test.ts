import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.ts';
import { createField } from '../src/turbulence/create.ts';
import { CpuTracker } from '../src/sim/cpu/tracker.ts';
import { fixedTimeDensity, pixelMeans, relativeIntensity } from '../src/analysis/liouville.ts';
import { makePlan } from '../src/pipeline/plan.ts';
import { dipoleOf } from '../src/pipeline/realization.ts';

/**
 * The frames end to end: with B = 0 a gradient towards the Galactic centre must give a dipole
 * towards (l, b) = (0°, 0°) on a galactic map and towards (α, δ) = (266.40°, −28.94°) on an
 * equatorial one (straight lines make the dipole exact; 0.01° allows the HEALPix sampling).
 */
describe('sky frames through the whole pipeline', () => {
  for (const [frame, lon, lat] of [['galactic', 0, 0], ['equatorial', 266.405, -28.936]] as const) {
    it(`a gradient towards the Galactic centre gives a dipole at (${lon}°, ${lat}°) on a ${frame} map`, async () => {
      const { config } = resolveConfig({
        overrides: [{
          field: { b0UG: 0, turbulence: { brmsUG: 0 } },
          particles: { nside: 16, frame },
          tracking: { timesPc: [100], stepPc: 1 },
          liouville: { model: 'fixed-time', diffusion: 'none', gradient: { direction: { frame: 'galactic', lonDeg: 0, latDeg: 0 }, magnitudePerPc: 1e-4 } },
        }],
      });
      const plan = makePlan(config);
      const tracker = new CpuTracker({ threads: 0 });
      const es = await tracker.track({
        field: createField(config.field, 'frames'), rigidityPV: 1, chargeSign: -1, origin: plan.observer,
        directions: plan.directions, stepPc: plan.stepPc, stop: plan.stop,
      });
      const map = relativeIntensity(pixelMeans(fixedTimeDensity(es.snapshots[0], plan.observer, plan.gradient, null), plan.perPixel));
      const d = dipoleOf(map);
      // |δ| = T |∇φ/φ| = 100 pc × 1e-4 / pc
      expect(d.amplitude).toBeCloseTo(1e-2, 8);
      expect(Math.abs(((d.lonDeg - lon + 540) % 360) - 180)).toBeLessThan(0.01);
      expect(Math.abs(d.latDeg - lat)).toBeLessThan(0.01);
    });
  }
});
