/**
 * Quantities that follow from a config alone (no field realization needed): the reference
 * field, gyroradius, default step, snapshot times in pc.
 */
import type { Config } from './schema.ts';
import { gyroradiusPc } from './units.ts';

/** |B0| if non-zero, else B_rms: the field that defines r_g and Omega (PHYSICS.md). */
export function referenceFieldUG(cfg: Config): number {
  return cfg.field.b0UG > 0 ? cfg.field.b0UG : cfg.field.turbulence.brmsUG;
}

/** sqrt(B0^2 + B_rms^2): typical local |B|, which sets the default step. */
export function rmsFieldUG(cfg: Config): number {
  return Math.hypot(cfg.field.b0UG, cfg.field.turbulence.brmsUG);
}

/** Gyroradius in the reference field, pc (Omega = 1 / this). */
export function referenceGyroradiusPc(cfg: Config): number {
  const b = referenceFieldUG(cfg);
  if (!(b > 0)) throw new Error('field: b0UG and turbulence.brmsUG are both 0; the gyroradius is undefined');
  return gyroradiusPc(cfg.particles.rigidityPV, b);
}

/** Smallest turbulent wavelength, pc (Infinity without turbulence). */
export function smallestScalePc(cfg: Config): number {
  return cfg.field.turbulence.brmsUG > 0 ? cfg.field.turbulence.spectrum.lMinPc : Infinity;
}

/**
 * Step in pc: the configured one, else min(r_g/20, lMin/4) with r_g in the rms total field, so a
 * gyration takes >= 125 steps and the smallest mode >= 4 steps per wavelength.
 */
export function stepPc(cfg: Config): number {
  if (cfg.tracking.stepPc !== undefined) return cfg.tracking.stepPc;
  const b = rmsFieldUG(cfg);
  const rg = b > 0 ? gyroradiusPc(cfg.particles.rigidityPV, b) : Infinity;
  const step = Math.min(rg / 20, smallestScalePc(cfg) / 4);
  if (!Number.isFinite(step)) {
    throw new Error('tracking.stepPc: no field to derive a step from (B = 0); give tracking.stepPc explicitly');
  }
  return step;
}

/** All snapshot times in pc, ascending and de-duplicated: timesPc plus timesOmega / Omega. */
export function snapshotTimesPc(cfg: Config): number[] {
  const fromOmega = cfg.tracking.timesOmega.length > 0 ? cfg.tracking.timesOmega.map((w) => w * referenceGyroradiusPc(cfg)) : [];
  const all = [...cfg.tracking.timesPc, ...fromOmega].sort((a, b) => a - b);
  return all.filter((t, i) => i === 0 || t > all[i - 1]);
}
