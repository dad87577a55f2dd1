import { describe, expect, it } from 'vitest';
import { DispatchPacer, FIRST_DISPATCH_PARTICLES, FIRST_DISPATCH_STEPS, SLEEP_CAP, SLEEP_FRACTION } from './pacer.ts';

describe('dispatch pacer', () => {
  const target = 0.25;

  it('sizes the first round blind: FIRST_DISPATCH_STEPS steps, a short slice, no sleep', () => {
    const p = new DispatchPacer(target, 32, 64, 4);
    expect(p.steps('k', 1e6, 1e5, 0)).toBe(FIRST_DISPATCH_STEPS);
    expect(p.sliceParticles('k', FIRST_DISPATCH_STEPS, 1e6)).toBe(FIRST_DISPATCH_PARTICLES);
    expect(p.sleepMs('k', 1e6)).toBe(0);
  });

  // The quick preset's first dispatch used to include lavapipe's compile (5.7 s for 8 steps of 768
  // particles): the rate came out ~1000x too low and the next 2.5 ms dispatch was slept through
  // for 20 s. The tracker no longer shows the pacer such a dispatch; whatever rate it is shown,
  // it never sleeps longer than SLEEP_CAP target times.
  it('never sleeps longer than SLEEP_CAP target times, even after learning a rate 1000x too low', () => {
    const p = new DispatchPacer(target, 32, 64, 4);
    p.observe('k', 768 * 8, 5.7, 5700, 5700);
    const s = p.steps('k', 768, 1000, 8);
    expect(s).toBe(32);
    expect(p.sleepMs('k', 768 * s)).toBeLessThanOrEqual(SLEEP_FRACTION * SLEEP_CAP * target * 1000);
  });

  it('sleeps SLEEP_FRACTION of the expected time of a target-sized dispatch', () => {
    const p = new DispatchPacer(target, 1, 64, 1);
    p.observe('k', 1e7, 1, 1000, 100); // 1e7 particle-steps/s
    const s = p.steps('k', 1e5, 1e6, 100);
    expect(s).toBe(25); // 0.25 s · 1e7 / 1e5
    expect(p.sliceParticles('k', s, 1e5)).toBe(1e5);
    expect(p.sleepMs('k', 1e5 * s)).toBeCloseTo(SLEEP_FRACTION * 250, 6);
  });

  // 1024 inline modes with 256k particles on lavapipe: 32 steps (the CPU-adapter minimum) of all
  // particles took 5 s; the round is now cut into slices of about the target time.
  it('cuts a round that the minimum step count makes long into target-sized slices of whole workgroups', () => {
    const p = new DispatchPacer(target, 32, 64, 4);
    p.observe('k', 1.6e6, 1, 1000, 100); // 1.6e6 particle-steps/s
    const active = 262144;
    const s = p.steps('k', active, 1e5, 32);
    expect(s).toBe(32);
    const slices: number[] = [];
    for (let left = active; left > 0; ) {
      const m = p.sliceParticles('k', s, left);
      slices.push(m);
      left -= m;
    }
    expect(slices.reduce((a, m) => a + m, 0)).toBe(active);
    for (const m of slices.slice(0, -1)) {
      expect(m % 64).toBe(0);
      expect((m * s) / 1.6e6).toBeCloseTo(target, 1);
    }
    // no small tail: the last slice is at least half a target slice
    expect(slices[slices.length - 1]).toBeGreaterThanOrEqual(slices[0] / 2);
    // and a slice is never below 4 workgroups (every lavapipe thread gets work)
    p.observe('slow', 1000, 1, 1000, 100);
    expect(p.sliceParticles('slow', 32, 1e5)).toBe(256);
  });
});
