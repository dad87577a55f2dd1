/**
 * Quantities that follow from a config alone (no field realization needed): the reference
 * field, gyroradius, default step, snapshot times in pc.
 */
import { ConfigError } from './errors.ts';
import type { Config } from './schema.ts';
import { gyroradiusPc, referenceFieldUG, rmsFieldUG } from './units.ts';

/** The config's reference field (units.ts referenceFieldUG), uG. */
export function configReferenceFieldUG(cfg: Config): number {
  return referenceFieldUG(cfg.field.b0UG, cfg.field.turbulence.brmsUG);
}

function configRmsFieldUG(cfg: Config): number {
  return rmsFieldUG(cfg.field.b0UG, cfg.field.turbulence.brmsUG);
}

/** Gyroradius in the reference field, pc (Omega = 1 / this). */
export function referenceGyroradiusPc(cfg: Config): number {
  const b = configReferenceFieldUG(cfg);
  // B = 0 everywhere (straight lines, e.g. the sign test of the Liouville models): r_g = ∞.
  return b > 0 ? gyroradiusPc(cfg.particles.rigidityPV, b) : Infinity;
}

/**
 * σ in the equation of motion du/ds = σ u × B/(1.081 R) (docs/physics.md Sec. 2). `charge` is
 * always the cosmic ray's own charge: following it forward in time (`crsky diffusion`) integrates
 * σ = charge; following it back in time (sky maps) integrates its antiparticle, σ = −charge.
 */
export function integrationChargeSign(charge: 1 | -1, direction: 'forward' | 'backward'): 1 | -1 {
  return direction === 'forward' ? charge : charge === 1 ? -1 : 1;
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
  const b = configRmsFieldUG(cfg);
  const rg = b > 0 ? gyroradiusPc(cfg.particles.rigidityPV, b) : Infinity;
  const step = Math.min(rg / 20, smallestScalePc(cfg) / 4);
  if (!Number.isFinite(step)) {
    throw new ConfigError(
      'config: tracking.stepPc = (missing): with field.b0UG = 0 and field.turbulence.brmsUG = 0 there is no r_g or lMin to derive a step from; give one in pc (> 0)',
    );
  }
  return step;
}

/** All snapshot times in pc, ascending and de-duplicated: timesPc plus timesOmega / Omega. */
export function snapshotTimesPc(cfg: Config): number[] {
  const rg = referenceGyroradiusPc(cfg);
  if (cfg.tracking.timesOmega.length > 0 && !Number.isFinite(rg)) {
    throw new ConfigError(
      `config: tracking.timesOmega = ${JSON.stringify(cfg.tracking.timesOmega)}: with field.b0UG = 0 and field.turbulence.brmsUG = 0 there is no Omega; give tracking.timesPc instead`,
    );
  }
  const fromOmega = cfg.tracking.timesOmega.map((w) => w * rg);
  const all = [...cfg.tracking.timesPc, ...fromOmega].sort((a, b) => a - b);
  return all.filter((t, i) => i === 0 || t > all[i - 1]);
}

/**
 * Checks that need more than one field: the step must resolve the gyration, times must exist.
 * Throws ConfigError naming the field, the value and the allowed range.
 */
export function validateRun(cfg: Config): void {
  const h = stepPc(cfg);
  const b = configRmsFieldUG(cfg);
  if (b > 0) {
    const rg = gyroradiusPc(cfg.particles.rigidityPV, b);
    if (h > rg) {
      throw new ConfigError(
        `config: tracking.stepPc = ${h}: must be <= r_g = ${rg.toPrecision(4)} pc (rigidity ${cfg.particles.rigidityPV} PV in ${b.toPrecision(4)} uG); r_g/20 is the default`,
      );
    }
  }
  const times = snapshotTimesPc(cfg);
  const sphere = cfg.tracking.sphereRadiusPc;
  if (times.length === 0 && sphere === undefined) {
    throw new ConfigError('config: tracking.timesPc/timesOmega = []: give at least one snapshot time (> 0) or a tracking.sphereRadiusPc');
  }
  if (times.length === 0 && sphere !== undefined && cfg.tracking.maxTimePc === undefined) {
    throw new ConfigError('config: tracking.maxTimePc = (missing): with a sphere and no snapshot times, give the longest integration in pc (> sphereRadiusPc)');
  }
  if (sphere !== undefined && cfg.tracking.maxTimePc !== undefined && cfg.tracking.maxTimePc < sphere) {
    throw new ConfigError(`config: tracking.maxTimePc = ${cfg.tracking.maxTimePc}: must be >= sphereRadiusPc = ${sphere} (no particle can reach the sphere sooner)`);
  }
  const k = cfg.liouville.diffusion;
  if (typeof k === 'object' && cfg.field.b0UG === 0 && k.parallelPc !== k.perpendicularPc) {
    throw new ConfigError(
      `config: liouville.diffusion = ${JSON.stringify(k)}: with field.b0UG = 0 there is no axis to be parallel to; give parallelPc = perpendicularPc`,
    );
  }
  const model = cfg.liouville.model;
  if (model === 'sphere' && sphere === undefined) {
    throw new ConfigError('config: liouville.model = "sphere": needs tracking.sphereRadiusPc (> 0)');
  }
  if (model !== 'sphere' && times.length === 0) {
    throw new ConfigError(`config: liouville.model = "${model}": needs snapshot times (tracking.timesPc or timesOmega)`);
  }
}
