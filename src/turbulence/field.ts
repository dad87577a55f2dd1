/**
 * The magnetic field as data: B(x) = B0 + dB(x), with dB a plane-wave mode table or a periodic
 * grid. Plain typed arrays so the same object goes to worker threads (SharedArrayBuffer) and to
 * GPU buffers unchanged.
 */
import type { Vec3 } from '../config/vec3.ts';

/**
 * Plane-wave mode table layout, MODE_STRIDE float64 per mode:
 *   [kx, ky, kz, phase, ax, ay, az, 0]   k in pc^-1, phase in rad, a in uG,
 * and dB(x) = Σ_n a_n cos(k_n·x + phase_n). The trailing zero pads a mode to two vec4s.
 */
export const MODE_STRIDE = 8;
export const MODE_K = 0;
export const MODE_PHASE = 3;
export const MODE_A = 4;

export interface ModeTurbulence {
  readonly kind: 'modes';
  /** MODE_STRIDE values per mode, see MODE_STRIDE. */
  readonly table: Float64Array;
}

/**
 * Periodic grid of n^3 nodes at positions (i, j, k)·spacingPc, box n·spacingPc.
 * data[3·(i + n·(j + n·k)) + c] is component c (uG) of dB at that node; between nodes the
 * field is the trilinear interpolation of the 8 surrounding nodes.
 */
export interface PeriodicGrid {
  readonly n: number;
  readonly spacingPc: number;
  readonly data: Float32Array;
}

export interface GridTurbulence extends PeriodicGrid {
  readonly kind: 'grid';
  /**
   * Nested grids (nestedGrids.ts): further periodic grids, each with its own n and spacing,
   * whose trilinear fields add to this grid's: dB = Σ over this grid and `finer`. The cpu and
   * webgpu trackers sum them; a backend that does not must refuse the field, not drop them
   * (gpu.js refuses every grid).
   */
  readonly finer?: readonly PeriodicGrid[];
}

export type TurbulenceData = ModeTurbulence | GridTurbulence;

export interface FieldSummary {
  /** Regular field in uG. */
  readonly b0: Vec3;
  /** Target rms of dB in uG (<dB^2> = brms^2), 0 without turbulence. */
  readonly brmsUG: number;
  /** Smallest and largest wavelength of the turbulence band, pc (0 without turbulence). */
  readonly lMinPc: number;
  readonly lMaxPc: number;
  /** Correlation length L_c in pc as defined in docs/physics.md (two-sided trace correlation integral). */
  readonly correlationLengthPc: number;
  /**
   * L_c of the continuous spectrum the realization samples (spectrum.ts correlationLengthPc), pc:
   * the config's spectrum, over the table's own band for a mode table; 0 without turbulence.
   * `correlationLengthPc` (the realized modes) is the one crsky uses, e.g. for --rg-over-lc.
   */
  readonly spectrumCorrelationLengthPc?: number;
  /** Human-readable one-liner: spectrum, method, modes or grid, seed. */
  readonly description: string;
}

export interface FieldData {
  readonly b0: Vec3;
  readonly turbulence: TurbulenceData | null;
  readonly summary: FieldSummary;
}

export function modeCount(t: ModeTurbulence): number {
  return t.table.length / MODE_STRIDE;
}
