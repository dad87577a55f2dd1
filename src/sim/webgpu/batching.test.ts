import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { openWebGpuTracker, spiralDirections, useWebGpuTracker } from '../../../test/helpers/webgpu.ts';
import { gyroradiusPc } from '../../config/units.ts';
import type { FieldData } from '../../turbulence/field.ts';
import type { EndStates, TrackJob } from '../types.ts';

const field = randomModeField([0, 0, 1], 16, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 3);
const rg = gyroradiusPc(2, Math.SQRT2);
const h = rg / 20;
// snapshots, a sphere that some particles cross before the last snapshot and some after, and
// a maxTimePc beyond the last snapshot: every path through the dispatch loop
const job: TrackJob = {
  field,
  rigidityPV: 2,
  chargeSign: -1,
  origin: [0, 0, 0],
  directions: spiralDirections(300),
  stepPc: h,
  stop: { timesPc: [37.3 * h, 120 * h], sphereRadiusPc: 4 * rg, maxTimePc: 400 * h },
};

const wholeTracker = useWebGpuTracker();
const smallTracker = useWebGpuTracker({ maxBatchParticles: 64, targetDispatchSeconds: 0.001 });

function expectSame(a: EndStates, b: EndStates): void {
  expect(a.count).toBe(b.count);
  expect(a.particleSteps).toBe(b.particleSteps);
  a.snapshots.forEach((s, k) => {
    expect(s.positions).toEqual(b.snapshots[k].positions);
    expect(s.directions).toEqual(b.snapshots[k].directions);
  });
  expect(a.sphere!.positions).toEqual(b.sphere!.positions);
  expect(a.sphere!.timesPc).toEqual(b.sphere!.timesPc);
}

describe('webgpu batching and resources', () => {
  // Particles are independent and each invocation does the same arithmetic whichever batch or
  // dispatch it runs in, so any split is bitwise the same (tolerance: none).
  it('300 particles in batches of 64 with tiny dispatches give bitwise the same end states as one batch', async () => {
    const [whole, small] = [wholeTracker(), smallTracker()];
    const a = await whole.track(job);
    const b = await small.track(job);
    // 5 batches × 3 intervals (two snapshots, then on to maxTimePc), and more from the 1 ms target
    expect(small.stats.dispatches).toBeGreaterThanOrEqual(15);
    expectSame(a, b);
    const crossed = a.sphere!.timesPc.filter((t) => !Number.isNaN(t)).length;
    expect(crossed).toBeGreaterThan(30);
    expect(crossed).toBeLessThan(300);
  });

  it('a second job on the same tracker reuses its buffers and kernel and gives the same result', async () => {
    const a = await wholeTracker().track(job);
    const b = await wholeTracker().track(job);
    expectSame(a, b);
  });

  it('reports progress that ends at fraction 1 with the final step count', async () => {
    const seen: { fraction: number; particleSteps: number }[] = [];
    const end = await smallTracker().track(job, (p) => seen.push(p));
    expect(seen.length).toBeGreaterThan(5);
    expect(seen[seen.length - 1].fraction).toBe(1);
    expect(seen[seen.length - 1].particleSteps).toBe(end.particleSteps);
    for (let i = 1; i < seen.length; i++) expect(seen[i].particleSteps).toBeGreaterThanOrEqual(seen[i - 1].particleSteps);
  });

  it('a grid larger than one storage binding fails with an Error naming the size and the limit', async () => {
    const n = 1024; // 4 GiB per component: over every device's binding limit today
    const huge: FieldData = {
      b0: [0, 0, 0],
      turbulence: { kind: 'grid', n, spacingPc: 1, data: new Float32Array(3) },
      summary: { b0: [0, 0, 0], brmsUG: 1, lMinPc: 2, lMaxPc: 1024, correlationLengthPc: 200, description: 'too big' },
    };
    await expect(wholeTracker().track({ ...job, field: huge })).rejects.toThrow(/grid 1024³ needs 4096\.0 MiB per field component, over this device's maxStorageBufferBindingSize/);
  });

  it('a lost device fails the running job with an Error that says so', async () => {
    const lost = await openWebGpuTracker();
    const running = lost.track({ ...job, stop: { timesPc: [1e5 * h] } });
    await new Promise((r) => setTimeout(r, 200));
    (lost as unknown as { gpuDevice: GPUDevice }).gpuDevice.destroy();
    await expect(running).rejects.toThrow(/webgpu: device lost/);
    await expect(lost.track(job)).rejects.toThrow(/device lost/);
    await lost.dispose();
  });

  // If a buffer map, the device or Dawn's GPU object outlived dispose(), Node's event loop would
  // stay alive and the child would hang until the timeout.
  it('dispose() releases everything: a child process that tracks and disposes exits within 30 s', () => {
    const child = fileURLToPath(new URL('../../../test/helpers/webgpu-dispose-child.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^steps \d+/m);
  });
});
