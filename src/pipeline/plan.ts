/**
 * Everything a sky-map run needs that follows from the config alone: launch directions of
 * the HEALPix pixels, snapshot times, step, Liouville model parameters, and which maps the run
 * makes. Realizations and shards all share one plan.
 */
import { GALACTIC_TO_EQUATORIAL, applyMat3, directionToUnitVector, type Frame } from '../config/frames.ts';
import { referenceGyroradiusPc, snapshotTimesPc, stepPc, validateRun } from '../config/derived.ts';
import type { Config } from '../config/schema.ts';
import { nside2npix, subPixelDirections } from '../analysis/healpix.ts';
import type { StopConditions } from '../sim/types.ts';
import type { Vec3 } from '../config/vec3.ts';
import { binConfig, configBins, validateSimulation, type SpectrumBin } from './spectrum.ts';

/** One sky map per snapshot time (fixed-time and dipole models) or one at the sphere. */
export interface MapSpec {
  /** File-name label: t00, t01, ... or sphere. */
  readonly label: string;
  /** Snapshot index in EndStates.snapshots, or -1 for the sphere crossings. */
  readonly snapshot: number;
  /** Back-tracking time of the snapshot, pc (NaN for the sphere). */
  readonly timePc: number;
  /** The same in units of 1/Omega. */
  readonly omegaT: number;
}

/** One rigidity bin of a spectrum run: the bin and the single-rigidity plan it is tracked with. */
export interface BinPlan extends SpectrumBin {
  readonly plan: RunPlan;
}

/**
 * What a run does. With particles.spectrum, `maps` are the combined (flux-weighted) maps, `spectrum`
 * holds each bin's own plan, and stop, stepPc and gyroradiusPc are those of the first bin.
 */
export interface RunPlan {
  readonly config: Config;
  readonly frame: Frame;
  readonly nside: number;
  readonly perPixel: number;
  readonly npix: number;
  /** 3·npix·k² launch directions in the simulation's equatorial axes, pixel-major, RING order. */
  readonly directions: Float64Array;
  readonly stop: StopConditions;
  readonly stepPc: number;
  readonly gyroradiusPc: number;
  readonly observer: Vec3;
  /** ∇φ/φ in pc^-1, equatorial axes. */
  readonly gradient: Vec3;
  /** Unit vector of B0 (null when B0 = 0). */
  readonly b0Direction: Vec3 | null;
  /** Homogeneous-dipole model: the dipole vector δ (equatorial axes). */
  readonly dipole: Vec3;
  readonly maps: readonly MapSpec[];
  /** Largest multipole of the C_l: 3·N_side − 1. */
  readonly lmax: number;
  /** The rigidity bins of a spectrum run, in increasing rigidity (absent for one rigidity). */
  readonly spectrum?: readonly BinPlan[];
}

function scaled(v: Vec3, s: number): Vec3 {
  return [v[0] * s, v[1] * s, v[2] * s];
}

/** Launch directions: pixel (sub-)centres in the map frame, rotated into equatorial axes. */
export function launchDirections(nside: number, k: number, frame: Frame): Float64Array {
  const d = subPixelDirections(nside, k);
  if (frame === 'equatorial') return d;
  for (let i = 0; i < d.length; i += 3) {
    const v = applyMat3(GALACTIC_TO_EQUATORIAL, [d[i], d[i + 1], d[i + 2]]);
    d[i] = v[0];
    d[i + 1] = v[1];
    d[i + 2] = v[2];
  }
  return d;
}

export function makePlan(config: Config): RunPlan {
  const bins = configBins(config);
  if (bins === null) {
    validateRun(config);
    return singlePlan(config);
  }
  validateSimulation(config);
  const directions = launchDirections(config.particles.nside, config.particles.perPixelSide, config.particles.frame);
  const spectrum = bins.map((b) => ({ ...b, plan: singlePlan(binConfig(config, b), directions) }));
  const first = spectrum[0].plan;
  // Map t_k of the combined sky: the same T in every bin (timesPc) or the same Ω·T (timesOmega).
  const samePc = config.tracking.timesOmega.length === 0;
  const maps = first.maps.map((s) => ({ ...s, timePc: samePc ? s.timePc : NaN, omegaT: samePc ? NaN : s.omegaT }));
  return { ...first, config, maps, spectrum };
}

/** The plan of a single-rigidity config (launch directions computed unless given). */
function singlePlan(config: Config, directions?: Float64Array): RunPlan {
  const p = config.particles;
  const times = snapshotTimesPc(config);
  const rg = referenceGyroradiusPc(config);
  const sphere = config.tracking.sphereRadiusPc;
  const stop: StopConditions = {
    timesPc: config.liouville.model === 'sphere' ? [] : times,
    ...(sphere !== undefined ? { sphereRadiusPc: sphere } : {}),
    ...(config.tracking.maxTimePc !== undefined ? { maxTimePc: config.tracking.maxTimePc } : {}),
  };
  const maps: MapSpec[] =
    config.liouville.model === 'sphere'
      ? [{ label: 'sphere', snapshot: -1, timePc: NaN, omegaT: NaN }]
      : times.map((t, k) => ({ label: `t${String(k).padStart(2, '0')}`, snapshot: k, timePc: t, omegaT: Number.isFinite(rg) ? t / rg : NaN }));
  const b0 = config.field.b0UG > 0 ? directionToUnitVector(config.field.b0Direction) : null;
  const lv = config.liouville;
  return {
    config,
    frame: p.frame,
    nside: p.nside,
    perPixel: p.perPixelSide * p.perPixelSide,
    npix: nside2npix(p.nside),
    directions: directions ?? launchDirections(p.nside, p.perPixelSide, p.frame),
    stop,
    stepPc: stepPc(config),
    gyroradiusPc: rg,
    observer: p.observerPc,
    gradient: scaled(directionToUnitVector(lv.gradient.direction), lv.gradient.magnitudePerPc),
    b0Direction: b0,
    dipole: scaled(directionToUnitVector(lv.dipole ?? lv.gradient.direction), lv.dipoleAmplitude),
    maps,
    lmax: 3 * p.nside - 1,
  };
}

/**
 * Physics the config allows but the model does not: a gradient so steep that |∇φ|/φ times the
 * distance a particle can travel (T, or the sphere radius) reaches 1, where f = φ + Δr·∇φ can go
 * negative; a homogeneous dipole of amplitude >= 1. One line per map, for the run's summary.
 */
export function planWarnings(plan: RunPlan): string[] {
  if (plan.spectrum) return plan.spectrum.flatMap((b) => planWarnings(b.plan).map((w) => `${b.label} (R = ${b.rigidityPV.toPrecision(4)} PV) ${w}`));
  const c = plan.config;
  const g = c.liouville.gradient.magnitudePerPc;
  const out: string[] = [];
  if (c.liouville.model === 'dipole') {
    if (c.liouville.dipoleAmplitude >= 1) out.push(`liouville.dipoleAmplitude = ${c.liouville.dipoleAmplitude} >= 1: the intensity 1 + δ·n goes negative`);
    return out;
  }
  for (const m of plan.maps) {
    const reach = Number.isFinite(m.timePc) ? m.timePc : (c.tracking.sphereRadiusPc ?? 0);
    const what = Number.isFinite(m.timePc) ? `T = ${reach.toPrecision(4)} pc` : `sphere radius ${reach} pc`;
    if (g * reach >= 1) {
      out.push(
        `[${m.label}] |∇φ|/φ · ${Number.isFinite(m.timePc) ? 'T' : 'R'} = ${(g * reach).toPrecision(3)} >= 1 (${what}): the intensity of the gradient model can go negative; lower liouville.gradient.magnitudePerPc or the ${Number.isFinite(m.timePc) ? 'time' : 'radius'}`,
      );
    }
  }
  return out;
}
