/** Small hand-built fields for tests that must not depend on the turbulence generators. */
import type { FieldData, Vec3 } from '../../src/turbulence/field.ts';
import { MODE_STRIDE } from '../../src/turbulence/field.ts';

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
