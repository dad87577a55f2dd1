import { afterAll, describe, expect, it } from 'vitest';
import { modeField, uniformField } from '../../../test/helpers/fields.ts';
import { maxDistance, spiralDirections, useWebGpuTracker } from '../../../test/helpers/webgpu.ts';
import { gyroradiusPc } from '../../config/units.ts';
import { CpuTracker } from '../cpu/tracker.ts';
import type { TrackJob } from '../types.ts';

// B0 = 1 uG along (0.3, -0.2, 1)/|.|, R = 1 PV: r_g = 1.081 pc / |B|.
const b0 = [0.3, -0.2, 1] as const;
const bMag = Math.hypot(...b0);
const rigidityPV = 1;
const rg = gyroradiusPc(rigidityPV, bMag);
const h = rg / 20;
const gyration = 2 * Math.PI * rg;

const webgpu = useWebGpuTracker();
const cpu = new CpuTracker({ threads: 0 });
afterAll(() => cpu.dispose());

function job(origin: readonly [number, number, number], times: number[], extra: Partial<TrackJob> = {}): TrackJob {
  return { field: uniformField(b0), rigidityPV, chargeSign: -1, origin, directions: spiralDirections(8), stepPc: h, stop: { timesPc: times }, ...extra };
}

describe('webgpu tracker, uniform field (lavapipe or a real GPU)', () => {
  // f32 budget over 100 gyrations (12566 steps): the rotation angle 2 atan(|τ|) carries τ's f32
  // rounding (6e-8 relative) into a phase error growing to ~4e-5 rad after 628 rad, positions
  // are exact to 2^-32 cells and each drift rounds only its own length. Along B0 nothing restores
  // u·B̂: with u in f32 its rounding (~3e-8 per step) random-walked the pitch and the position
  // along B0 drifted as T^1.5 (worst of 256 particles 1.1e-3 r_g, rms 3.6e-4 r_g); the
  // fixed-point direction adds only the rounding of Δu (~1e-9 per step). Measured over 256
  // particles on lavapipe: worst 1.0e-4 r_g, rms 3.7e-5 r_g, almost all of it along B0 (across:
  // 4.2e-6 r_g since the rotation angle is compensated, 1.9e-5 before); h = r_g/100: worst
  // 1.5e-4 r_g, was 3.2e-3 r_g. 64 particles, each within 1e-3 r_g, and the rms within 1e-4 r_g.
  it('ends where the float64 CPU tracker ends, within 1e-3 r_g after 100 gyrations', async () => {
    const j = { ...job([0, 0, 0], [50 * gyration, 100 * gyration]), directions: spiralDirections(64) };
    const [a, b] = [await webgpu().track(j), await cpu.track(j)];
    expect(a.backend).toBe('webgpu');
    expect(a.particleSteps).toBe(b.particleSteps);
    const [pa, pb] = [a.snapshots[1].positions, b.snapshots[1].positions];
    expect(maxDistance(pa, pb)).toBeLessThan(1e-3 * rg);
    let sum2 = 0;
    for (let i = 0; i < pa.length; i++) sum2 += (pa[i] - pb[i]) ** 2;
    expect(Math.sqrt(sum2 / 64)).toBeLessThan(1e-4 * rg);
    expect(maxDistance(a.snapshots[1].directions, b.snapshots[1].directions)).toBeLessThan(1e-4);
  });

  // Boris turns u by 2 atan(|τ|) per step instead of h/r_g: after 1000 turns at h = r_g/100 the
  // float64 tracker lags by 0.0523590 rad, as theory says to 1e-12 (cpu/integrate.test.ts). An
  // f32 error of the rotation angle is the same in every step of a uniform field and adds up:
  // with κ and 1 + τ² rounded to f32 the kernel lagged 0.05272 rad (3.5e-4 too much, for every
  // pitch); with only those fixed, rounding the small correction term on its own still gave up to
  // 1e-4 rad for pitched particles (kernel comment at boris_change). What is left is noise: each
  // step rounds Δu to 2^-29 per component (0.29 units rms), a random walk of the phase of
  // ~sqrt(6.3e5) · 0.29 · 2^-29 · sqrt(2) / u⊥ ≈ 6e-7 / u⊥ rad (measured: at most 3.3e-6 rad for
  // u⊥ ≥ 0.31). Bound: 2e-5 rad, ≥ 10σ for every particle here and 17× below the f32 error.
  // (The cpu tracker's test pins the same lag to 1e-9 against theory.)
  it('gyrates with the float64 Boris phase: 1000 turns at h = r_g/100, pitches up to 72°, within 2e-5 rad', async () => {
    const rgz = gyroradiusPc(rigidityPV, 1);
    const nSteps = Math.round((1000 * 2 * Math.PI * rgz) / (rgz / 100));
    const step = (1000 * 2 * Math.PI * rgz) / nSteps;
    const lag = nSteps * (step / rgz - 2 * Math.atan(step / (2 * rgz)));
    expect(lag).toBeCloseTo(0.05236, 5);
    const uz = [0, 0.1, 0.3, -0.5, 0.6, 0.8, 0.95, -0.95];
    const directions = new Float64Array(uz.flatMap((z, i) => {
      const r = Math.sqrt(1 - z * z);
      return [r * Math.cos(i), r * Math.sin(i), z];
    }));
    const a = await webgpu().track({
      field: uniformField([0, 0, 1]), rigidityPV, chargeSign: 1, origin: [0, 0, 0], directions, stepPc: step, stop: { timesPc: [nSteps * step] },
    });
    const u = a.snapshots[0].directions;
    uz.forEach((z, i) => {
      // u turns clockwise about B = ẑ (positive charge); the exact solution is back at its start
      // azimuth i, Boris has not turned as far: its azimuth is larger by `lag`
      const behind = Math.atan2(u[3 * i + 1], u[3 * i]) - i;
      const phase = behind - 2 * Math.PI * Math.round(behind / (2 * Math.PI));
      expect(Math.abs(phase - lag)).toBeLessThan(2e-5);
      // the pitch changes only when |u| is scaled back (|u| − 1 within ~2e-7): measured up to 7e-7
      expect(Math.abs(u[3 * i + 2] - z)).toBeLessThan(3e-6);
    });
  });

  // Launched 1e4 r_g from the coordinate origin a naive f32 position has a resolution of
  // 1e4 r_g · 6e-8 = 6e-4 r_g per step; the lattice keeps 2^-32 cell everywhere.
  it('ends within 1e-3 r_g of the CPU after 100 gyrations when launched 1e4 r_g from the origin', async () => {
    const far = [1e4 * rg, -0.6e4 * rg, 0.8e4 * rg] as const;
    const j = job(far, [100 * gyration]);
    const [a, b] = [await webgpu().track(j), await cpu.track(j)];
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-3 * rg);
  });

  // Boris rotations are orthogonal; the roundings of Δu walk |u| by ~1e-9 per step and the kernel
  // scales u back once |u|² − 1 exceeds 4e-7 (its f32 estimate), so |u| stays within ~2e-7
  // however long the run (measured 1.6e-7).
  it('keeps |u| = 1 to 5e-7 after 100 gyrations', async () => {
    const a = await webgpu().track(job([0, 0, 0], [100 * gyration]));
    const u = a.snapshots[0].directions;
    for (let i = 0; i < u.length; i += 3) expect(Math.abs(Math.hypot(u[i], u[i + 1], u[i + 2]) - 1)).toBeLessThan(5e-7);
  });

  // A particle moving along B0 goes straight: at T_k it must sit at x_obs + T_k û exactly, up to
  // f32 round-off of the drifts (relative 1e-7 of the path) — a step that missed T_k would be off
  // by up to h = 5e-2 r_g. Times are not multiples of h and one is closer to its predecessor than h.
  it('lands snapshots exactly on T_k: a particle along B0 is at x_obs + T_k û to 1e-6 relative', async () => {
    const u = b0.map((c) => c / bMag);
    const times = [0.3 * h, 7.77 * h, 7.9 * h, 1234.567 * h];
    const origin = [5, -7, 11] as const;
    const a = await webgpu().track({ ...job(origin, times), directions: new Float64Array(u) });
    a.snapshots.forEach((s, k) => {
      expect(s.timePc).toBe(times[k]);
      const d = Math.hypot(...[0, 1, 2].map((c) => s.positions[c] - origin[c] - times[k] * u[c]));
      expect(d).toBeLessThan(1e-6 * times[k]);
    });
  });

  // The fixed-point move splits a drift d into round(d) cells and (d - round(d)) · 2^32 units;
  // d - round(d) = ±1/2 exactly is the edge of the 32-bit range. A zero-amplitude mode with
  // |k| = π/h makes the lattice spacing Λ = h, so every half step along ±x is exactly half a
  // cell: after 1000 steps the particles must be 100 pc out, exactly (1e-9 pc: float64 output).
  // A third particle along (0.6, 0.8) moves by its f32 direction, each drift rounded to 2^-32
  // cell: 2000 · 2^-33 · 0.1 pc = 2e-8 pc.
  it('moves exactly by half a cell per half step (the fixed-point edge case): B = 0, Λ = h', async () => {
    const step = 0.1;
    const field = modeField([0, 0, 0], [[Math.PI / step, 0, 0, 0, 0, 0, 0]], 0);
    const origin = [0.3, -0.2, 0.1] as const;
    const a = await webgpu().track({
      field, rigidityPV, chargeSign: 1, origin, directions: new Float64Array([1, 0, 0, -1, 0, 0, 0.6, 0.8, 0]), stepPc: step, stop: { timesPc: [1000 * step] },
    });
    const p = a.snapshots[0].positions;
    const [ux, uy] = [Math.fround(0.6), Math.fround(0.8)];
    const expected = [origin[0] + 100, origin[1], origin[2], origin[0] - 100, origin[1], origin[2], origin[0] + 100 * ux, origin[1] + 100 * uy, origin[2]];
    for (let i = 0; i < 6; i++) expect(Math.abs(p[i] - expected[i])).toBeLessThan(1e-9);
    for (let i = 6; i < 9; i++) expect(Math.abs(p[i] - expected[i])).toBeLessThan(3e-8);
  });

  // Crossing points come from f32 positions relative to the observer: on the sphere to ~1e-7 R.
  // The CPU interpolates the same segment in float64, so the two paths differ by their f32
  // round-off, ~1e-6 R after a few hundred steps. Along the path that is a time difference of
  // δr / |u·n̂| (n̂ the sphere normal): at grazing crossings the time is ill-conditioned, so the
  // test bounds the radial part |Δt · u·n̂| and the distance between the crossing points, for
  // crossings within 10 gyrations (about 1300 steps; longer paths drift apart as in the test above).
  it('puts sphere crossings on the sphere (1e-6 R) and where the CPU puts them (1e-5 R)', async () => {
    const R = 3 * rg;
    const origin = [1, 2, 3] as const;
    const j = job(origin, [], { directions: spiralDirections(32), stop: { timesPc: [], sphereRadiusPc: R, maxTimePc: 10 * gyration } });
    const [a, b] = [await webgpu().track(j), await cpu.track(j)];
    const sa = a.sphere!;
    const sb = b.sphere!;
    let crossed = 0;
    for (let i = 0; i < 32; i++) {
      expect(Number.isNaN(sa.timesPc[i])).toBe(Number.isNaN(sb.timesPc[i]));
      if (Number.isNaN(sb.timesPc[i])) continue;
      crossed++;
      const r = Math.hypot(...[0, 1, 2].map((c) => sa.positions[3 * i + c] - origin[c]));
      expect(Math.abs(r - R)).toBeLessThan(1e-6 * R);
      const normalSpeed = Math.abs([0, 1, 2].reduce((acc, c) => acc + sb.directions[3 * i + c] * (sb.positions[3 * i + c] - origin[c]), 0)) / R;
      expect(Math.abs(sa.timesPc[i] - sb.timesPc[i]) * normalSpeed).toBeLessThan(1e-5 * R);
    }
    expect(crossed).toBeGreaterThan(8); // particles along B0 escape; those across it gyrate inside
    expect(maxDistance(sa.positions.map((x) => (Number.isNaN(x) ? 0 : x)), sb.positions.map((x) => (Number.isNaN(x) ? 0 : x)))).toBeLessThan(1e-5 * R);
    // particles that never cross run to maxTimePc; those that cross stop there: same step count
    expect(a.particleSteps).toBe(b.particleSteps);
  });
});
