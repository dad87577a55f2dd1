/**
 * Host side of the gpujs kernel's data: the mode table and the launch states as float textures
 * (4 floats per texel), and the states read back turned into float64 positions and directions.
 * Every 32-bit word goes through the textures as two 16-bit halves, exact in f32 (glsl.ts).
 * The lattice and the fixed-point phases are the WebGPU backend's (src/sim/webgpu/lattice.ts).
 */
import { MODE_A, MODE_K, MODE_PHASE, MODE_STRIDE, type FieldData } from '../../turbulence/field.ts';
import { latticeToPc, turnsToFixed, type Lattice } from '../webgpu/lattice.ts';
import { DIRECTION_UNITS, MODE_TEXELS } from './glsl.ts';
import type { Vec3 } from '../../config/vec3.ts';

/** Floats per particle in the launch array: s0..s3 and the two crossing vectors. */
export const LAUNCH_FLOATS = 24;
const TWO_PI = 2 * Math.PI;

/** The two 16-bit halves of a 32-bit word (signed or unsigned input, two's complement). */
export function halves(word: number): [number, number] {
  const w = word >>> 0;
  return [w >>> 16, w & 0xffff];
}

/** The unsigned 32-bit word of two halves. */
export function wordOf(high: number, low: number): number {
  return high * 65536 + low;
}

/** The signed 32-bit word of two halves. */
export function signedWordOf(high: number, low: number): number {
  return wordOf(high, low) | 0;
}

export function modeCountOf(field: FieldData): number {
  const t = field.turbulence;
  if (t === null) return 0;
  if (t.kind !== 'modes') throw new Error('gpujs tracker: only plane-wave fields (turbulence.method = "modes") run on gpu.js; grids need the webgpu or cpu backend');
  return t.table.length / MODE_STRIDE;
}

/**
 * The mode table as 4 texels per mode (glsl.ts crsky_field_modes):
 *   (F_x, F_y as halves), (F_z, P as halves), (K_x, K_y, K_z, 0), (a_x, a_y, a_z, 0)
 * with F_n = k_n Λ / 2π in 2^-32 turns per cell, P_n the phase at the centre of cell 0 (the lattice
 * is anchored at the observer, so k·x_obs goes in here, in float64) and K_n = k_n Λ / 2π in f32.
 * At least one texel, so a field without modes still has a texture.
 */
export function packModeTexels(field: FieldData, lattice: Lattice, origin: Vec3): Float32Array {
  const n = modeCountOf(field);
  const out = new Float32Array(Math.max(1, n) * MODE_TEXELS * 4);
  if (n === 0) return out;
  if (lattice.originCell.some((c) => c !== 0) || lattice.originFraction.some((f) => f !== 0)) {
    throw new Error('gpujs tracker: the plane-wave lattice must be anchored at the observer');
  }
  const table = (field.turbulence as { table: Float64Array }).table;
  for (let m = 0; m < n; m++) {
    const r = m * MODE_STRIDE;
    const o = m * MODE_TEXELS * 4;
    let centre = table[r + MODE_PHASE] / TWO_PI;
    const fixed: number[] = [];
    for (let a = 0; a < 3; a++) {
      const k = table[r + MODE_K + a];
      const turnsPerCell = (k * lattice.spacingPc) / TWO_PI;
      fixed.push(turnsToFixed(turnsPerCell));
      out[o + 8 + a] = turnsPerCell;
      out[o + 12 + a] = table[r + MODE_A + a];
      centre += (k * origin[a]) / TWO_PI + 0.5 * turnsPerCell;
    }
    fixed.push(turnsToFixed(centre));
    for (let w = 0; w < 4; w++) out.set(halves(fixed[w]), o + 2 * w);
  }
  return out;
}

/** Launch states of n particles at the observer (cell 0, fraction 0), u(0) in fixed point, not crossed. */
export function launchTexels(directions: Float64Array, first: number, n: number): Float32Array {
  const out = new Float32Array(n * LAUNCH_FLOATS);
  for (let p = 0; p < n; p++) {
    const o = p * LAUNCH_FLOATS;
    const d = 3 * (first + p);
    const [xh, xl] = halves(Math.round(directions[d] * DIRECTION_UNITS));
    const [yh, yl] = halves(Math.round(directions[d + 1] * DIRECTION_UNITS));
    const [zh, zl] = halves(Math.round(directions[d + 2] * DIRECTION_UNITS));
    // s0 (cell, steps) and s1 (fractions x, y) are zero; s2 = (fraction z, u_x), s3 = (u_y, u_z)
    out[o + 10] = xh;
    out[o + 11] = xl;
    out.set([yh, yl, zh, zl], o + 12);
    // c0 = 0; c1 = (0, 0, 0, -1): no crossing
    out[o + 23] = -1;
  }
  return out;
}

/** The four state vectors of particle p as read back (4 floats per particle each). */
export interface StateTexels {
  readonly s0: Float32Array;
  readonly s1: Float32Array;
  readonly s2: Float32Array;
  readonly s3: Float32Array;
}

/** Writes particle p's position (pc) and direction into 3N arrays at index q. */
export function decodeState(st: StateTexels, p: number, lattice: Lattice, origin: Vec3, positions: Float64Array, directions: Float64Array, q: number): void {
  const i = 4 * p;
  const fraction = [wordOf(st.s1[i], st.s1[i + 1]), wordOf(st.s1[i + 2], st.s1[i + 3]), wordOf(st.s2[i], st.s2[i + 1])];
  const direction = [signedWordOf(st.s2[i + 2], st.s2[i + 3]), signedWordOf(st.s3[i], st.s3[i + 1]), signedWordOf(st.s3[i + 2], st.s3[i + 3])];
  for (let a = 0; a < 3; a++) {
    positions[3 * q + a] = latticeToPc(lattice, origin, a, st.s0[i + a], fraction[a]);
    directions[3 * q + a] = direction[a] / DIRECTION_UNITS;
  }
}
