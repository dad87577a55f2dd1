import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomModeField, uniformField } from '../helpers/fields.ts';
import { maxDistance, spiralDirections } from '../helpers/webgpu.ts';
import { gyroradiusPc } from '../../src/config/units.ts';
import { CpuTracker } from '../../src/sim/cpu/tracker.ts';
import type { TrackJob } from '../../src/sim/types.ts';
import { CHROMIUM_ADVICE, GPUJS_PAGE, haveChromium, openBrowserTracker, type BrowserTracker } from './page.ts';

// The gpujs tracker (gpu.js on WebGL2: Chromium's SwiftShader here, no WebGPU) against the
// float64 CPU tracker in Node. Same precision scheme as the WGSL kernel (fixed-point positions,
// phases and direction), so the same tolerances as webgpu-browser.test.ts hold.
const skip = !haveChromium() && !process.env.CI;
if (skip) console.warn(`gpujs-browser.test.ts: SKIPPED, ${CHROMIUM_ADVICE}`);

let browser: BrowserTracker | undefined;
let failure: unknown = new Error('browser tracker not opened yet');
const cpu = new CpuTracker({ threads: 0 });

function page(): BrowserTracker {
  if (!browser) throw failure;
  return browser;
}

beforeAll(async () => {
  if (skip) return;
  try {
    if (!haveChromium()) throw new Error(CHROMIUM_ADVICE);
    browser = await openBrowserTracker(GPUJS_PAGE);
    console.info(`browser gpujs device: ${browser.adapter.device}`);
  } catch (e) {
    failure = e;
  }
});
afterAll(async () => {
  await browser?.close();
  await cpu.dispose();
});

describe.skipIf(skip)('gpujs tracker in Chromium (WebGL2, no WebGPU) agrees with the float64 CPU tracker', () => {

  it('ends within 1e-3 r_g of the CPU after 100 gyrations in a uniform field (every particle)', async () => {
    const b0 = [0.3, -0.2, 1] as const;
    const rg = gyroradiusPc(1, Math.hypot(...b0));
    const gyration = 2 * Math.PI * rg;
    const j: TrackJob = {
      field: uniformField(b0), rigidityPV: 1, chargeSign: -1, origin: [0, 0, 0], directions: spiralDirections(64), stepPc: rg / 20,
      stop: { timesPc: [50 * gyration, 100 * gyration] },
    };
    const [a, b] = [await page().track(j), await cpu.track(j)];
    const dx = maxDistance(a.snapshots[1].positions, b.snapshots[1].positions);
    const du = maxDistance(a.snapshots[1].directions, b.snapshots[1].directions);
    console.info(`gpujs uniform field, 100 gyrations: max |Δx| = ${(dx / rg).toExponential(2)} r_g, |Δu| ≤ ${du.toExponential(2)}`);
    expect(a.backend).toBe('gpujs');
    expect(a.particleSteps).toBe(b.particleSteps);
    expect(dx).toBeLessThan(1e-3 * rg);
    expect(du).toBeLessThan(1e-4);
  });

  const rg = gyroradiusPc(2, Math.SQRT2);
  const turbulent: TrackJob = {
    field: randomModeField([0, 0, 1], 256, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 7), rigidityPV: 2, chargeSign: -1, origin: [3, -2, 5],
    directions: spiralDirections(256), stepPc: rg / 20, stop: { timesPc: [100 * (rg / 20)] },
  };
  // both places of the mode table: compiled in (the default up to 1024 modes) and a float texture
  it.each(['inline', 'storage'] as const)('256 plane waves, table %s: 256 particles end within 1e-5 r_g and 1e-5 in u after 100 steps', async (modeTable) => {
    const [a, b] = [await page().track(turbulent, modeTable), await cpu.track(turbulent)];
    const dx = maxDistance(a.snapshots[0].positions, b.snapshots[0].positions);
    const du = maxDistance(a.snapshots[0].directions, b.snapshots[0].directions);
    console.info(`gpujs 256 modes (${modeTable === 'inline' ? 'inline' : 'texture'}), 100 steps: |Δx| ≤ ${(dx / rg).toExponential(2)} r_g, |Δu| ≤ ${du.toExponential(2)}`);
    expect(a.particleSteps).toBe(b.particleSteps);
    expect(dx).toBeLessThan(1e-5 * rg);
    expect(du).toBeLessThan(1e-5);
  });
});

describe.skipIf(skip)('gpujs tracker: first crossings of a sphere', () => {

  // As the WebGPU sphere test (src/sim/webgpu/turbulence.test.ts): B0 = 1 uG plus 64 modes
  // (1..100 pc, B_rms = 1 uG), R = 2 PV, h = r_g/20, sphere of 4 r_g, at most 300 steps: the
  // crossings come before chaos grows the f32 differences; each crossing lies on the sphere
  // (1e-6 R: the point is interpolated onto it) and within 1e-4 R of the CPU's.
  it('64 plane waves, sphere of 4 r_g: particles cross where the CPU says (1e-4 R)', async () => {
    const rg = gyroradiusPc(2, Math.SQRT2);
    const h = rg / 20;
    const R = 4 * rg;
    const origin = [3, -2, 5] as const;
    const j: TrackJob = {
      field: randomModeField([0, 0, 1], 64, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 7), rigidityPV: 2, chargeSign: -1, origin,
      directions: spiralDirections(64), stepPc: h, stop: { timesPc: [], sphereRadiusPc: R, maxTimePc: 300 * h },
    };
    const [a, b] = [await page().track(j), await cpu.track(j)];
    let crossed = 0;
    let worst = 0;
    for (let i = 0; i < 64; i++) {
      const tb = b.sphere!.timesPc[i];
      expect(Number.isNaN(a.sphere!.timesPc[i])).toBe(Number.isNaN(tb));
      if (Number.isNaN(tb)) continue;
      crossed++;
      const p = [0, 1, 2].map((c) => a.sphere!.positions[3 * i + c] - origin[c]);
      expect(Math.abs(Math.hypot(...p) - R)).toBeLessThan(1e-6 * R);
      const q = [0, 1, 2].map((c) => b.sphere!.positions[3 * i + c] - origin[c]);
      worst = Math.max(worst, Math.hypot(...[0, 1, 2].map((c) => p[c] - q[c])));
    }
    console.info(`gpujs sphere crossings: ${crossed} of 64 crossed, |Δx| ≤ ${(worst / R).toExponential(2)} R`);
    expect(worst).toBeLessThan(1e-4 * R);
    expect(crossed).toBeGreaterThan(16);
    expect(a.particleSteps).toBe(b.particleSteps);
  });
});
