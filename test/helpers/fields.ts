/** Small hand-built fields for tests that must not depend on the turbulence generators. */
import type { FieldData } from '../../src/turbulence/field.ts';
import { MODE_STRIDE } from '../../src/turbulence/field.ts';
import type { Vec3 } from '../../src/config/vec3.ts';

export function uniformField(b0: Vec3): FieldData {
  return {
    b0,
    turbulence: null,
    summary: { b0, brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: 'uniform' },
  };
}

/** A field from explicit modes [kx,ky,kz,phase,ax,ay,az] (a ⟂ k keeps it divergence-free). */
export function modeField(b0: Vec3, modes: readonly (readonly number[])[], brmsUG: number): FieldData {
  const table = new Float64Array(modes.length * MODE_STRIDE);
  modes.forEach((m, i) => table.set(m.slice(0, 7), i * MODE_STRIDE));
  return {
    b0,
    turbulence: { kind: 'modes', table },
    summary: { b0, brmsUG, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: `${modes.length} hand-made modes` },
  };
}

/**
 * A quick deterministic random divergence-free mode field (not the production generator):
 * n modes, |k| log-spaced in [kMin, kMax], amplitudes ∝ k^(-1/3) (Kolmogorov per log band),
 * normalized so <dB^2> = brms^2.
 */
export function randomModeField(b0: Vec3, n: number, brmsUG: number, kMin: number, kMax: number, seed = 1): FieldData {
  let state = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: enough for a test fixture, reproducible without extra deps
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const modes: number[][] = [];
  let sumA2 = 0;
  for (let i = 0; i < n; i++) {
    const k = kMin * Math.pow(kMax / kMin, n > 1 ? i / (n - 1) : 0);
    const cz = 2 * rand() - 1;
    const phi = 2 * Math.PI * rand();
    const sz = Math.sqrt(1 - cz * cz);
    const kh = [sz * Math.cos(phi), sz * Math.sin(phi), cz];
    // two unit vectors perpendicular to k̂
    const ref = Math.abs(kh[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
    const e1 = [kh[1] * ref[2] - kh[2] * ref[1], kh[2] * ref[0] - kh[0] * ref[2], kh[0] * ref[1] - kh[1] * ref[0]];
    const n1 = Math.hypot(e1[0], e1[1], e1[2]);
    e1[0] /= n1; e1[1] /= n1; e1[2] /= n1;
    const e2 = [kh[1] * e1[2] - kh[2] * e1[1], kh[2] * e1[0] - kh[0] * e1[2], kh[0] * e1[1] - kh[1] * e1[0]];
    const alpha = 2 * Math.PI * rand();
    const amp = Math.pow(k, -1 / 3);
    sumA2 += amp * amp;
    const a = [0, 1, 2].map((c) => amp * (Math.cos(alpha) * e1[c] + Math.sin(alpha) * e2[c]));
    modes.push([k * kh[0], k * kh[1], k * kh[2], 2 * Math.PI * rand(), a[0], a[1], a[2]]);
  }
  // <dB^2> = Σ a^2 / 2
  const norm = brmsUG / Math.sqrt(sumA2 / 2);
  for (const m of modes) for (let c = 4; c < 7; c++) m[c] *= norm;
  return modeField(b0, modes, brmsUG);
}

/**
 * Component c of a crsky grid (x fastest, components interleaved) as a C-order [x, y, z] array,
 * numpy's and HDF5's layout: index (i * n + j) * n + k, z fastest.
 */
export function gridComponentXyz(grid: { readonly n: number; readonly data: ArrayLike<number> }, c: number): Float32Array {
  const { n, data } = grid;
  const out = new Float32Array(n ** 3);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) out[(i * n + j) * n + k] = data[3 * (i + n * (j + n * k)) + c];
  return out;
}
