/**
 * Host side of the WebGPU precision scheme (docs/webgpu.md): positions on the GPU are 64-bit
 * fixed point per axis, an i32 lattice cell plus a u32 fraction of it, x = (cell + f·2^-32) Λ,
 * and plane-wave phases are 32-bit fixed-point turns, exact mod 1 turn for any cell. This module picks Λ,
 * encodes the observer and the mode table in float64, and turns GPU states back into float64
 * positions.
 */
import { MODE_A, MODE_K, MODE_PHASE, MODE_STRIDE, type FieldData, type GridTurbulence } from '../../turbulence/field.ts';
import {
  MODE_AMPLITUDE,
  MODE_BYTES,
  MODE_CENTRE_PHASE,
  MODE_K_TURNS,
  MODE_TURNS_PER_CELL,
  MODE_WORDS,
} from './layout.ts';
import type { Vec3 } from '../../config/vec3.ts';

export interface Lattice {
  /** Cell size Λ in pc. */
  readonly spacingPc: number;
  /** Cell of the observer (integers). */
  readonly originCell: readonly [number, number, number];
  /** Position of the observer inside its cell, units of 2^-32 cell. */
  readonly originFraction: Uint32Array;
}

/** Cells per step when there is no turbulence to size the lattice by: any Λ works there. */
const UNIFORM_FIELD_CELL_STEPS = 64;

const TWO_PI = 2 * Math.PI;
const TWO_32 = 4294967296;

/** Largest |k| in a mode table, pc^-1. */
export function maxWavenumber(table: Float64Array): number {
  let kmax = 0;
  for (let i = 0; i < table.length; i += MODE_STRIDE) {
    kmax = Math.max(kmax, Math.hypot(table[i + MODE_K], table[i + MODE_K + 1], table[i + MODE_K + 2]));
  }
  return kmax;
}

/**
 * The lattice for a field and step:
 * - plane waves: Λ = π / k_max (half the shortest wavelength), anchored at the observer, so each
 *   mode advances by at most half a turn per cell and the f32 part of the phase stays < 0.44 turn;
 * - grid: Λ = the grid spacing, anchored at the grid's node 0, so the cell is the node index;
 *   nested grids: the same for the first grid (the finer ones map cells to their own nodes in the
 *   kernel, field_nested_grids.wgsl);
 * - B0 only: Λ = 64 steps, anchored at the observer.
 */
export function chooseLattice(field: FieldData, stepPc: number, origin: Vec3): Lattice {
  const t = field.turbulence;
  if (t?.kind === 'grid') {
    const spacing = t.spacingPc;
    const period = latticePeriod(t);
    const cell: [number, number, number] = [0, 0, 0];
    const fraction = new Uint32Array(3);
    for (let a = 0; a < 3; a++) {
      const g = origin[a] / spacing;
      let c = Math.floor(g);
      let f = Math.round((g - c) * TWO_32);
      if (f >= TWO_32) {
        c += 1;
        f = 0;
      }
      // The grids are periodic: keep the integer small where a whole period of cells is known.
      cell[a] = period > 0 ? ((c % period) + period) % period : c;
      if (!(Math.abs(cell[a]) < 2 ** 30)) {
        throw new Error(`webgpu tracker: the observer at ${origin[a]} pc is ${cell[a]} cells of ${spacing} pc from the grids' origin, beyond the lattice's 2^30 cells`);
      }
      fraction[a] = f;
    }
    return { spacingPc: spacing, originCell: cell, originFraction: fraction };
  }
  let spacing = UNIFORM_FIELD_CELL_STEPS * stepPc;
  if (t?.kind === 'modes') {
    const kmax = maxWavenumber(t.table);
    if (kmax > 0) spacing = Math.PI / kmax;
  }
  return { spacingPc: spacing, originCell: [0, 0, 0], originFraction: new Uint32Array(3) };
}

/**
 * Cells after which every grid repeats: n for one grid; for nested grids n too when n cells (the
 * first grid's box) hold a whole number of every finer grid's box, else 0 (none known: the
 * observer's cell is then not reduced).
 */
function latticePeriod(t: GridTurbulence): number {
  const box = t.n * t.spacingPc;
  return (t.finer ?? []).every((g) => Number.isInteger(box / (g.n * g.spacingPc))) ? t.n : 0;
}

/** frac(v) as 32-bit fixed point (v in turns), exact wrap: round(v·2^32) mod 2^32. */
export function turnsToFixed(v: number): number {
  const f = v - Math.floor(v);
  const q = Math.round(f * TWO_32);
  return q >= TWO_32 ? 0 : q;
}

/**
 * Packs a plane-wave table into Mode structs (field_modes.wgsl). With the lattice anchored at
 * the observer, the phase at the centre of cell 0 is k·(x_obs + Λ/2 (1,1,1)) + β, computed here
 * in float64 so the GPU never sees |k·x| beyond a fraction of a turn plus exact integers.
 */
export function packModes(table: Float64Array, lattice: Lattice, origin: Vec3): ArrayBuffer {
  const n = table.length / MODE_STRIDE;
  const bytes = new ArrayBuffer(Math.max(1, n) * MODE_BYTES);
  const u = new Uint32Array(bytes);
  const f = new Float32Array(bytes);
  const spacing = lattice.spacingPc;
  if (lattice.originCell.some((c) => c !== 0) || lattice.originFraction.some((f) => f !== 0)) {
    throw new Error('packModes: the plane-wave lattice must be anchored at the observer');
  }
  for (let m = 0; m < n; m++) {
    const r = m * MODE_STRIDE;
    const w = m * MODE_WORDS;
    let centre = table[r + MODE_PHASE] / TWO_PI;
    for (let a = 0; a < 3; a++) {
      const k = table[r + MODE_K + a];
      const turnsPerCell = (k * spacing) / TWO_PI;
      u[w + MODE_TURNS_PER_CELL + a] = turnsToFixed(turnsPerCell);
      f[w + MODE_K_TURNS + a] = turnsPerCell;
      f[w + MODE_AMPLITUDE + a] = table[r + MODE_A + a];
      centre += (k * origin[a]) / TWO_PI + 0.5 * turnsPerCell;
    }
    u[w + MODE_CENTRE_PHASE] = turnsToFixed(centre);
  }
  return bytes;
}

/**
 * Float64 position of a lattice point, pc: x_obs + ((cell - cell_obs) + (f - f_obs)·2^-32) Λ.
 * Both differences are exact in float64; only the final scaling rounds.
 */
export function latticeToPc(lattice: Lattice, origin: Vec3, axis: number, cell: number, fraction: number): number {
  const rel = cell - lattice.originCell[axis] + (fraction - lattice.originFraction[axis]) / TWO_32;
  return origin[axis] + rel * lattice.spacingPc;
}
