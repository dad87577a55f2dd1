/**
 * Running diffusion tensor D_ij(t) = <Δx_i Δx_j> / (2t) from snapshots (review Eq. 53 for
 * the tensor; time t is path length c·t in pc, so D comes out in pc, i.e. units of c·pc).
 *
 * Particles launched from one point in one field realization are not independent, so the
 * statistical error comes from the scatter between realizations when there are several; with a
 * single realization it falls back to the particle scatter, which underestimates it (the result
 * says which one it used).
 */
import { C_M_PER_S, PC_IN_M } from '../config/units.ts';

/** 1 pc·c in cm²/s: D[cm²/s] = D[pc] · this. */
export const PC_C_IN_CM2_PER_S = PC_IN_M * 100 * C_M_PER_S * 100;

export interface DiffusionSample {
  readonly timePc: number;
  /** 3N positions at timePc. */
  readonly positions: Float64Array;
}

export interface DiffusionRealization {
  /** 3N start positions, or one point shared by all particles. */
  readonly start: Float64Array | readonly [number, number, number];
  readonly snapshots: readonly DiffusionSample[];
}

export interface DiffusionRow {
  readonly timePc: number;
  /** D along b̂ (the B0 direction; z when B0 = 0), pc. */
  readonly parallelPc: number;
  readonly parallelErrPc: number;
  /** D perpendicular to b̂, averaged over the two transverse axes, pc. */
  readonly perpendicularPc: number;
  readonly perpendicularErrPc: number;
  /** Trace / 3, pc. */
  readonly isotropicPc: number;
  readonly isotropicErrPc: number;
  /** Full symmetric tensor, row-major 3x3, pc. */
  readonly tensorPc: Float64Array;
  readonly particles: number;
  readonly realizations: number;
  /** 'realizations' when the error is the scatter between realizations, else 'particles'. */
  readonly errorFrom: 'realizations' | 'particles';
}

const N_EST = 9;

function displacementEstimators(
  start: Float64Array | readonly [number, number, number],
  pos: Float64Array,
  i: number,
  t: number,
  b: readonly [number, number, number],
  out: Float64Array,
): void {
  const s = start.length === 3 ? 0 : 3 * i;
  const dx = pos[3 * i] - start[s];
  const dy = pos[3 * i + 1] - start[s + 1];
  const dz = pos[3 * i + 2] - start[s + 2];
  const par = dx * b[0] + dy * b[1] + dz * b[2];
  const r2 = dx * dx + dy * dy + dz * dz;
  const k = 1 / (2 * t);
  out[0] = par * par * k;
  out[1] = ((r2 - par * par) * k) / 2;
  out[2] = (r2 * k) / 3;
  out[3] = dx * dx * k;
  out[4] = dx * dy * k;
  out[5] = dx * dz * k;
  out[6] = dy * dy * k;
  out[7] = dy * dz * k;
  out[8] = dz * dz * k;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

function standardError(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(v / xs.length);
}

/**
 * The running diffusion coefficients at every snapshot time common to all realizations.
 * `b0Direction` is the unit vector of B0, or null for B0 = 0 (then "parallel" means z).
 */
export function runningDiffusion(
  realizations: readonly DiffusionRealization[],
  b0Direction: readonly [number, number, number] | null,
): DiffusionRow[] {
  if (realizations.length === 0) throw new Error('runningDiffusion: no realizations');
  const b = b0Direction ?? ([0, 0, 1] as const);
  const times = realizations[0].snapshots.map((s) => s.timePc);
  for (const r of realizations) {
    if (r.snapshots.length !== times.length || r.snapshots.some((s, k) => s.timePc !== times[k])) {
      throw new Error('runningDiffusion: all realizations need the same snapshot times');
    }
  }
  const est = new Float64Array(N_EST);
  return times.map((t, k) => {
    const groupMeans: Float64Array[] = [];
    const perParticle: number[][] = Array.from({ length: N_EST }, () => []);
    let particles = 0;
    for (const r of realizations) {
      const pos = r.snapshots[k].positions;
      const n = pos.length / 3;
      const sums = new Float64Array(N_EST);
      for (let i = 0; i < n; i++) {
        displacementEstimators(r.start, pos, i, t, b, est);
        for (let e = 0; e < N_EST; e++) {
          sums[e] += est[e];
          perParticle[e].push(est[e]);
        }
      }
      for (let e = 0; e < N_EST; e++) sums[e] /= n;
      groupMeans.push(sums);
      particles += n;
    }
    const byRealization = realizations.length > 1;
    const value = (e: number) => mean(perParticle[e]);
    const error = (e: number) => (byRealization ? standardError(groupMeans.map((g) => g[e])) : standardError(perParticle[e]));
    return {
      timePc: t,
      parallelPc: value(0),
      parallelErrPc: error(0),
      perpendicularPc: value(1),
      perpendicularErrPc: error(1),
      isotropicPc: value(2),
      isotropicErrPc: error(2),
      tensorPc: Float64Array.from([value(3), value(4), value(5), value(4), value(6), value(7), value(5), value(7), value(8)]),
      particles,
      realizations: realizations.length,
      errorFrom: byRealization ? 'realizations' : 'particles',
    };
  });
}
