/**
 * Every size the WebGPU backend shares with its shaders, in one place: the workgroup size, the
 * byte layout of each struct in shaders/*.wgsl (with the functions that write and read it), the
 * bind-group layouts that mirror the WGSL bindings, and the constants prelude prepended to the
 * shader source. Change a struct here and in the .wgsl file together; the comments at each
 * struct in the .wgsl files state the same offsets. layout.test.ts lays the WGSL structs out by
 * the spec's rules and checks the sizes, writers, readers and comments here against them.
 */

/** Invocations per workgroup, one particle each (tuned on lavapipe, docs/benchmark.md). */
export const WORKGROUP_SIZE = 64;

/** Particle status bits (WGSL PARTICLE_CROSSED, PARTICLE_STOPPED). */
export const PARTICLE_CROSSED = 1;
export const PARTICLE_STOPPED = 2;

// ---------------------------------------------------------------------------------------------
// struct Params (track.wgsl): 96 bytes, uniform.
export const PARAMS_BYTES = 96;

export interface DispatchParams {
  /** B0 in uG. */
  readonly b0: readonly [number, number, number];
  /** σ h / (2 · 1.081 R) for a full step. */
  readonly kickPerUG: number;
  readonly originCell: readonly [number, number, number];
  /** h / (2Λ). */
  readonly driftCells: number;
  /** Observer's position inside its cell, 2^-32 cell. */
  readonly originFraction: Uint32Array;
  readonly lastKickPerUG: number;
  /** R / Λ, 0 without a sphere. */
  readonly sphereRadiusCells: number;
  readonly lastDriftCells: number;
  readonly stepCount: number;
  readonly firstStep: number;
  readonly stopStep: number;
  /** Entries of the active list this dispatch processes, from activeOffset. */
  readonly activeCount: number;
  readonly activeOffset: number;
}

/** x − f32(x): the float64 remainder of an f32 value, itself as f32 (x ≈ hi + lo to ~2^-48). */
export function f32Remainder(x: number): number {
  return Math.fround(x - Math.fround(x));
}

/**
 * |B0| / |f32(B0)|: the kernel's B0 is rounded to f32 (|B0| off by up to ~6e-8), which would make
 * every gyration in B0 a little too fast or slow, coherently over thousands of turns; the kick is
 * scaled by this factor so the rotation rate in B0 is right. (The turbulence is scaled with it, by
 * less than the f32 rounding of its own amplitudes.)
 */
export function b0RoundingScale(b0: readonly [number, number, number]): number {
  const exact = Math.hypot(b0[0], b0[1], b0[2]);
  const rounded = Math.hypot(Math.fround(b0[0]), Math.fround(b0[1]), Math.fround(b0[2]));
  return exact > 0 ? exact / rounded : 1;
}

export function writeParams(p: DispatchParams, out: ArrayBuffer = new ArrayBuffer(PARAMS_BYTES)): ArrayBuffer {
  const f = new Float32Array(out);
  const i = new Int32Array(out);
  const u = new Uint32Array(out);
  f.set(p.b0, 0); //                              0: b0
  f[3] = p.kickPerUG; //                         12: kick_per_ug (f32 part)
  i.set(p.originCell, 4); //                     16: origin_cell
  f[7] = p.driftCells; //                        28: drift_cells
  u.set(p.originFraction, 8); //                 32: origin_fraction
  f[11] = p.lastKickPerUG; //                    44: last_kick_per_ug (f32 part)
  f[12] = p.sphereRadiusCells; //                48: sphere_radius_cells
  f[13] = p.lastDriftCells; //                   52: last_drift_cells
  u[14] = p.stepCount; //                        56: step_count
  u[15] = p.firstStep; //                        60: first_step
  u[16] = p.stopStep; //                         64: stop_step
  u[17] = p.activeCount; //                      68: active_count
  f[18] = f32Remainder(p.kickPerUG); //          72: kick_per_ug_lo
  f[19] = f32Remainder(p.lastKickPerUG); //      76: last_kick_per_ug_lo
  u[20] = p.activeOffset; //                     80: active_offset
  u.fill(0, 21, 24); //                          84: _pad0, _pad1, _pad2
  return out;
}

// ---------------------------------------------------------------------------------------------
// struct Particle (track.wgsl): 64 bytes, storage.
export const PARTICLE_BYTES = 64;
const PARTICLE_WORDS = PARTICLE_BYTES / 4;
/** Fixed-point units of the direction u per unit (track.wgsl): |u| <= 1 and a step's change
 *  |Δu| <= 2 both fit an i32. */
export const DIRECTION_UNITS = 2 ** 29;

/** Writes the launch state of particles [0, n): all at the observer, directions u(0), no steps. */
export function writeLaunchStates(
  out: ArrayBuffer,
  directions: Float64Array,
  first: number,
  n: number,
  originCell: readonly [number, number, number],
  originFraction: Uint32Array,
): void {
  const i = new Int32Array(out);
  const u = new Uint32Array(out);
  const f = new Float32Array(out);
  for (let p = 0; p < n; p++) {
    const w = p * PARTICLE_WORDS;
    const d = 3 * (first + p);
    i[w] = originCell[0]; //                  0: cell
    i[w + 1] = originCell[1];
    i[w + 2] = originCell[2];
    u[w + 3] = 0; //                         12: status
    u[w + 4] = originFraction[0]; //         16: fraction
    u[w + 5] = originFraction[1];
    u[w + 6] = originFraction[2];
    u[w + 7] = 0; //                         28: steps
    i[w + 8] = Math.round(directions[d] * DIRECTION_UNITS); // 32: direction, fixed point
    i[w + 9] = Math.round(directions[d + 1] * DIRECTION_UNITS);
    i[w + 10] = Math.round(directions[d + 2] * DIRECTION_UNITS);
    u[w + 11] = 0; //                        44: _pad
    f[w + 12] = 0; //                        48: carry
    f[w + 13] = 0;
    f[w + 14] = 0;
    u[w + 15] = 0; //                        60: _pad2
  }
}

/** Typed views of a particle buffer read back from the GPU. */
export class ParticleView {
  private readonly i: Int32Array;
  private readonly u: Uint32Array;
  constructor(bytes: ArrayBuffer) {
    this.i = new Int32Array(bytes);
    this.u = new Uint32Array(bytes);
  }
  cell(p: number, axis: number): number {
    return this.i[p * PARTICLE_WORDS + axis];
  }
  status(p: number): number {
    return this.u[p * PARTICLE_WORDS + 3];
  }
  /** Position inside the cell, units of 2^-32 cell. */
  fraction(p: number, axis: number): number {
    return this.u[p * PARTICLE_WORDS + 4 + axis];
  }
  steps(p: number): number {
    return this.u[p * PARTICLE_WORDS + 7];
  }
  direction(p: number, axis: number): number {
    return this.i[p * PARTICLE_WORDS + 8 + axis] / DIRECTION_UNITS;
  }
}

// ---------------------------------------------------------------------------------------------
// struct Crossing (track.wgsl): 32 bytes, storage.
export const CROSSING_BYTES = 32;
const CROSSING_WORDS = CROSSING_BYTES / 4;

export class CrossingView {
  private readonly f: Float32Array;
  private readonly u: Uint32Array;
  constructor(bytes: ArrayBuffer) {
    this.f = new Float32Array(bytes);
    this.u = new Uint32Array(bytes);
  }
  /** Crossing point relative to the observer, cells. */
  position(p: number, axis: number): number {
    return this.f[p * CROSSING_WORDS + axis];
  }
  /** Path length from the start of the crossing step, cells. */
  distance(p: number): number {
    return this.f[p * CROSSING_WORDS + 3];
  }
  direction(p: number, axis: number): number {
    return this.f[p * CROSSING_WORDS + 4 + axis];
  }
  step(p: number): number {
    return this.u[p * CROSSING_WORDS + 7];
  }
}

// ---------------------------------------------------------------------------------------------
// struct Counters (track.wgsl): 8 bytes; the buffer is padded to 16 for copies.
export const COUNTERS_BYTES = 16;
export const COUNTER_ACTIVE = 0;
export const COUNTER_STOPPED_STEPS = 1;
/** Two u64 pass timestamps (begin, end), ns, read back after the counters. */
export const TIMESTAMP_BYTES = 16;

// ---------------------------------------------------------------------------------------------
// struct Mode (field_modes.wgsl): 48 bytes, array stride 48, uniform or storage.
export const MODE_BYTES = 48;
export const MODE_WORDS = MODE_BYTES / 4;
// word offsets inside one mode
export const MODE_TURNS_PER_CELL = 0; //  0: vec3<u32>
export const MODE_CENTRE_PHASE = 3; //   12: u32
export const MODE_K_TURNS = 4; //        16: vec3<f32>
export const MODE_AMPLITUDE = 8; //      32: vec3<f32>

// ---------------------------------------------------------------------------------------------
// Bind groups. Group 0 (track.wgsl): the integrator's state, the same for every field.
// (Functions, not constants: GPUShaderStage is a global the platform provides at run time.)
const compute = (binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry => ({
  binding,
  visibility: GPUShaderStage.COMPUTE,
  buffer: { type },
});

export function trackBindGroupLayout(): GPUBindGroupLayoutDescriptor {
  return {
    label: 'crsky track (group 0)',
    entries: [
      compute(0, 'uniform'), //           params: Params
      compute(1, 'storage'), //           particles: array<Particle>
      compute(2, 'read-only-storage'), // active_in: array<u32>
      compute(3, 'storage'), //           active_out: array<u32>
      compute(4, 'storage'), //           counters: Counters
      compute(5, 'storage'), //           crossings: array<Crossing>
    ],
  };
}

/**
 * How the turbulence reaches the kernel: which field module and which bindings in group 1.
 * 'modes-inline' compiles the table into the kernel (inline.ts), the fast form on lavapipe.
 * 'nested-grids' sums further grids packed into the grid's buffers (nested.ts).
 */
export type FieldVariant = 'uniform-field' | 'modes-inline' | 'modes-lanes' | 'modes-uniform' | 'modes-storage' | 'grid' | 'nested-grids';

/** Group 1: the field module's bindings (field_*.wgsl, modes_*.wgsl). */
export function fieldBindGroupLayout(variant: FieldVariant): GPUBindGroupLayoutDescriptor {
  const label = `crsky field ${variant} (group 1)`;
  switch (variant) {
    case 'uniform-field':
    case 'modes-inline':
    case 'modes-lanes':
      return { label, entries: [] };
    case 'modes-uniform':
      return { label, entries: [compute(0, 'uniform')] }; //                  modes: array<Mode, MODE_COUNT>
    case 'modes-storage':
      return { label, entries: [compute(0, 'read-only-storage')] }; //        modes: array<Mode>
    case 'grid': //                                                          grid_x, grid_y, grid_z: array<f32>
    case 'nested-grids': //                                                  the same, all grids one after another
      return { label, entries: [0, 1, 2].map((b) => compute(b, 'read-only-storage')) };
  }
}

/**
 * The .wgsl files that make up the kernel for a field variant, in order ('modes-inline' adds the
 * generated module of inline.ts, 'nested-grids' that of nested.ts).
 */
export function shaderFiles(variant: FieldVariant): string[] {
  switch (variant) {
    case 'uniform-field':
      return ['lattice.wgsl', 'track.wgsl', 'field_uniform.wgsl'];
    case 'modes-inline':
    case 'modes-lanes':
      return ['lattice.wgsl', 'track.wgsl', 'field_modes.wgsl'];
    case 'modes-uniform':
      return ['lattice.wgsl', 'track.wgsl', 'field_modes.wgsl', 'modes_loop.wgsl', 'modes_uniform.wgsl'];
    case 'modes-storage':
      return ['lattice.wgsl', 'track.wgsl', 'field_modes.wgsl', 'modes_loop.wgsl', 'modes_storage.wgsl'];
    case 'grid':
      return ['lattice.wgsl', 'track.wgsl', 'grid.wgsl', 'field_grid.wgsl'];
    case 'nested-grids':
      return ['lattice.wgsl', 'track.wgsl', 'grid.wgsl', 'field_nested_grids.wgsl'];
  }
}

/** Compile-time constants of the kernel that depend on the field. */
export interface KernelConstants {
  /** Modes in the table (modes variants). */
  readonly modeCount?: number;
  /** log2 of the grid size N (grid variants; of the first grid for nested grids). */
  readonly gridBits?: number;
  /** The job records sphere crossings (else the crossing test and the per-particle stop are compiled out). */
  readonly hasSphere?: boolean;
  /** Invocations per particle ('modes-lanes': the subgroup size; default 1). */
  readonly modeLanes?: number;
}

/**
 * From this many plane waves the kernel's cos is the degree-7 polynomial instead of degree 9
 * (field_modes.wgsl): two instructions fewer per mode, and there the f32 sum of the modes rounds
 * off as much as the shorter polynomial errs (field-modes.test.ts).
 */
export const SHORT_COS_MIN_MODES = 1024;

/** Degree of the kernel's cos polynomial for a table of `modeCount` plane waves. */
export function cosTurnsDegree(modeCount: number): 7 | 9 {
  return modeCount >= SHORT_COS_MIN_MODES ? 7 : 9;
}

/** WGSL constants prepended to the shader files: the one place the shaders get their sizes from. */
export function shaderPrelude(c: KernelConstants): string {
  const lines = [
    '// Generated by src/sim/webgpu/layout.ts shaderPrelude().',
    `const WORKGROUP_SIZE: u32 = ${WORKGROUP_SIZE}u;`,
    `const PARTICLE_CROSSED: u32 = ${PARTICLE_CROSSED}u;`,
    `const PARTICLE_STOPPED: u32 = ${PARTICLE_STOPPED}u;`,
    `const DIRECTION_UNITS: f32 = ${DIRECTION_UNITS}.0;`,
    `const DIRECTION_UNIT: f32 = ${1 / DIRECTION_UNITS};`,
    `const HAS_SPHERE: bool = ${c.hasSphere ? 'true' : 'false'};`,
  ];
  const lanes = c.modeLanes ?? 1;
  if (lanes > 1) {
    lines.push(
      `const MODE_LANES: u32 = ${lanes}u;`,
      'struct TrackInput { @builtin(global_invocation_id) gid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32, }',
      'var<private> subgroup_lane: u32;',
      'fn particle_slot(input: TrackInput) -> u32 { subgroup_lane = input.lane; return input.gid.x / MODE_LANES; }',
      'fn writes_state(input: TrackInput) -> bool { return input.lane % MODE_LANES == 0u; }',
    );
  } else {
    lines.push(
      'struct TrackInput { @builtin(global_invocation_id) gid: vec3<u32>, }',
      'fn particle_slot(input: TrackInput) -> u32 { return input.gid.x; }',
      'fn writes_state(input: TrackInput) -> bool { return true; }',
    );
  }
  if (c.modeCount !== undefined) lines.push(`const MODE_COUNT: u32 = ${c.modeCount}u;`, `const COS_TURNS_DEGREE: u32 = ${cosTurnsDegree(c.modeCount)}u;`);
  if (c.gridBits !== undefined) lines.push(`const GRID_BITS: u32 = ${c.gridBits}u;`);
  return lines.join('\n') + '\n';
}
