/**
 * The sum rule of review Eq. 69 as a check every fixed-time map reports (docs/physics.md Sec. 8.3):
 * the sky variance of I, from the C_l ((1/4π)Σ_{l=1}^{lmax}(2l+1)C_l) and over the pixels (all l),
 * against 2T K̃_ij g_i g_j with K̃ the covariance of the same particles' end positions over 2T.
 * The two sides differ by the Fick term (−3p̂·K·g, falling as 1/T relative to the rest), the
 * renormalization I = f/⟨f⟩, and, for the C_l sum, the power above lmax = 3N_side − 1, which
 * holds 1/4 of white pixel noise.
 */
import type { Vec3 } from '../config/vec3.ts';
import type { EndStates } from '../sim/types.ts';
import { relativeDiffusionTensor, sumRulePrediction, sumRuleVariance } from '../analysis/theory/sumRule.ts';
import type { MapSpec, RunPlan } from './plan.ts';

export interface SumRule {
  /** (1/4π) Σ_{l≥1}^{lmax} (2l+1) C_l. */
  readonly lhs: number;
  /** (1/N_pix) Σ_p (I_p − 1)²: the same summed over all l. */
  readonly pixels: number;
  /** 2T K̃_ij g_i g_j. */
  readonly rhs: number;
}

/** The three sides of the sum rule of a map I (mean 1) with its C_l, at time T with K̃ and gradient g. */
export function sumRuleOfMap(map: Float64Array, cl: ArrayLike<number>, timePc: number, kTilde: ArrayLike<number>, gradient: Vec3): SumRule {
  let pixels = 0;
  for (const v of map) pixels += (v - 1) ** 2;
  return {
    lhs: sumRuleVariance(cl),
    pixels: pixels / map.length,
    rhs: sumRulePrediction(timePc, kTilde, gradient),
  };
}

/** The sum rule of one map, or null where it does not apply (sphere crossings, the dipole model). */
export function sumRuleOf(plan: RunPlan, es: EndStates, spec: MapSpec, map: Float64Array, cl: ArrayLike<number>): SumRule | null {
  if (spec.snapshot < 0 || plan.config.liouville.model !== 'fixed-time') return null;
  const snap = es.snapshots[spec.snapshot];
  return sumRuleOfMap(map, cl, snap.timePc, relativeDiffusionTensor(snap.positions, snap.timePc), plan.gradient);
}
