/**
 * Track jobs and end states as plain arrays, the form page.evaluate() carries between Node and the
 * page (typed arrays become number[]; NaN, for particles that never crossed the sphere, survives).
 * Imported by both sides, so nothing here may use Node APIs.
 */
import type { FieldData, FieldSummary } from '../../src/turbulence/field.ts';
import type { BackendName, EndStates, StopConditions, TrackJob } from '../../src/sim/types.ts';
import type { Vec3 } from '../../src/config/vec3.ts';

export type WireTurbulence =
  | { readonly kind: 'modes'; readonly table: number[] }
  | { readonly kind: 'grid'; readonly n: number; readonly spacingPc: number; readonly data: number[] };

export interface WireJob {
  readonly field: { readonly b0: Vec3; readonly turbulence: WireTurbulence | null; readonly summary: FieldSummary };
  readonly rigidityPV: number;
  readonly chargeSign: 1 | -1;
  readonly origin: Vec3;
  readonly directions: number[];
  readonly stepPc: number;
  readonly stop: StopConditions;
}

export interface WireEndStates {
  readonly count: number;
  readonly snapshots: { readonly timePc: number; readonly positions: number[]; readonly directions: number[] }[];
  readonly sphere: { readonly radiusPc: number; readonly positions: number[]; readonly directions: number[]; readonly timesPc: number[] } | null;
  readonly particleSteps: number;
  readonly backend: BackendName;
  readonly device: string;
}

export function jobToWire(job: TrackJob): WireJob {
  const t = job.field.turbulence;
  const turbulence: WireTurbulence | null =
    t === null ? null : t.kind === 'modes' ? { kind: 'modes', table: Array.from(t.table) } : { kind: 'grid', n: t.n, spacingPc: t.spacingPc, data: Array.from(t.data) };
  return { ...job, field: { b0: job.field.b0, turbulence, summary: job.field.summary }, directions: Array.from(job.directions) };
}

export function jobFromWire(w: WireJob): TrackJob {
  const t = w.field.turbulence;
  const field: FieldData = {
    b0: w.field.b0,
    summary: w.field.summary,
    turbulence:
      t === null ? null : t.kind === 'modes' ? { kind: 'modes', table: new Float64Array(t.table) } : { kind: 'grid', n: t.n, spacingPc: t.spacingPc, data: new Float32Array(t.data) },
  };
  return { ...w, field, directions: new Float64Array(w.directions) };
}

export function endStatesToWire(e: EndStates): WireEndStates {
  return {
    count: e.count,
    snapshots: e.snapshots.map((s) => ({ timePc: s.timePc, positions: Array.from(s.positions), directions: Array.from(s.directions) })),
    sphere: e.sphere && { radiusPc: e.sphere.radiusPc, positions: Array.from(e.sphere.positions), directions: Array.from(e.sphere.directions), timesPc: Array.from(e.sphere.timesPc) },
    particleSteps: e.particleSteps,
    backend: e.backend,
    device: e.device,
  };
}

export function endStatesFromWire(w: WireEndStates): EndStates {
  return {
    count: w.count,
    snapshots: w.snapshots.map((s) => ({ timePc: s.timePc, positions: new Float64Array(s.positions), directions: new Float64Array(s.directions) })),
    sphere: w.sphere && {
      radiusPc: w.sphere.radiusPc,
      positions: new Float64Array(w.sphere.positions),
      directions: new Float64Array(w.sphere.directions),
      timesPc: new Float64Array(w.sphere.timesPc),
    },
    particleSteps: w.particleSteps,
    backend: w.backend,
    device: w.device,
  };
}
