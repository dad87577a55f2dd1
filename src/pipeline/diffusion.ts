/**
 * The diffusion measurement: particles launched isotropically from the observer in each field
 * realization, snapshots at log-spaced times, running diffusion tensor D_ij(t) parallel and
 * perpendicular to B0. In memory; `crsky diffusion` prints and writes the table. The particles
 * are cosmic rays of charge `particles.charge` followed forward in time (sky maps follow the same
 * cosmic ray backward, i.e. its antiparticle): the symmetric tensor is the same either way.
 */
import { ConfigError } from '../config/errors.ts';
import { configReferenceFieldUG, integrationChargeSign, referenceGyroradiusPc, stepPc } from '../config/derived.ts';
import { fieldSeed, launchSeed } from '../config/seeds.ts';
import type { Config } from '../config/schema.ts';
import { rigidityForGyroradiusPV } from '../config/units.ts';
import { createField, type FieldInputs } from '../turbulence/create.ts';
import type { FieldData, FieldSummary } from '../turbulence/field.ts';
import { isotropicDirections, logSpacedTimes } from '../sim/launch.ts';
import type { Tracker } from '../sim/types.ts';
import { runningDiffusion, type DiffusionRealization, type DiffusionRow } from '../analysis/diffusion.ts';
import { checkFieldInputs } from './fieldInputs.ts';
import { checkDiffusionEstimate, estimateDiffusion, type DiffusionOptionNames, type RunLimits } from './estimate.ts';
import type { RunProgress } from './progress.ts';

export interface DiffusionOptions {
  /** Particles per realization, launched isotropically. */
  readonly particles: number;
  /**
   * Set the rigidity so that r_g (in |B0|, or B_rms if B0 = 0) = this × L_c of the first
   * realization's modes (FieldSummary.correlationLengthPc, not the continuous-spectrum value).
   */
  readonly rgOverLc?: number;
  /** First and last snapshot time, pc (defaults L_c/10 and 100 L_c, or r_g-based without turbulence). */
  readonly tMinPc?: number;
  readonly tMaxPc?: number;
  /** Number of log-spaced snapshot times. */
  readonly nTimes: number;
  readonly inputs?: FieldInputs;
  readonly onProgress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
}

export interface DiffusionResult {
  readonly rows: DiffusionRow[];
  /** The config that ran (with the rigidity --rg-over-lc chose). */
  readonly config: Config;
  readonly field: FieldSummary;
  readonly stepPc: number;
  readonly gyroradiusPc: number;
  readonly backend: string;
  readonly device: string;
  readonly particleSteps: number;
  readonly seconds: number;
}

/** What a diffusion run does, known before any tracking: checked first, so bad input costs nothing. */
export interface DiffusionPlan {
  /** The config that runs (with the rigidity rgOverLc chose). */
  readonly config: Config;
  readonly inputs: FieldInputs;
  /** Realization 0's field (its L_c sets the default times and rgOverLc). */
  readonly first: FieldData;
  readonly timesPc: readonly number[];
  readonly stepPc: number;
  readonly gyroradiusPc: number;
}

/** What planDiffusion checks the run against: particles per realization, a memory limit, option names for messages. */
export interface DiffusionChecks {
  readonly particles?: number;
  readonly limits?: RunLimits;
  readonly names?: DiffusionOptionNames;
}

const API_NAMES: DiffusionOptionNames = { prefix: 'diffusion: ', particles: 'particles', nTimes: 'nTimes', tMax: 'tMaxPc' };

export function planDiffusion(config: Config, opts: Pick<DiffusionOptions, 'rgOverLc' | 'tMinPc' | 'tMaxPc' | 'nTimes' | 'inputs'> & DiffusionChecks): DiffusionPlan {
  if (config.particles.spectrum !== undefined) {
    throw new ConfigError(`config: particles.spectrum = {kind: "${config.particles.spectrum.kind}", ...}: diffusion runs one rigidity (particles.rigidityPV); remove the spectrum`);
  }
  const inputs = opts.inputs ?? {};
  checkFieldInputs(config, inputs);
  const first = createField(config.field, fieldSeed(config.seed, 0), inputs);
  const lc = first.summary.correlationLengthPc;
  let cfg = config;
  if (opts.rgOverLc !== undefined) {
    if (!(lc > 0)) throw new ConfigError('--rg-over-lc needs turbulence (field.turbulence.brmsUG > 0) to define L_c');
    const rigidityPV = rigidityForGyroradiusPV(opts.rgOverLc * lc, configReferenceFieldUG(cfg));
    cfg = { ...cfg, particles: { ...cfg.particles, rigidityPV } };
  }
  const rg = referenceGyroradiusPc(cfg);
  const h = stepPc(cfg);
  const scale = lc > 0 ? lc : rg;
  const tMin = opts.tMinPc ?? scale / 10;
  const tMax = opts.tMaxPc ?? 100 * scale;
  if (!(tMin <= tMax)) throw new ConfigError(`--tmin ${tMin} pc: must be <= --tmax ${tMax} pc (defaults: L_c/10 and 100 L_c)`);
  // before the times array: --nt 1e9 must be refused, not allocated
  const est = estimateDiffusion(cfg, opts.particles ?? 1, opts.nTimes, tMax, h);
  checkDiffusionEstimate(est, opts.names ?? API_NAMES, opts.limits);
  return { config: cfg, inputs, first, timesPc: logSpacedTimes(tMin, tMax, opts.nTimes), stepPc: h, gyroradiusPc: rg };
}

/** Tracks every realization of the plan and computes the running diffusion tensor. */
export async function runDiffusion(plan: DiffusionPlan, tracker: Tracker, opts: Pick<DiffusionOptions, 'particles' | 'onProgress' | 'signal'>): Promise<DiffusionResult> {
  const cfg = plan.config;
  const t0 = performance.now();
  let steps = 0;
  const realizations: DiffusionRealization[] = [];
  for (let r = 0; r < cfg.realizations; r++) {
    const field = r === 0 ? plan.first : createField(cfg.field, fieldSeed(cfg.seed, r), plan.inputs);
    const es = await tracker.track(
      {
        field,
        rigidityPV: cfg.particles.rigidityPV,
        // the cosmic ray itself, forward in time (docs/physics.md Sec. 2)
        chargeSign: integrationChargeSign(cfg.particles.charge, 'forward'),
        origin: cfg.particles.observerPc,
        directions: isotropicDirections(opts.particles, launchSeed(cfg.seed, r)),
        stepPc: plan.stepPc,
        stop: { timesPc: plan.timesPc },
      },
      (p) => opts.onProgress?.({ done: r + p.fraction, total: cfg.realizations, particleSteps: steps + p.particleSteps, seconds: (performance.now() - t0) / 1000 }),
      opts.signal,
    );
    steps += es.particleSteps;
    realizations.push({ start: cfg.particles.observerPc, snapshots: es.snapshots });
  }
  const [bx, by, bz] = plan.first.b0;
  const b0 = Math.hypot(bx, by, bz);
  return {
    rows: runningDiffusion(realizations, b0 > 0 ? [bx / b0, by / b0, bz / b0] : null),
    config: cfg,
    field: plan.first.summary,
    stepPc: plan.stepPc,
    gyroradiusPc: plan.gyroradiusPc,
    backend: tracker.backend,
    device: tracker.device,
    particleSteps: steps,
    seconds: (performance.now() - t0) / 1000,
  };
}
