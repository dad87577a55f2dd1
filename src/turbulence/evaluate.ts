/**
 * Float64 evaluation of B(x) = B0 + dB(x) for the CPU reference tracker and the statistics tests.
 * Written as closures over the raw typed arrays so V8 keeps the per-step loop monomorphic.
 */
import {
  MODE_STRIDE,
  type FieldData,
  type GridTurbulence,
  type ModeTurbulence,
  type PeriodicGrid,
} from './field.ts';

/** Writes B(x, y, z) in uG into out[0..2]. */
export type FieldEvaluator = (x: number, y: number, z: number, out: Float64Array) => void;

export function createFieldEvaluator(field: FieldData): FieldEvaluator {
  const [b0x, b0y, b0z] = field.b0;
  const t = field.turbulence;
  if (t === null) {
    return (_x, _y, _z, out) => {
      out[0] = b0x;
      out[1] = b0y;
      out[2] = b0z;
    };
  }
  const dB = t.kind === 'modes' ? modeEvaluator(t) : gridEvaluator(t);
  return (x, y, z, out) => {
    dB(x, y, z, out);
    out[0] += b0x;
    out[1] += b0y;
    out[2] += b0z;
  };
}

/** dB(x) = Σ a cos(k·x + phase). */
function modeEvaluator(t: ModeTurbulence): FieldEvaluator {
  const m = t.table;
  const n = m.length;
  return (x, y, z, out) => {
    let bx = 0;
    let by = 0;
    let bz = 0;
    for (let i = 0; i < n; i += MODE_STRIDE) {
      const c = Math.cos(m[i] * x + m[i + 1] * y + m[i + 2] * z + m[i + 3]);
      bx += m[i + 4] * c;
      by += m[i + 5] * c;
      bz += m[i + 6] * c;
    }
    out[0] = bx;
    out[1] = by;
    out[2] = bz;
  };
}

/**
 * A grid's field; nested grids (t.finer) are summed coarse to fine. A single grid goes through
 * trilinearEvaluator alone, so its values are bitwise what they were before nesting existed.
 */
function gridEvaluator(t: GridTurbulence): FieldEvaluator {
  const coarse = trilinearEvaluator(t);
  if (t.finer === undefined || t.finer.length === 0) return coarse;
  const finer = t.finer.map(trilinearEvaluator);
  const tmp = new Float64Array(3);
  return (x, y, z, out) => {
    coarse(x, y, z, out);
    for (const f of finer) {
      f(x, y, z, tmp);
      out[0] += tmp[0];
      out[1] += tmp[1];
      out[2] += tmp[2];
    }
  };
}

/** Trilinear interpolation on the periodic grid (node (i,j,k) sits at (i,j,k)·spacing). */
function trilinearEvaluator(t: PeriodicGrid): FieldEvaluator {
  const { n, data } = t;
  const inv = 1 / t.spacingPc;
  const mask = n - 1; // n is a power of two: periodic wrap by masking
  const nn = n * n;
  return (x, y, z, out) => {
    const gx = x * inv;
    const gy = y * inv;
    const gz = z * inv;
    const fx0 = Math.floor(gx);
    const fy0 = Math.floor(gy);
    const fz0 = Math.floor(gz);
    const wx = gx - fx0;
    const wy = gy - fy0;
    const wz = gz - fz0;
    // `& mask` on a negative int32 wraps correctly in two's complement; positions beyond 2^31
    // cells are not meaningful anyway.
    const i0 = fx0 & mask;
    const j0 = fy0 & mask;
    const k0 = fz0 & mask;
    const i1 = (i0 + 1) & mask;
    const j1 = (j0 + 1) & mask;
    const k1 = (k0 + 1) & mask;
    const r00 = j0 * n + k0 * nn;
    const r10 = j1 * n + k0 * nn;
    const r01 = j0 * n + k1 * nn;
    const r11 = j1 * n + k1 * nn;
    const w000 = (1 - wx) * (1 - wy) * (1 - wz);
    const w100 = wx * (1 - wy) * (1 - wz);
    const w010 = (1 - wx) * wy * (1 - wz);
    const w110 = wx * wy * (1 - wz);
    const w001 = (1 - wx) * (1 - wy) * wz;
    const w101 = wx * (1 - wy) * wz;
    const w011 = (1 - wx) * wy * wz;
    const w111 = wx * wy * wz;
    const a = 3 * (i0 + r00);
    const b = 3 * (i1 + r00);
    const c = 3 * (i0 + r10);
    const d = 3 * (i1 + r10);
    const e = 3 * (i0 + r01);
    const f = 3 * (i1 + r01);
    const g = 3 * (i0 + r11);
    const h = 3 * (i1 + r11);
    for (let comp = 0; comp < 3; comp++) {
      out[comp] =
        w000 * data[a + comp] +
        w100 * data[b + comp] +
        w010 * data[c + comp] +
        w110 * data[d + comp] +
        w001 * data[e + comp] +
        w101 * data[f + comp] +
        w011 * data[g + comp] +
        w111 * data[h + comp];
    }
  };
}
