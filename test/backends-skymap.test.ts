import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.ts';
import { fieldSeed } from '../src/config/seeds.ts';
import { createField } from '../src/turbulence/create.ts';
import { createTracker } from '../src/sim/node/backends.ts';
import type { Tracker } from '../src/sim/types.ts';
import { anafast } from '../src/analysis/harmonics.ts';
import { fixedTimeDensity, measuredDiffusionTensor, pixelMeans, relativeIntensity } from '../src/analysis/liouville.ts';
import { makePlan } from '../src/pipeline/plan.ts';
import { runSimulation } from '../src/pipeline/simulate.ts';

/**
 * Long back-tracking (Omega·T = 100, past the onset of chaos) on both backends in the same field
 * realizations: the sky maps differ pixel by pixel, but their C_l must agree within the
 * statistical error of a C_l estimate, var C_l ≈ 2(C_l + N)² / (2l + 1), for each of the two maps.
 */
describe('webgpu and cpu give the same sky-map statistics', () => {
  const trackers: Tracker[] = [];
  afterAll(async () => {
    for (const t of trackers) await t.dispose();
  });

  it('C_1..C_8 at Omega·T = 100 agree within 3 sigma in each of 2 realizations', async () => {
    const { config } = resolveConfig({ preset: 'quick', overrides: [{ tracking: { timesOmega: [100] }, field: { turbulence: { modes: 32 } } }] });
    const plan = makePlan(config);
    const gpu = (await createTracker('webgpu')).tracker;
    const cpu = (await createTracker('cpu', { threads: 2 })).tracker;
    trackers.push(gpu, cpu);
    const lmax = 8;
    for (let r = 0; r < 2; r++) {
      const field = createField(config.field, fieldSeed(config.seed, r));
      const job = { field, rigidityPV: config.particles.rigidityPV, chargeSign: -1 as const, origin: plan.observer, directions: plan.directions, stepPc: plan.stepPc, stop: plan.stop };
      const cls = [];
      let noise = 0;
      for (const t of [gpu, cpu]) {
        const es = await t.track(job);
        const snap = es.snapshots[0];
        const k = measuredDiffusionTensor(snap, plan.observer, plan.b0Direction).tensor;
        const f = fixedTimeDensity(snap, plan.observer, plan.gradient, k);
        cls.push(anafast(relativeIntensity(pixelMeans(f, plan.perPixel)), { lmax }));
        // Eq. 71 white-noise level of this map: (4π/N_pix)·var(f)
        const mean = f.reduce((a, v) => a + v, 0) / f.length;
        noise += ((4 * Math.PI) / f.length) * (f.reduce((a, v) => a + (v - mean) ** 2, 0) / f.length) / 2;
      }
      for (let l = 1; l <= lmax; l++) {
        const sigma = Math.sqrt((2 * (cls[1][l] + noise) ** 2) / (2 * l + 1));
        expect(Math.abs(cls[0][l] - cls[1][l])).toBeLessThan(3 * Math.SQRT2 * sigma);
      }
    }
  });

  it('a spectrum run (three rigidities, Omega·T = 5, before chaos) gives the same bin and combined maps on both backends within 1e-5', async () => {
    const { config } = resolveConfig({
      preset: 'quick',
      overrides: [{ realizations: 1, particles: { nside: 4, spectrum: { kind: 'rigidities', rigiditiesPV: [1.5, 3, 6], weights: [0.5, 0.3, 0.2] } }, tracking: { timesOmega: [5] } }],
    });
    const gpu = (await createTracker('webgpu')).tracker;
    const cpu = (await createTracker('cpu', { threads: 2 })).tracker;
    trackers.push(gpu, cpu);
    const [a, b] = [await runSimulation(config, gpu), await runSimulation(config, cpu)];
    const maps = (r: typeof a) => [...r.realizations[0].maps, ...r.realizations[0].binMaps!.flat()];
    const [ma, mb] = [maps(a), maps(b)];
    expect(ma).toHaveLength(4);
    let worst = 0;
    ma.forEach((m, i) => m.forEach((v, p) => (worst = Math.max(worst, Math.abs(v - mb[i][p])))));
    expect(worst).toBeLessThan(1e-5);
  });
});
