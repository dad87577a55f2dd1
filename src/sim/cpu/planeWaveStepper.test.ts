import { describe, expect, it } from 'vitest';
import { FieldSchema } from '../../config/schema.ts';
import { referenceFieldUG, rigidityForGyroradiusPV, rotationRatePerUGPerPc } from '../../config/units.ts';
import { createField } from '../../turbulence/create.ts';
import { createFieldEvaluator } from '../../turbulence/evaluate.ts';
import { MODE_STRIDE, type FieldData, type ModeTurbulence } from '../../turbulence/field.ts';
import { spiralDirections } from '../launch.ts';
import type { TrackJob } from '../types.ts';
import { DEFAULT_SYNC_INTERVAL, PlaneWaveStepper, seriesRadius } from './planeWaveStepper.ts';
import { CpuTracker } from './tracker.ts';
import { createCpuTracker } from '../node/cpu.ts';
import type { Vec3 } from '../../config/vec3.ts';

const U = 2 ** -53;

/** The benchmark's field: B0 = 1 uG along z, B_rms = 1 uG, Kolmogorov 1..100 pc, `modes` plane waves. */
function kolmogorovField(modes: number, seed: string): FieldData {
  const turbulence = { brmsUG: 1, method: 'modes', modes, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } };
  return createField(FieldSchema.parse({ b0UG: 1, b0Direction: [0, 0, 1], turbulence }), seed);
}

/** a = hi + lo exactly, 26-bit halves (Veltkamp). */
function split(a: number): [number, number] {
  const t = 134217729 * a;
  const hi = t - (t - a);
  return [hi, a - hi];
}

/**
 * The reference, written here independently of the stepper: every phase θ_n = k_n·(origin + x) +
 * φ_n in double-double (exact products by 26-bit splitting, exact sums by two-sum), then
 * cos θ = cos θ_hi − θ_lo sin θ_hi (and sin likewise), accurate to ~1 ulp; B summed in
 * double-double, so the reference has no summation error either.
 */
function exactModes(field: FieldData, origin: Vec3, x: number, y: number, z: number, cos: Float64Array, sin: Float64Array): [number, number, number] {
  const m = (field.turbulence as ModeTurbulence).table;
  const pos = [origin[0], x, origin[1], y, origin[2], z];
  const parts = pos.map(split);
  const acc = [field.b0[0], 0, field.b0[1], 0, field.b0[2], 0]; // (hi, lo) per component
  const add = (c: number, v: number) => {
    const hi = acc[2 * c];
    const s = hi + v;
    const bb = s - hi;
    acc[2 * c + 1] += hi - (s - bb) + (v - bb);
    acc[2 * c] = s;
  };
  for (let i = 0, n = 0; i < m.length; i += MODE_STRIDE, n++) {
    let hi = m[i + 3];
    let lo = 0;
    for (let q = 0; q < 6; q++) {
      const k = m[i + (q >> 1)];
      const v = pos[q];
      const p = k * v;
      const [kh, kl] = split(k);
      const [vh, vl] = parts[q];
      const e = kh * vh - p + kh * vl + kl * vh + kl * vl;
      const s = hi + p;
      const bb = s - hi;
      lo += hi - (s - bb) + (p - bb) + e;
      hi = s;
    }
    const ch = Math.cos(hi);
    const sh = Math.sin(hi);
    const c = ch - lo * sh;
    cos[n] = c;
    sin[n] = sh + lo * ch;
    for (let comp = 0; comp < 3; comp++) {
      const a = m[i + 4 + comp];
      const p = a * c;
      const [ah, al] = split(a);
      const [chh, cl] = split(c);
      add(comp, p);
      acc[2 * comp + 1] += ah * chh - p + ah * cl + al * chh + al * cl;
    }
  }
  return [acc[0] + acc[1], acc[2] + acc[3], acc[4] + acc[5]];
}

interface Comparison {
  steps: number;
  landings: number;
  /** max over steps and modes of |cos − cos θ|, |sin − sin θ| of the stepper's state */
  maxMode: number;
  rmsMode: number;
  /** max |B − B_exact| / B_rms over all steps */
  maxExact: number;
  rmsExact: number;
  /** the same with a re-synchronization at every step (summation rounding and ~1 ulp per mode) */
  maxExactSync1: number;
  /** max |B − B_direct| / B_rms, B_direct from createFieldEvaluator */
  maxDirect: number;
  /** max over steps of the direct sum's own rounding bound u·Σ|a_n|(Σ_c|k_c X_c| + |θ_n| + 2)/B_rms */
  directBound: number;
  maxDistancePc: number;
}

/**
 * Follows a Boris trajectory (the integrator's drift-kick-drift) for `steps` steps through the
 * stepper's field, with a shortened step every `landEvery` steps, and compares B and the modes'
 * (cos θ, sin θ) at every midpoint with the reference, and B with the direct sum.
 */
/**
 * The Boris kick of integrate.ts written out again, as the tests' independent reference:
 * u ← u + s·(u' × τ), u' = u + u × τ, τ = f·B, s = 2/(1 + τ²). Returns the new u.
 */
function borisKick(ux: number, uy: number, uz: number, b: Float64Array, f: number): [number, number, number] {
  const tx = b[0] * f;
  const ty = b[1] * f;
  const tz = b[2] * f;
  const s = 2 / (1 + tx * tx + ty * ty + tz * tz);
  const px = ux + (uy * tz - uz * ty);
  const py = uy + (uz * tx - ux * tz);
  const pz = uz + (ux * ty - uy * tx);
  return [ux + s * (py * tz - pz * ty), uy + s * (pz * tx - px * tz), uz + s * (px * ty - py * tx)];
}

function compareAlongTrajectory(field: FieldData, origin: Vec3, h: number, steps: number, landEvery: number, syncInterval: number): Comparison {
  const stepper = new PlaneWaveStepper(field.turbulence as ModeTurbulence, field.b0, origin, h, { syncInterval });
  const every = new PlaneWaveStepper(field.turbulence as ModeTurbulence, field.b0, origin, h, { syncInterval: 1 });
  const direct = createFieldEvaluator(field);
  const table = (field.turbulence as ModeTurbulence).table;
  const modes = table.length / MODE_STRIDE;
  const brms = field.summary.brmsUG;
  const kappa = -rotationRatePerUGPerPc(rigidityForGyroradiusPV(20 * h, referenceFieldUG(Math.hypot(...field.b0), field.summary.brmsUG)));
  const b = new Float64Array(3);
  const b1 = new Float64Array(3);
  const bd = new Float64Array(3);
  const cos = new Float64Array(modes);
  const sin = new Float64Array(modes);
  const cosX = new Float64Array(modes);
  const sinX = new Float64Array(modes);
  let [x, y, z] = [0, 0, 0];
  let [ux, uy, uz] = [0.6, 0, 0.8];
  const r: Comparison = { steps, landings: 0, maxMode: 0, rmsMode: 0, maxExact: 0, rmsExact: 0, maxExactSync1: 0, maxDirect: 0, directBound: 0, maxDistancePc: 0 };
  let sum2 = 0;
  let sumMode2 = 0;
  stepper.begin();
  every.begin();
  for (let n = 1; n <= steps; n++) {
    const land = n % landEvery === 0;
    // a landing step: a deterministic fraction of h in (0.05, 0.95)
    const dt = land ? h * (0.05 + 0.9 * ((n * 0.6180339887498949) % 1)) : h;
    if (land) r.landings++;
    const half = 0.5 * dt;
    const xm = x + half * ux;
    const ym = y + half * uy;
    const zm = z + half * uz;
    stepper.field(xm, ym, zm, b);
    every.field(xm, ym, zm, b1);
    const e = exactModes(field, origin, xm, ym, zm, cosX, sinX);
    stepper.copyState(cos, sin);
    for (let i = 0; i < modes; i++) {
      if (Number.isNaN(cos[i])) continue; // summed directly: no state
      const d = Math.max(Math.abs(cos[i] - cosX[i]), Math.abs(sin[i] - sinX[i]));
      r.maxMode = Math.max(r.maxMode, d);
      sumMode2 += d * d;
    }
    const X = xm + origin[0];
    const Y = ym + origin[1];
    const Z = zm + origin[2];
    direct(X, Y, Z, bd);
    const err = Math.hypot(b[0] - e[0], b[1] - e[1], b[2] - e[2]) / brms;
    sum2 += err * err;
    r.maxExact = Math.max(r.maxExact, err);
    r.maxExactSync1 = Math.max(r.maxExactSync1, Math.hypot(b1[0] - e[0], b1[1] - e[1], b1[2] - e[2]) / brms);
    r.maxDirect = Math.max(r.maxDirect, Math.hypot(b[0] - bd[0], b[1] - bd[1], b[2] - bd[2]) / brms);
    if (n % 97 === 0) {
      let bound = 0;
      for (let i = 0; i < table.length; i += MODE_STRIDE) {
        const theta = table[i] * X + table[i + 1] * Y + table[i + 2] * Z + table[i + 3];
        bound += Math.hypot(table[i + 4], table[i + 5], table[i + 6]) * (Math.abs(table[i] * X) + Math.abs(table[i + 1] * Y) + Math.abs(table[i + 2] * Z) + Math.abs(theta) + 2);
      }
      r.directBound = Math.max(r.directBound, (U * bound) / brms);
    }
    [ux, uy, uz] = borisKick(ux, uy, uz, b, kappa * half);
    x = xm + half * ux;
    y = ym + half * uy;
    z = zm + half * uz;
    r.maxDistancePc = Math.max(r.maxDistancePc, Math.hypot(x, y, z));
  }
  r.rmsExact = Math.sqrt(sum2 / steps);
  r.rmsMode = Math.sqrt(sumMode2 / (steps * modes));
  return r;
}

describe('plane-wave stepper (incremental phases)', () => {
  it('series radii: the first omitted Taylor term is <= 2^-56 at r_m, and the default step rule (|k|h <= pi/2) is covered', () => {
    const fact = (n: number) => Array.from({ length: n }, (_, i) => i + 1).reduce((a, b) => a * b, 1);
    for (const m of [3, 5, 7, 9, 11]) {
      const r = seriesRadius(m);
      expect(r ** (2 * m + 2) / fact(2 * m + 2)).toBeLessThanOrEqual(2 ** -56);
      expect((r * 1.001) ** (2 * m + 2) / fact(2 * m + 2)).toBeGreaterThan(2 ** -56);
    }
    expect(seriesRadius(11)).toBeGreaterThan(Math.PI / 2);
  });

  it('along 1e5 Boris steps with landing steps every mode is within 3e-15 of exact (rms 3e-16) and B within 6e-15 B_rms', () => {
    const field = kolmogorovField(256, 'stepper-accuracy');
    const h = (0.1 * field.summary.correlationLengthPc) / 20; // the benchmark's step: r_g/20, r_g = 0.1 L_c
    const origin: Vec3 = [30.5, -12.25, 7];
    const r = compareAlongTrajectory(field, origin, h, 100_000, 9973, DEFAULT_SYNC_INTERVAL);
    expect(r.landings).toBe(10);
    expect(r.maxDistancePc).toBeGreaterThan(100); // far from the observer: large phases
    // The proven bound (planeWaveStepper.ts): 2u + M·u·(0.68 + 5ρ + 2ρ² + ρ³/3), ρ = |k|_max h.
    const m = (field.turbulence as ModeTurbulence).table;
    let kMax = 0;
    for (let i = 0; i < m.length; i += MODE_STRIDE) kMax = Math.max(kMax, Math.hypot(m[i], m[i + 1], m[i + 2]));
    const rho = kMax * h;
    expect(r.maxMode).toBeLessThan(2 * U + DEFAULT_SYNC_INTERVAL * U * (0.68 + 5 * rho + 2 * rho ** 2 + rho ** 3 / 3));
    // What it is in practice (measured 1.5e-15 and 1.6e-16):
    expect(r.maxMode).toBeLessThan(3e-15);
    expect(r.rmsMode).toBeLessThan(3e-16);
    // B: dominated by the rounding of the 256-term sum, as with an exact phase at every step.
    expect(r.maxExact).toBeLessThan(6e-15);
    expect(r.rmsExact).toBeLessThan(8e-16);
    expect(r.maxExactSync1).toBeLessThan(6e-15);
    // The direct sum rounds each phase to ~u|θ|: the two differ by no more than that.
    expect(r.maxDirect).toBeLessThan(r.directBound + 6e-15);
  });

  it('keeps 1e-15 with the observer 8.5 kpc from the origin, where the direct sum rounds phases to ~1e-12', () => {
    const field = kolmogorovField(64, 'stepper-far');
    const h = (0.1 * field.summary.correlationLengthPc) / 20;
    const r = compareAlongTrajectory(field, [-8500, 0, 20], h, 20_000, 4999, DEFAULT_SYNC_INTERVAL);
    expect(r.maxMode).toBeLessThan(3e-15);
    expect(r.maxExact).toBeLessThan(6e-15);
    expect(r.directBound).toBeGreaterThan(1e-12);
  });

  it('a step longer than the series reach (|k|h up to 2π) sums those modes directly (rounded as the direct sum)', () => {
    const field = kolmogorovField(64, 'stepper-long-step');
    const h = 1; // λ_min = 1 pc: |k|h = 2π for the smallest scale
    const stepper = new PlaneWaveStepper(field.turbulence as ModeTurbulence, field.b0, [0, 0, 0], h);
    expect(stepper.directModes).toBeGreaterThan(0);
    expect(stepper.groupSizes.reduce((a, b) => a + b, 0) + stepper.directModes).toBe(64);
    const r = compareAlongTrajectory(field, [0, 0, 0], h, 5_000, 997, DEFAULT_SYNC_INTERVAL);
    expect(r.maxMode).toBeLessThan(3e-15);
    expect(r.maxExact).toBeLessThan(r.directBound + 6e-15);
    expect(r.maxDirect).toBeLessThan(r.directBound + 6e-15);
  });

  it('the series groups follow |k|·h: the benchmark field uses all but the longest series', () => {
    const field = kolmogorovField(256, 'stepper-groups');
    const h = (0.1 * field.summary.correlationLengthPc) / 20;
    const stepper = new PlaneWaveStepper(field.turbulence as ModeTurbulence, field.b0, [0, 0, 0], h);
    expect(stepper.directModes).toBe(0);
    expect(stepper.groupSizes[4]).toBe(0);
    expect(stepper.groupSizes[0]).toBeGreaterThan(0);
  });
});

describe('cpu tracker with plane waves', () => {
  const field = kolmogorovField(128, 'tracker-modes');
  const rg = 0.1 * field.summary.correlationLengthPc;
  const h = rg / 20;
  const rigidityPV = rigidityForGyroradiusPV(rg, referenceFieldUG(Math.hypot(...field.b0), field.summary.brmsUG));

  it('worker threads give bitwise the same end states as the calling thread (snapshots, sphere, landing steps)', async () => {
    const job: TrackJob = {
      field, rigidityPV, chargeSign: -1, origin: [3, -1, 2], directions: spiralDirections(40), stepPc: h,
      stop: { timesPc: [10.3 * h, 77.7 * h, 301.25 * h], sphereRadiusPc: 3 * rg },
    };
    const a = new CpuTracker({ threads: 0 });
    const b = createCpuTracker({ threads: 2 });
    try {
      const ra = await a.track(job);
      const rb = await b.track(job);
      for (let k = 0; k < 3; k++) {
        expect(rb.snapshots[k].positions).toEqual(ra.snapshots[k].positions);
        expect(rb.snapshots[k].directions).toEqual(ra.snapshots[k].directions);
      }
      expect(rb.sphere!.positions).toEqual(ra.sphere!.positions);
      expect(rb.sphere!.timesPc).toEqual(ra.sphere!.timesPc);
      expect(rb.particleSteps).toBe(ra.particleSteps);
      // and a second run of the same tracker repeats itself
      expect((await b.track(job)).snapshots[2].positions).toEqual(rb.snapshots[2].positions);
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  it('end states agree with a Boris loop over the direct sum to 1e-11 pc after 300 steps (before chaos amplifies round-off)', async () => {
    const dirs = spiralDirections(16);
    const origin: Vec3 = [5, 6, -7];
    const steps = 300;
    const tracker = new CpuTracker({ threads: 0 });
    const es = await tracker.track({ field, rigidityPV, chargeSign: -1, origin, directions: dirs, stepPc: h, stop: { timesPc: [steps * h] } });
    await tracker.dispose();
    const evaluate = createFieldEvaluator(field);
    const kappa = -rotationRatePerUGPerPc(rigidityPV);
    const b = new Float64Array(3);
    for (let p = 0; p < 16; p++) {
      let [x, y, z] = origin;
      let [ux, uy, uz] = [dirs[3 * p], dirs[3 * p + 1], dirs[3 * p + 2]];
      for (let n = 0; n < steps; n++) {
        const half = 0.5 * h;
        const xm = x + half * ux;
        const ym = y + half * uy;
        const zm = z + half * uz;
        evaluate(xm, ym, zm, b);
        [ux, uy, uz] = borisKick(ux, uy, uz, b, kappa * half);
        x = xm + half * ux;
        y = ym + half * uy;
        z = zm + half * uz;
      }
      const pos = es.snapshots[0].positions;
      expect(Math.hypot(pos[3 * p] - x, pos[3 * p + 1] - y, pos[3 * p + 2] - z)).toBeLessThan(1e-11);
    }
  });
});
