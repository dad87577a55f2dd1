import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModeField, uniformField } from '../helpers/fields.ts';
import { maxDistance, spiralDirections } from '../helpers/webgpu.ts';
import { gyroradiusPc } from '../../src/config/units.ts';
import { CpuTracker } from '../../src/sim/cpu/tracker.ts';
import type { TrackJob } from '../../src/sim/types.ts';
import { CHROMIUM_ADVICE, haveChromium, openBrowserTracker, type BrowserTracker } from './page.ts';

// The same WGSL and the same platform-neutral host code as in Node, here on Chromium's WebGPU
// (navigator.gpu, shaders fetched over HTTP by browser.ts), against the float64 CPU tracker in
// Node. Without an adapter the tests fail, as the Node WebGPU tests do; without Chromium they
// fail in CI and are skipped, saying so, elsewhere.
const skip = !haveChromium() && !process.env.CI;
if (skip) console.warn(`webgpu-browser.test.ts: SKIPPED, ${CHROMIUM_ADVICE}`);

let browser: BrowserTracker | undefined;
let failure: unknown = new Error('browser tracker not opened yet');
const cpu = new CpuTracker({ threads: 0 });

/** The page's tracker; throws what opening it threw, so every test fails (not skips) without one. */
function page(): BrowserTracker {
  if (!browser) throw failure;
  return browser;
}

describe.skipIf(skip)('webgpu tracker in Chromium (navigator.gpu) agrees with the float64 CPU tracker', () => {
  beforeAll(async () => {
    try {
      if (!haveChromium()) throw new Error(CHROMIUM_ADVICE);
      browser = await openBrowserTracker();
      console.info(`browser WebGPU adapter: ${browser.adapter.device}${browser.adapter.cpuAdapter ? ' (runs on the CPU)' : ''}`);
    } catch (e) {
      failure = e;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await cpu.dispose();
  });

  // As uniform.test.ts: B0 = 1 uG along (0.3, -0.2, 1)/|.|, R = 1 PV, h = r_g / 20, 12566 steps,
  // 64 particles. Across B0 the f32 phase error of the rotation grows to ~4e-5 rad after 628 rad;
  // along B0 the fixed-point direction (track.wgsl) keeps the random walk of u·B̂ to ~1e-9 per
  // step. Measured on SwiftShader and on lavapipe alike: worst of 256 particles ~1e-4 r_g (it was
  // 1.1-1.8e-3 r_g with u in f32). Each particle must be within 1e-3 r_g.
  it('ends within 1e-3 r_g of the CPU after 100 gyrations in a uniform field (every particle)', async () => {
    const b0 = [0.3, -0.2, 1] as const;
    const bMag = Math.hypot(...b0);
    const rg = gyroradiusPc(1, bMag);
    const gyration = 2 * Math.PI * rg;
    const n = 64;
    const j: TrackJob = {
      field: uniformField(b0), rigidityPV: 1, chargeSign: -1, origin: [0, 0, 0], directions: spiralDirections(n), stepPc: rg / 20,
      stop: { timesPc: [50 * gyration, 100 * gyration] },
    };
    const [a, b] = [await page().track(j), await cpu.track(j)];
    const [pa, pb] = [a.snapshots[1].positions, b.snapshots[1].positions];
    const dx = maxDistance(pa, pb);
    const du = maxDistance(a.snapshots[1].directions, b.snapshots[1].directions);
    console.info(`uniform field, 100 gyrations: max |Δx| = ${(dx / rg).toExponential(2)} r_g, |Δu| ≤ ${du.toExponential(2)}`);
    expect(a.particleSteps).toBe(b.particleSteps);
    expect(dx).toBeLessThan(1e-3 * rg);
    expect(du).toBeLessThan(1e-4);
  });

  // As turbulence.test.ts: B0 = 1 uG along z plus B_rms = 1 uG in 256 plane waves, 1..100 pc;
  // R = 2 PV, h = r_g / 20, 100 steps (0.8 gyration, before chaos amplifies anything). f32
  // round-off of ~3e-7 per step bounds the position error by 1.5e-6 r_g; tolerance 1e-5 r_g and
  // 1e-5 in u, as in Node. Both the inline table and the uniform buffer (the GPU default) run.
  const rg = gyroradiusPc(2, Math.SQRT2);
  const turbulent: TrackJob = {
    field: randomModeField([0, 0, 1], 256, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 7), rigidityPV: 2, chargeSign: -1, origin: [3, -2, 5],
    directions: spiralDirections(256), stepPc: rg / 20, stop: { timesPc: [100 * (rg / 20)] },
  };
  it.each(['inline', 'uniform'] as const)('256 plane waves, table %s: 256 particles end within 1e-5 r_g and 1e-5 in u after 100 steps', async (modeTable) => {
    const [a, b] = [await page().track(turbulent, modeTable), await cpu.track(turbulent)];
    const dx = maxDistance(a.snapshots[0].positions, b.snapshots[0].positions);
    const du = maxDistance(a.snapshots[0].directions, b.snapshots[0].directions);
    console.info(`256 modes (${modeTable}), 100 steps: |Δx| ≤ ${(dx / rg).toExponential(2)} r_g, |Δu| ≤ ${du.toExponential(2)}`);
    expect(a.particleSteps).toBe(b.particleSteps);
    expect(dx).toBeLessThan(1e-5 * rg);
    expect(du).toBeLessThan(1e-5);
  });
});
