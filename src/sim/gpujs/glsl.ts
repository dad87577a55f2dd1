/**
 * The gpujs kernel: docs/integrator.md step for step, in GLSL ES 3.00 for gpu.js's WebGL2 backend,
 * with the precision scheme of the WGSL kernel (shaders/lattice.wgsl, track.wgsl,
 * field_modes.wgsl; docs/webgpu.md) wherever WebGL2 allows it:
 *   - positions are an integer lattice cell plus a 32-bit fixed-point fraction (uint arithmetic
 *     wraps mod 2^32 in GLSL ES 3.00, as in WGSL);
 *   - plane-wave phases are 32-bit fixed-point turns, exact mod 1 turn for any cell, plus a
 *     small f32 part, and cos comes from the same minimax polynomial in turns;
 *   - the direction u is fixed point (2^-29 per unit), each step adding its f32 Boris change.
 * What WebGL2 does not allow: integer storage between draws. gpu.js keeps its state in RGBA32F
 * textures, so every 32-bit word is stored as two 16-bit halves (exact in f32) and reassembled
 * in the shader; docs/web.md lists this and the other limits.
 *
 * gpu.js puts INJECTED below its own prelude and the NATIVE functions after the kernel's
 * arguments, so only the native functions may read the argument `modes` (gpu.js names its
 * sampler `user_modes` and its texel-grid size `user_modesSize`: 4 floats per texel, row-major).
 */

/** Texels (4 floats each) per mode in the mode texture; pack.ts writes them. */
export const MODE_TEXELS = 4;

/** Fixed-point units of the direction u per unit, as in the WGSL kernel. */
export const DIRECTION_UNITS = 2 ** 29;

/** Library code, injected once per gpu.js instance (no access to kernel arguments). */
export const GLSL_LIBRARY = /* glsl */ `
// ---- crsky gpujs kernel library (src/sim/gpujs/glsl.ts)
const float CELLS_PER_UNIT = 2.3283064365386963e-10; // 2^-32
const float UNITS_PER_CELL = 4294967296.0;           // 2^32
const float DIRECTION_UNITS = 536870912.0;           // 2^29
const float DIRECTION_UNIT = 1.862645149230957e-9;   // 2^-29
const float TURNS_PER_UNIT = 2.3283064365386963e-10; // 2^-32
// |u|^2 - 1 beyond which the fixed-point u is scaled back to the unit sphere (track.wgsl)
const float NORM_TOLERANCE = 4e-7;
// minimax odd polynomial for sin(2 pi r), |r| <= 1/4 (the coefficients of field_modes.wgsl)
const float SIN_TURNS_S0 = 6.2831851601e+00;
const float SIN_TURNS_S1 = -4.1341655031e+01;
const float SIN_TURNS_S2 = 8.1601004068e+01;
const float SIN_TURNS_S3 = -7.6549782152e+01;
const float SIN_TURNS_S4 = 3.9536704904e+01;

struct LatticePoint {
  ivec3 cell;
  uvec3 fraction; // position inside the cell, units of 2^-32 cell
};

// a 32-bit word from its two 16-bit halves (how the float textures hold it), and back
uint word_of(float high, float low) {
  return (uint(high) << 16u) | uint(low);
}
vec2 halves_of(uint word) {
  return vec2(float(word >> 16u), float(word & 0xffffu));
}

// round(rest * 2^32) mod 2^32, |rest| <= 1/2 cell, split at 2^12 so every part is an exact
// integer in f32 (lattice.wgsl fraction_units); int -> uint keeps the bit pattern.
uvec3 fraction_units(vec3 rest) {
  vec3 units = rest * UNITS_PER_CELL;
  vec3 high = floor(units * (1.0 / 4096.0));
  vec3 low = roundEven(units - high * 4096.0);
  return (uvec3(ivec3(high)) << 12u) + uvec3(ivec3(low));
}

// x + d, d in cells: whole cells to the integer part, the rest to the fixed-point fraction with
// the carry or borrow of the 32-bit addition (lattice.wgsl lattice_move)
LatticePoint lattice_move(LatticePoint x, vec3 d) {
  vec3 whole = roundEven(d);
  vec3 rest = d - whole;
  uvec3 fraction = x.fraction + fraction_units(rest);
  ivec3 carry = ivec3(greaterThan(rest, vec3(0.0))) * ivec3(lessThan(fraction, x.fraction));
  ivec3 borrow = ivec3(lessThan(rest, vec3(0.0))) * ivec3(greaterThan(fraction, x.fraction));
  return LatticePoint(x.cell + ivec3(whole) + carry - borrow, fraction);
}

// position relative to the observer (the lattice is anchored there), cells
vec3 relative_to_observer(LatticePoint x) {
  return vec3(x.cell) + vec3(x.fraction) * CELLS_PER_UNIT;
}

// cos(2 pi y) for |y| <= 1/2 as sin(2 pi (1/4 - |y|))
float cos_turns(float y) {
  float r = 0.25 - abs(y);
  float z = r * r;
  float p = SIN_TURNS_S4 * z + SIN_TURNS_S3;
  p = p * z + SIN_TURNS_S2;
  p = p * z + SIN_TURNS_S1;
  p = p * z + SIN_TURNS_S0;
  return p * r;
}

// b + a_n cos(phi_n(x)): one plane wave, phase in turns [cell . F_n + P_n] exact mod 2^32 (uint
// arithmetic wraps) + K_n . (s - 1/2); words = (F_n, P_n), k = K_n, a = a_n (field_modes.wgsl)
vec3 mode_term(vec3 b, uvec3 cell, vec3 centred, uvec4 words, vec3 k, vec3 a) {
  uint whole = cell.x * words.x + cell.y * words.y + cell.z * words.z + words.w;
  float turns = float(int(whole)) * TURNS_PER_UNIT + dot(k, centred);
  return b + a * cos_turns(turns - roundEven(turns));
}

// Boris rotation with tau = Omega h / 2: u' = u + u x tau, u_new - u = 2/(1 + tau.tau) (u' x tau)
vec3 boris_change(vec3 u, vec3 tau) {
  vec3 u_prime = u + cross(u, tau);
  return (2.0 / (1.0 + dot(tau, tau))) * cross(u_prime, tau);
}

// round(du * 2^29) for |du| <= 2, split at 2^12 as fraction_units does
ivec3 direction_units(vec3 du) {
  vec3 units = du * DIRECTION_UNITS;
  vec3 high = floor(units * (1.0 / 4096.0));
  vec3 low = roundEven(units - high * 4096.0);
  return ivec3(high) * 4096 + ivec3(low);
}

// distance a >= 0 from p (inside) along unit d to |p + a d| = r, cancellation-free
float sphere_entry_distance(vec3 p, vec3 d, float r) {
  float b = dot(p, d);
  float c = dot(p, p) - r * r;
  float disc = sqrt(max(0.0, b * b - c));
  return b > 0.0 ? -c / (b + disc) : disc - b;
}

// what one invocation leaves for the kernel map's outputs
vec4 crsky_out_state1;
vec4 crsky_out_state2;
vec4 crsky_out_state3;
vec4 crsky_out_cross0;
vec4 crsky_out_cross1;
`;

/** A gpu.js native function: GLSL source with its types given (gpu.js's own parser would read
 *  only the first signature of a source holding several functions). */
export interface NativeFunction {
  readonly name: string;
  readonly source: string;
  readonly returnType: 'Array(4)';
  readonly argumentTypes: Readonly<Record<string, 'Array(4)' | 'Number'>>;
}

const accessor = (name: string, global: string): NativeFunction => ({
  name,
  source: `vec4 ${name}() { return ${global}; }`,
  returnType: 'Array(4)',
  argumentTypes: {},
});

const STATE_ACCESSORS: readonly NativeFunction[] = [
  accessor('crskyState1', 'crsky_out_state1'),
  accessor('crskyState2', 'crsky_out_state2'),
  accessor('crskyState3', 'crsky_out_state3'),
  accessor('crskyCross0', 'crsky_out_cross0'),
  accessor('crskyCross1', 'crsky_out_cross1'),
];

const vec4s = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'Array(4)' as const]));

/**
 * Native functions of the step kernel, placed after the kernel's arguments: the field sum
 * (`fieldModes`: FIELD_MODES_TEXTURE, which reads `modes`, or fieldModesInline) and the step
 * loop, then the accessors of what the loop leaves for the other outputs.
 */
export function stepNative(fieldModes: string): NativeFunction[] {
  return [
    {
      name: 'crskyTrack',
      source: /* glsl */ `${fieldModes}

vec4 crskyTrack(vec4 s0, vec4 s1, vec4 s2, vec4 s3, vec4 c0, vec4 c1, vec4 p0, vec4 p1, vec4 p2) {
  // p0 = (B0 in uG, kick per uG), p1 = (last kick per uG, half step in cells, last half step, sphere radius in cells)
  // p2 = (steps in this draw, global index of its first step, stop step, modes)
  LatticePoint x = LatticePoint(ivec3(s0.xyz), uvec3(word_of(s1.x, s1.y), word_of(s1.z, s1.w), word_of(s2.x, s2.y)));
  ivec3 ud = ivec3(uvec3(word_of(s2.z, s2.w), word_of(s3.x, s3.y), word_of(s3.z, s3.w)));
  vec3 u = vec3(ud) * DIRECTION_UNIT;
  float steps = s0.w;
  bool crossed = c1.w >= 0.0;
  int step_count = int(p2.x);
  int first_step = int(p2.y);
  int stop_step = int(p2.z);
  int mode_count = int(p2.w);
  float r = p1.w;
  crsky_out_cross0 = c0;
  crsky_out_cross1 = c1;
  // a particle that has crossed stops after global step >= stop_step; its steps tell
  bool stopped = crossed && int(steps) > stop_step;
  int taken = 0;
  for (int i = 0; i < step_count && !stopped; i++) {
    bool last = i + 1 == step_count;
    float half_step = last ? p1.z : p1.y;
    float kick = last ? p1.x : p0.w;
    // drift, kick, drift
    LatticePoint x_half = lattice_move(x, half_step * u);
    vec3 b = p0.xyz + crsky_field_modes(x_half, mode_count);
    ud += direction_units(boris_change(u, kick * b));
    vec3 u_new = vec3(ud) * DIRECTION_UNIT;
    float norm_error = dot(u_new, u_new) - 1.0;
    if (abs(norm_error) > NORM_TOLERANCE) {
      ud -= direction_units((0.5 * norm_error) * u_new);
      u_new = vec3(ud) * DIRECTION_UNIT;
    }
    LatticePoint x_new = lattice_move(x_half, half_step * u_new);
    int step = first_step + i;
    taken++;
    // first crossing of the sphere: x -> x_half along u, then x_half -> x_new along u_new
    if (r > 0.0 && !crossed) {
      vec3 q0 = relative_to_observer(x);
      vec3 q1 = relative_to_observer(x_half);
      vec3 q2 = relative_to_observer(x_new);
      if (dot(q1, q1) >= r * r) {
        float a = sphere_entry_distance(q0, u, r);
        crsky_out_cross0 = vec4(q0 + a * u, a);
        crsky_out_cross1 = vec4(u, float(step));
        crossed = true;
      } else if (dot(q2, q2) >= r * r) {
        float a = sphere_entry_distance(q1, u_new, r);
        crsky_out_cross0 = vec4(q1 + a * u_new, half_step + a);
        crsky_out_cross1 = vec4(u_new, float(step));
        crossed = true;
      }
    }
    x = x_new;
    u = u_new;
    stopped = crossed && step >= stop_step;
  }
  uvec3 d = uvec3(ud);
  crsky_out_state1 = vec4(halves_of(x.fraction.x), halves_of(x.fraction.y));
  crsky_out_state2 = vec4(halves_of(x.fraction.z), halves_of(d.x));
  crsky_out_state3 = vec4(halves_of(d.y), halves_of(d.z));
  return vec4(vec3(x.cell), steps + float(taken));
}`,
      returnType: 'Array(4)',
      argumentTypes: vec4s('s0', 's1', 's2', 's3', 'c0', 'c1', 'p0', 'p1', 'p2'),
    },
    ...STATE_ACCESSORS,
  ];
}

/** The mode sum over the table in the `modes` texture (4 texels per mode, pack.ts). */
export const FIELD_MODES_TEXTURE = /* glsl */ `vec3 crsky_field_modes(LatticePoint x, int mode_count) {
  uvec3 cell = uvec3(x.cell);
  vec3 centred = vec3(ivec3(x.fraction - uvec3(0x80000000u))) * CELLS_PER_UNIT;
  vec3 b = vec3(0.0);
  int width = user_modesSize.x;
  for (int n = 0; n < mode_count; n++) {
    int t = n * ${MODE_TEXELS};
    vec4 t0 = texelFetch(user_modes, ivec2(t % width, t / width), 0);
    vec4 t1 = texelFetch(user_modes, ivec2((t + 1) % width, (t + 1) / width), 0);
    vec4 t2 = texelFetch(user_modes, ivec2((t + 2) % width, (t + 2) / width), 0);
    vec4 t3 = texelFetch(user_modes, ivec2((t + 3) % width, (t + 3) / width), 0);
    uvec4 words = uvec4(word_of(t0.x, t0.y), word_of(t0.z, t0.w), word_of(t1.x, t1.y), word_of(t1.z, t1.w));
    b = mode_term(b, cell, centred, words, t2.xyz, t3.xyz);
  }
  return b;
}`;

/** A GLSL float literal that reads back as exactly `x` (an f32 value): 9 significant digits. */
function f32Literal(x: number): string {
  const s = x.toPrecision(9);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/**
 * The mode sum with the table compiled in as constants, one line per mode, as the WebGPU
 * backend does on CPU adapters (src/sim/webgpu/inline.ts): on SwiftShader a texture fetch costs
 * more than a mode's arithmetic, constants cost nothing; the price is a compile per field.
 * `texels` is pack.ts's table, words as 16-bit halves.
 */
export function fieldModesInline(texels: Float32Array, count: number): string {
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const o = n * MODE_TEXELS * 4;
    const words = [0, 1, 2, 3].map((w) => `${texels[o + 2 * w] * 65536 + texels[o + 2 * w + 1]}u`).join(', ');
    const k = [8, 9, 10].map((i) => f32Literal(texels[o + i])).join(', ');
    const a = [12, 13, 14].map((i) => f32Literal(texels[o + i])).join(', ');
    lines.push(`  b = mode_term(b, cell, centred, uvec4(${words}), vec3(${k}), vec3(${a}));`);
  }
  return [
    `vec3 crsky_field_modes(LatticePoint x, int mode_count) {`,
    '  uvec3 cell = uvec3(x.cell);',
    '  vec3 centred = vec3(ivec3(x.fraction - uvec3(0x80000000u))) * CELLS_PER_UNIT;',
    '  vec3 b = vec3(0.0);',
    ...lines,
    '  return b;',
    '}',
  ].join('\n');
}

/** Kernel-map outputs besides `result` (state 0), in order. */
export const OUTPUTS = ['state1', 'state2', 'state3', 'cross0', 'cross1'] as const;
export type OutputName = (typeof OUTPUTS)[number];

/**
 * The sub-kernels and the root kernel as source text: gpu.js parses function source, and text
 * survives bundlers and minifiers that rename functions. The root runs `crskyTrack` once per
 * particle and hands its results to the map's outputs.
 */
export const STEP_SUBKERNELS: Readonly<Record<OutputName, string>> = {
  state1: 'function saveState1(v) { return v; }',
  state2: 'function saveState2(v) { return v; }',
  state3: 'function saveState3(v) { return v; }',
  cross0: 'function saveCross0(v) { return v; }',
  cross1: 'function saveCross1(v) { return v; }',
};

export const STEP_KERNEL = `function (s0, s1, s2, s3, c0, c1, modes, p0x, p0y, p0z, p0w, p1x, p1y, p1z, p1w, p2x, p2y, p2z, p2w) {
  const i = this.thread.x;
  const s = crskyTrack(s0[i], s1[i], s2[i], s3[i], c0[i], c1[i], [p0x, p0y, p0z, p0w], [p1x, p1y, p1z, p1w], [p2x, p2y, p2z, p2w]);
  saveState1(crskyState1());
  saveState2(crskyState2());
  saveState3(crskyState3());
  saveCross0(crskyCross0());
  saveCross1(crskyCross1());
  return s;
}`;

/** Uploads launch states: copies flat arrays (4 floats per particle) into state textures. */
export const LAUNCH_SUBKERNELS: Readonly<Record<OutputName, string>> = STEP_SUBKERNELS;
export const LAUNCH_NATIVE: readonly NativeFunction[] = [
  {
    name: 'crskyLaunch',
    source: /* glsl */ `vec4 crskyLaunch(float i) {
  // the flat launch array holds the 6 state vectors of each particle in a row
  int width = user_launchSize.x;
  int t = int(i) * 6;
  crsky_out_state1 = texelFetch(user_launch, ivec2((t + 1) % width, (t + 1) / width), 0);
  crsky_out_state2 = texelFetch(user_launch, ivec2((t + 2) % width, (t + 2) / width), 0);
  crsky_out_state3 = texelFetch(user_launch, ivec2((t + 3) % width, (t + 3) / width), 0);
  crsky_out_cross0 = texelFetch(user_launch, ivec2((t + 4) % width, (t + 4) / width), 0);
  crsky_out_cross1 = texelFetch(user_launch, ivec2((t + 5) % width, (t + 5) / width), 0);
  return texelFetch(user_launch, ivec2(t % width, t / width), 0);
}`,
    returnType: 'Array(4)',
    argumentTypes: { i: 'Number' },
  },
  ...STATE_ACCESSORS,
];

export const LAUNCH_KERNEL = `function (launch) {
  const s = crskyLaunch(this.thread.x);
  saveState1(crskyState1());
  saveState2(crskyState2());
  saveState3(crskyState3());
  saveCross0(crskyCross0());
  saveCross1(crskyCross1());
  return s;
}`;
