/**
 * What trilinear interpolation (evaluate.ts) does to the statistics of a grid field, predicted
 * from the node field's k-space power (measure.ts gridPower).
 *
 * Interpolating the node values of a mode e^{ik·x} with the tent kernel gives
 *   Σ_G T(k+G) e^{i(k+G)·x},  T(q) = Π_d sinc^2(q_d h/2),  G in the reciprocal lattice (2π/h)·Z^3.
 * Averaged over positions the cross terms between different G vanish, so mode k contributes
 * p_k·Σ_G T(k+G)^2 to <|dB|^2> and p_k·Σ_G T(k+G)^2·sin(|k+G|r)/(|k+G|r) to the direction-averaged
 * trace correlation. Per axis, Σ_m sinc^4(θ + πm) = 1 - (2/3)sin^2 θ in closed form.
 */
import type { GridSpec } from './grid.ts';
import { signedIndex } from './measure.ts';

/** Mean |dB|^2 of the interpolated field over the box divided by its mean over the nodes. */
export function trilinearVarianceRatio(power: Float64Array, spec: GridSpec): number {
  const { n } = spec;
  // per-axis factor 1 - (2/3) sin^2(k_d h/2), with k_d h/2 = π·index/n
  const axis = Float64Array.from({ length: n }, (_, i) => 1 - (2 / 3) * Math.sin((Math.PI * signedIndex(i, n)) / n) ** 2);
  let total = 0;
  let kept = 0;
  for (let i = 0; i < power.length; i++) {
    total += power[i];
    kept += power[i] * axis[i % n] * axis[Math.floor(i / n) % n] * axis[Math.floor(i / (n * n))];
  }
  return kept / total;
}

export interface TrilinearCorrelation {
  /** 2∫_0^∞ <dB_I(x)·dB_I(x+r)> dr / <|dB|^2>_nodes of the interpolated field dB_I, pc. */
  readonly interpolatedPc: number;
  /** The same for the node field itself (π Σ p/|k| / Σ p), pc. */
  readonly nodalPc: number;
  /**
   * Bound on |interpolatedPc - the same integral cut at rMaxPc|: each term's π/(2q) changes by at
   * most (1/q^2 rMax)·sqrt(1 + 1/(q rMax)^2) (auxiliary-function bound on π/2 - Si). 0 if no rMax.
   */
  readonly truncationBoundPc: number;
  /** Upper bound on the aliases |G_d| > aliases·2π/h left out of interpolatedPc, pc. */
  readonly aliasBoundPc: number;
}

/**
 * Correlation integral of the interpolated field, keeping aliases with |G_d| <= aliases·2π/h
 * (the rest is bounded in aliasBoundPc: there |k+G| > (2·aliases + 1)π/h and their total weight
 * follows from the closed-form sum).
 */
export function trilinearCorrelationLength(power: Float64Array, spec: GridSpec, options: { rMaxPc?: number; aliases?: number } = {}): TrilinearCorrelation {
  const { n, spacingPc: h } = spec;
  const aliases = options.aliases ?? 2;
  const rMax = options.rMaxPc ?? Infinity;
  const dk = (2 * Math.PI) / (n * h);
  const g = (2 * Math.PI) / h;
  const t2 = (q: number): number => {
    const t = (q * h) / 2;
    return t === 0 ? 1 : (Math.sin(t) / t) ** 4;
  };
  const axisTotal = (i: number): number => 1 - (2 / 3) * Math.sin((Math.PI * signedIndex(i, n)) / n) ** 2;
  const total = power.reduce((s, p) => s + p, 0);
  // Points outside the band hold only float32 round-off (~1e-15 of the total); each is bounded by
  // p/|k| (Σ_G T^2 <= 1, |k+G| >= |k|) and added to aliasBoundPc instead of being expanded.
  const negligible = 1e-12 * total;
  let nodal = 0;
  let sum = 0;
  let cut = 0;
  let alias = 0;
  for (let i = 0; i < power.length; i++) {
    const p = power[i];
    const ia = i % n;
    const ib = Math.floor(i / n) % n;
    const ic = Math.floor(i / (n * n));
    const kx = dk * signedIndex(ia, n);
    const ky = dk * signedIndex(ib, n);
    const kz = dk * signedIndex(ic, n);
    const k = Math.hypot(kx, ky, kz);
    if (k === 0 || p === 0) continue;
    nodal += p / k;
    if (p < negligible) {
      alias += p / k;
      continue;
    }
    let weight = 0;
    for (let mx = -aliases; mx <= aliases; mx++) {
      const qx = kx + mx * g;
      const wx = t2(qx);
      for (let my = -aliases; my <= aliases; my++) {
        const qy = ky + my * g;
        const wxy = wx * t2(qy);
        for (let mz = -aliases; mz <= aliases; mz++) {
          const qz = kz + mz * g;
          const w = wxy * t2(qz);
          const q = Math.hypot(qx, qy, qz);
          weight += w;
          sum += (p * w) / q;
          if (Number.isFinite(rMax)) {
            const x = q * rMax;
            cut += (p * w * Math.sqrt(1 + 1 / (x * x))) / (q * x);
          }
        }
      }
    }
    const left = Math.max(0, axisTotal(ia) * axisTotal(ib) * axisTotal(ic) - weight);
    alias += (p * left * h) / ((2 * aliases + 1) * Math.PI);
  }
  const scale = Math.PI / total;
  return {
    interpolatedPc: sum * scale,
    nodalPc: nodal * scale,
    truncationBoundPc: (2 * cut) / total,
    aliasBoundPc: alias * scale,
  };
}
