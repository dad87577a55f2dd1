// Field module: B = B0 + Σ_n a_n cos(k_n·x + β_n), plane waves. Appended to track.wgsl together
// with one definition of `field_modes` that sums `mode_term` over the table:
//   modes_loop.wgsl + modes_uniform.wgsl or modes_storage.wgsl: a loop over a buffer;
//   the module src/sim/webgpu/inline.ts generates: the table as constants, one line per mode
//   (on lavapipe every buffer load inside a loop becomes a per-lane gather; constants do not).
// Both sum mode n into partial sum n mod 4 and add the four at the end: the f32 sum's round-off
// grows with the terms per sum, so this halves it, at no cost per mode (docs/webgpu.md, Precision).
//
// Phase in turns (1 turn = 2π rad) at x = (cell + s) Λ, s = fraction · 2^-32 in [0, 1), with the
// lattice anchored at the observer (the host folds k·x_obs into the phase in float64):
//   φ_n / 2π = [cell · F_n + P_n]  +  K_n · (s - 1/2)
//   F_n = k_n Λ / 2π  as 32-bit fixed point (turns per cell, exact wrap-around mod 1 turn),
//   P_n = phase at the centre of cell 0, 32-bit fixed point, K_n = k_n Λ / 2π in f32.
// The bracket is exact integer arithmetic mod 2^32 whatever the cell; |K_n| <= 1/2 because
// Λ <= π / k_max, so the f32 part stays below 0.44 turn and keeps ~2^-25 turn resolution.
//
// Error budget (turns; ×2π for radians):
//   fixed-point F_n rounding:  <= 2^-33 per cell step along each axis: |cell|_1 · 2^-33
//                              (1e5 cells from the observer: 1.2e-5 turn; the phase error of a
//                              slightly different k_n, i.e. a smooth and tiny change of k)
//   i32 -> f32 of the bracket: <= 2^-26;  K_n · (s - 1/2): ~ 2^-26;  the sum: <= 2^-25
//   folding the sum into a quarter turn (cos_turns): exact for |t| >= 1/4, else <= 2^-26
//   cos_turns polynomial (f32): degree 9: 1.9e-7 absolute at worst, 4e-8 rms;
//                               degree 7: 7.2e-7 at worst, 4.2e-7 rms (COS_TURNS_DEGREE below)
// so near the observer each cos is good to a few 1e-7, versus 2^-11 promised for WGSL's cos.
//
// COS_TURNS_DEGREE (the prelude, layout.ts cosTurnsDegree) is 7 from 1024 modes: two vector
// instructions fewer per mode (33 -> 31 on lavapipe, +8 % steps at 1024 modes), and there the
// f32 sum's own round-off is as large as the shorter polynomial's error: with the four partial
// sums the field's rms error is that of the degree-9 single sum this kernel had before (6.9e-7
// against 6.7e-7 B_rms; below 1024 modes the partial sums make it smaller, 2.1e-7 against 3.7e-7
// at 256: src/sim/webgpu/field-modes.test.ts).

// Mode: 48 bytes (array stride 48; layout.ts MODE_BYTES, lattice.ts packModes).
struct Mode {
  turns_per_cell: vec3<u32>,  //  0: F_n, k_n Λ / 2π per axis in units of 2^-32 turn (two's complement)
  centre_phase: u32,          // 12: P_n, phase at the centre of cell 0 in units of 2^-32 turn
  k_turns: vec3<f32>,         // 16: K_n = k_n Λ / 2π, turns per cell
                              // 28: 4 bytes padding
  amplitude: vec3<f32>,       // 32: a_n, uG
                              // 44: 4 bytes padding
}

// Minimax odd polynomials for sin(2π r) on |r| <= 1/4 (absolute error; scratch Remez, f64):
// degree 9, r (S0 + S1 r² + ... + S4 r^8), and degree 7, r (T0 + T1 r² + T2 r^4 + T3 r^6).
const SIN_TURNS_S0: f32 = 6.2831851601e+00;
const SIN_TURNS_S1: f32 = -4.1341655031e+01;
const SIN_TURNS_S2: f32 = 8.1601004068e+01;
const SIN_TURNS_S3: f32 = -7.6549782152e+01;
const SIN_TURNS_S4: f32 = 3.9536704904e+01;
const SIN_TURNS_T0: f32 = 6.2831640443e+00;
const SIN_TURNS_T1: f32 = -4.1337142371e+01;
const SIN_TURNS_T2: f32 = 8.1340768888e+01;
const SIN_TURNS_T3: f32 = -7.0993433272e+01;

// One unit of the fixed-point phase, in turns.
const TURNS_PER_UNIT: f32 = 2.3283064365386963e-10; // 2^-32

// cos(2π y) for |y| < 1, as sin(2π r) with r = ||y| - 1/2| - 1/4 in [-1/4, 1/4]: cos is even,
// cos(2π u) = -cos(2π (u - 1/2)), and -cos(2π v) = sin(2π (|v| - 1/4)). The subtractions are
// exact for |y| >= 1/4 (Sterbenz); below, |y| - 1/2 rounds to 2^-26 turn at most (1e-7 in the
// cos, under the polynomial's error; t - round(t), 1/4 - |t| rounded to 2^-27 before). Four
// instructions replace round, subtract, abs, subtract (vrndscaleps is two micro-ops on the port
// that also takes the integer multiplies).
// Written r S0 + r z (S1 + z (...)) so its last operation is an add: with the last a multiply
// (r · p), Mesa moved the inline amplitudes into the product, a·(p r) -> (a p) r, two multiplies
// more per mode.
fn cos_turns(y: f32) -> f32 {
  let r = abs(abs(y) - 0.5) - 0.25;
  let z = r * r;
  if (COS_TURNS_DEGREE == 7u) {
    let q = (SIN_TURNS_T3 * z + SIN_TURNS_T2) * z + SIN_TURNS_T1;
    return (r * z) * q + r * SIN_TURNS_T0;
  }
  var q = SIN_TURNS_S4 * z + SIN_TURNS_S3;
  q = q * z + SIN_TURNS_S2;
  q = q * z + SIN_TURNS_S1;
  return (r * z) * q + r * SIN_TURNS_S0;
}

// φ_n / 2π in (-1, 1): the exact bracket in [-1/2, 1/2) plus the f32 part; `centred` = s - 1/2 in cells.
fn mode_phase_turns(m: Mode, cell: vec3<u32>, centred: vec3<f32>) -> f32 {
  // exact mod 2^32 (u32 arithmetic wraps)
  let whole = cell.x * m.turns_per_cell.x + cell.y * m.turns_per_cell.y + cell.z * m.turns_per_cell.z + m.centre_phase;
  let fraction = m.k_turns.x * centred.x + m.k_turns.y * centred.y + m.k_turns.z * centred.z;
  return f32(bitcast<i32>(whole)) * TURNS_PER_UNIT + fraction;
}

// b + a_n cos(φ_n(x)): one term of the sum.
fn mode_term(b: vec3<f32>, m: Mode, cell: vec3<u32>, centred: vec3<f32>) -> vec3<f32> {
  return b + m.amplitude * cos_turns(mode_phase_turns(m, cell, centred));
}

// The lattice cell as u32 (two's complement) for the fixed-point products.
fn mode_cell(x: LatticePoint) -> vec3<u32> {
  return bitcast<vec3<u32>>(x.cell);
}

// s - 1/2 in cells, exactly in fixed point (u32 wrap), then to f32.
fn mode_centred(x: LatticePoint) -> vec3<f32> {
  return vec3<f32>(bitcast<vec3<i32>>(x.fraction - vec3<u32>(0x80000000u))) * CELLS_PER_UNIT;
}

fn magnetic_field(x: LatticePoint) -> vec3<f32> {
  return params.b0 + field_modes(x);
}
