/**
 * The fixed-time Liouville model (docs/physics.md Sec. 4, model 1) evaluated for several
 * gradients on the same back-tracked trajectories, as Ahlers & Mertsch 2015 (review Fig. 14/15)
 * do for a gradient parallel and perpendicular to B0. Per realization, snapshot and gradient:
 * the C_l of I − 1 (with C_0 replaced by the Eq. 67 monopole, see below), the low-l a_lm for
 * the ensemble-mean ("standard diffusion") spectrum, both noise levels, both sides of the sum
 * rule (Eq. 69) and the dipole. The ensemble statistics are in fixedTimeStats.ts.
 *
 * C_0: crsky's maps are I = f/⟨f⟩_sky (mean 1 by construction). The review's Fig. 14 monopole is
 * that of 4πf/φ − 1 before this normalization (Eq. 67 with P_0 = 1): 4π(m − 1)², m the sky mean
 * of 4πf/φ, i.e. the realization-to-realization fluctuation of the local density. The l ≥ 1
 * values are those of I − 1, as in `crsky simulate` (they differ from 4πf/φ − 1 by the factor
 * m², here within 1 % of 1).
 */
import { integrationChargeSign } from '../../config/derived.ts';
import { fieldSeed, noiseSeed } from '../../config/seeds.ts';
import type { Config } from '../../config/schema.ts';
import type { Vec3 } from '../../config/vec3.ts';
import { createField } from '../../turbulence/create.ts';
import type { Tracker } from '../../sim/types.ts';
import { dipoleFromAlm } from '../../analysis/dipole.ts';
import { backtrackingNoiseLevel } from '../../analysis/ensemble.ts';
import { alm2cl, almIndex, anafast, map2alm } from '../../analysis/harmonics.ts';
import { fixedTimeDensity, measuredDiffusionTensor, pixelMeans } from '../../analysis/liouville.ts';
import { relativeDiffusionTensor } from '../../analysis/theory/sumRule.ts';
import { makePlan, type RunPlan } from '../plan.ts';
import { sumRuleOfMap } from '../sumRule.ts';
import { shuffledSky, whiteLevel } from '../realization.ts';

/** A gradient g = ∇φ/φ (pc⁻¹, equatorial axes) with a name. */
export interface GradientCase {
  readonly label: string;
  readonly gradient: Vec3;
}

/** The numbers of one map (one gradient at one snapshot of one realization). */
export interface GradientMap {
  /** C_l of I − 1 for l ≥ 1; index 0 holds 4π(m − 1)² (Eq. 67 monopole). */
  readonly cl: Float64Array;
  /** a_lm of I − 1 for l ≤ LOW_LMAX, healpy order for that lmax, interleaved re/im. */
  readonly almLow: Float64Array;
  /** Shuffled-sky white level and Eq. 71 with the measured K. */
  readonly noise: number;
  readonly noiseEq71: number;
  /** Eq. 69: (1/4π)Σ_{l≥1}(2l+1)C_l and 2T K̃_ij g_i g_j. */
  readonly sumRuleLhs: number;
  readonly sumRuleRhs: number;
  /**
   * The sky variance of I over the pixels, (1/N_pix)Σ(I − 1)²: the Eq. 69 left side summed over
   * all l. The C_l sum stops at l = 3N_side − 1, which holds only 9N_side² of the 12N_side²
   * pixel degrees of freedom, i.e. 3/4 of the power of white pixel noise.
   */
  readonly sumRulePixels: number;
  /** Dipole vector of I (equatorial axes). */
  readonly dipole: Vec3;
  /** Sky mean m of 4πf/φ. */
  readonly mean: number;
}

interface SnapshotNumbers {
  readonly timePc: number;
  /** Measured K∥, K⊥ (pc) of the symmetric running tensor, and K̃ (Eq. 70), row-major 3×3. */
  readonly kParallelPc: number;
  readonly kPerpendicularPc: number;
  readonly kTilde: Float64Array;
  /** One per gradient case. */
  readonly maps: readonly GradientMap[];
}

interface FixedTimeRealization {
  readonly index: number;
  readonly particleSteps: number;
  readonly seconds: number;
  readonly snapshots: readonly SnapshotNumbers[];
}

export interface FixedTimeRun {
  readonly config: Config;
  readonly plan: RunPlan;
  readonly gradients: readonly GradientCase[];
  readonly realizations: readonly FixedTimeRealization[];
  readonly backend: string;
  readonly device: string;
  readonly particleSteps: number;
  readonly seconds: number;
}

/** a_lm kept per map for the ensemble-mean spectrum (the dipole and a few more). */
export const LOW_LMAX = 12;

interface FixedTimeOptions {
  readonly onProgress?: (done: number, total: number, particleSteps: number, seconds: number) => void;
  readonly signal?: AbortSignal;
}

function lowAlm(alm: Float64Array, lmax: number): Float64Array {
  const top = Math.min(LOW_LMAX, lmax);
  const out = new Float64Array(2 * ((LOW_LMAX + 1) * (LOW_LMAX + 2)) / 2);
  for (let m = 0; m <= top; m++) {
    for (let l = m; l <= top; l++) {
      const src = 2 * almIndex(l, m, lmax);
      const dst = 2 * almIndex(l, m, LOW_LMAX);
      out[dst] = alm[src];
      out[dst + 1] = alm[src + 1];
    }
  }
  return out;
}

function gradientMap(plan: RunPlan, f: Float64Array, g: Vec3, timePc: number, k: Float64Array, kTilde: Float64Array, shuffleSeed: string): GradientMap {
  const pm = pixelMeans(f, plan.perPixel);
  let m = 0;
  for (const v of pm) m += v;
  m /= pm.length;
  const intensity = pm.map((v) => v / m);
  const alm = map2alm(
    intensity.map((v) => v - 1),
    { lmax: plan.lmax },
  );
  const cl = alm2cl(alm);
  cl[0] = 4 * Math.PI * (m - 1) ** 2;
  const noiseMap = shuffledSky(f, intensity, plan.perPixel, shuffleSeed);
  const sumRule = sumRuleOfMap(intensity, cl, timePc, kTilde, g);
  return {
    cl,
    almLow: lowAlm(alm, plan.lmax),
    noise: whiteLevel(anafast(noiseMap, { lmax: plan.lmax })),
    noiseEq71: backtrackingNoiseLevel({ npix: plan.npix, timePc, diffusionTensor: k, gradient: g, particlesPerPixel: plan.perPixel }),
    sumRuleLhs: sumRule.lhs,
    sumRuleRhs: sumRule.rhs,
    sumRulePixels: sumRule.pixels,
    dipole: dipoleFromAlm(alm),
    mean: m,
  };
}

/**
 * Runs config.realizations realizations of a fixed-time config (its gradient is ignored; the
 * cases are) and returns every map's numbers. K in the Fick term is the measured one.
 */
export async function runFixedTime(config: Config, gradients: readonly GradientCase[], tracker: Tracker, opts: FixedTimeOptions = {}): Promise<FixedTimeRun> {
  if (config.liouville.model !== 'fixed-time') throw new Error('runFixedTime: needs liouville.model = "fixed-time"');
  const plan = makePlan(config);
  const t0 = performance.now();
  let steps = 0;
  const out: FixedTimeRealization[] = [];
  let backend: string = tracker.backend;
  let device = tracker.device;
  const R = config.realizations;
  for (let r = 0; r < R; r++) {
    const tr = performance.now();
    const field = createField(config.field, fieldSeed(config.seed, r));
    const es = await tracker.track(
      {
        field,
        rigidityPV: config.particles.rigidityPV,
        chargeSign: integrationChargeSign(config.particles.charge, 'backward'),
        origin: plan.observer,
        directions: plan.directions,
        stepPc: plan.stepPc,
        stop: plan.stop,
      },
      (p) => opts.onProgress?.(r + p.fraction, R, steps + p.particleSteps, (performance.now() - t0) / 1000),
      opts.signal,
    );
    steps += es.particleSteps;
    backend = es.backend;
    device = es.device;
    const snapshots = es.snapshots.map((snap, k) => {
      const kt = measuredDiffusionTensor(snap, plan.observer, plan.b0Direction);
      const kTilde = relativeDiffusionTensor(snap.positions, snap.timePc);
      const maps = gradients.map((gc, gi) =>
        gradientMap(plan, fixedTimeDensity(snap, plan.observer, gc.gradient, kt.tensor), gc.gradient, snap.timePc, kt.tensor, kTilde, `${noiseSeed(config.seed, r)}:${k}:${gi}`),
      );
      return { timePc: snap.timePc, kParallelPc: kt.parallelPc, kPerpendicularPc: kt.perpendicularPc, kTilde, maps };
    });
    out.push({ index: r, particleSteps: es.particleSteps, seconds: (performance.now() - tr) / 1000, snapshots });
    opts.onProgress?.(r + 1, R, steps, (performance.now() - t0) / 1000);
  }
  return { config, plan, gradients, realizations: out, backend, device, particleSteps: steps, seconds: (performance.now() - t0) / 1000 };
}
