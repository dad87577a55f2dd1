/**
 * crsky's one unit system (docs/physics.md Sec. 1):
 *   length and time: parsec (time as path length c·t, particles move at v = c);
 *   magnetic field: microgauss; rigidity R = pc/(Ze): petavolt.
 * Every conversion constant lives here; no other module writes one down.
 */

/** Gyroradius of rigidity 1 PV in a 1 uG field, in pc: r_g = 1.0810 · (R/PV) / (B/uG). */
export const GYRORADIUS_PC_PER_PV_PER_UG = 1.081;

/** 1 TV in PV. */
export const TV_IN_PV = 1e-3;
/** 1 EV in PV. */
export const EV_IN_PV = 1e3;

/** 1 kpc in pc. */
export const KPC_IN_PC = 1e3;
/** 1 pc in metres (IAU 2015 definition). */
export const PC_IN_M = 3.085677581491367e16;
/** Speed of light in m/s. */
export const C_M_PER_S = 299_792_458;
/** 1 Julian year in seconds. */
export const YEAR_IN_S = 365.25 * 86_400;
/** Light travel time over 1 pc, in years (path length in pc → time). */
export const PC_LIGHT_TIME_YEARS = PC_IN_M / C_M_PER_S / YEAR_IN_S;

export const DEG = Math.PI / 180;

/** The field that defines r_g and Omega (docs/physics.md Sec. 1): |B0| if non-zero, else B_rms, uG. */
export function referenceFieldUG(b0UG: number, brmsUG: number): number {
  return b0UG > 0 ? b0UG : brmsUG;
}

/** sqrt(B0^2 + B_rms^2): the typical local |B|, which sets the default step, uG. */
export function rmsFieldUG(b0UG: number, brmsUG: number): number {
  return Math.hypot(b0UG, brmsUG);
}

/** Gyroradius in pc of a particle of rigidity `rigidityPV` (PV) in a field of `bUG` (uG). */
export function gyroradiusPc(rigidityPV: number, bUG: number): number {
  return (GYRORADIUS_PC_PER_PV_PER_UG * rigidityPV) / bUG;
}

/** Rigidity in PV whose gyroradius is `rgPc` in a field of `bUG`. */
export function rigidityForGyroradiusPV(rgPc: number, bUG: number): number {
  return (rgPc * bUG) / GYRORADIUS_PC_PER_PV_PER_UG;
}

/** Gyrofrequency Omega = c / r_g, in 1/pc of path length. */
export function gyrofrequencyPerPc(rigidityPV: number, bUG: number): number {
  return 1 / gyroradiusPc(rigidityPV, bUG);
}

/**
 * Factor that turns B (uG) into the rotation rate of the unit momentum per pc of path:
 * du/ds = sign(q) · u × B · rotationRatePerUG(R)   (docs/physics.md Sec. 2).
 */
export function rotationRatePerUGPerPc(rigidityPV: number): number {
  return 1 / (GYRORADIUS_PC_PER_PV_PER_UG * rigidityPV);
}
