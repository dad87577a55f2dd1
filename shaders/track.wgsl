// Back-tracking kernel: one invocation per particle, many Boris steps per dispatch.
// The algorithm is docs/integrator.md step for step; docs/webgpu.md explains the lattice
// positions and the error budget.
//
// The host prepends the constants WORKGROUP_SIZE, PARTICLE_CROSSED, ... (src/sim/webgpu/layout.ts)
// and lattice.wgsl, and appends one field module defining
// `fn magnetic_field(x: LatticePoint) -> vec3<f32>` (field_uniform.wgsl, field_modes.wgsl or
// field_grid.wgsl).
//
// Units inside the kernel: lengths in lattice cells (spacing Λ, chosen by the host), field in uG;
// positions are LatticePoints (lattice.wgsl).

// Params: 96 bytes, uniform, rewritten before every dispatch (layout.ts writeParams).
// The kicks are float-float pairs (f32 part + f32 remainder): see boris_change.
struct Params {
  b0: vec3<f32>,              //  0: regular field B0, uG
  kick_per_ug: f32,           // 12: σ h / (2 · 1.081 R): τ = kick_per_ug · B for a full step h (f32 part)
  origin_cell: vec3<i32>,     // 16: lattice cell of the observer
  drift_cells: f32,           // 28: h / (2Λ): a half step in cells
  origin_fraction: vec3<u32>, // 32: the observer's position inside its cell, 2^-32 cell
  last_kick_per_ug: f32,      // 44: kick_per_ug for this dispatch's last step (h' when it lands on T_k), f32 part
  sphere_radius_cells: f32,   // 48: R / Λ, 0 when there is no sphere
  last_drift_cells: f32,      // 52: h' / (2Λ) for the last step
  step_count: u32,            // 56: steps in this dispatch
  first_step: u32,            // 60: global index of this dispatch's first step
  stop_step: u32,             // 64: a particle that has crossed stops after global step >= stop_step
  active_count: u32,          // 68: entries of active_in this dispatch processes, from active_offset
  kick_per_ug_lo: f32,        // 72: kick_per_ug − f32(kick_per_ug)
  last_kick_per_ug_lo: f32,   // 76: the same for last_kick_per_ug
  active_offset: u32,         // 80: first entry of active_in (a round is dispatched in slices)
  _pad0: u32,                 // 84 (three u32, not a vec3: that would align to 96)
  _pad1: u32,                 // 88
  _pad2: u32,                 // 92
}

// Particle: 64 bytes (layout.ts PARTICLE_BYTES), the whole state of one particle.
struct Particle {
  cell: vec3<i32>,            //  0: lattice cell
  status: u32,                // 12: PARTICLE_CROSSED | PARTICLE_STOPPED bits
  fraction: vec3<u32>,        // 16: position inside the cell, 2^-32 cell
  steps: u32,                 // 28: Boris steps taken (a shortened step counts as one)
  direction: vec3<i32>,       // 32: unit momentum u, fixed point: DIRECTION_UNITS per unit
  _pad: u32,                  // 44
  carry: vec3<f32>,           // 48: rounding error of the Boris correction term (boris_change), units
  _pad2: u32,                 // 60
}

// Crossing: 32 bytes (layout.ts CROSSING_BYTES), written once, at the first sphere crossing.
struct Crossing {
  position: vec3<f32>,        //  0: crossing point relative to the observer, cells
  distance: f32,              // 12: path length from the start of the crossing step, cells
  direction: vec3<f32>,       // 16: direction of the segment that crosses
  step: u32,                  // 28: global index of the crossing step
}

// Counters: 8 bytes, zeroed by the host before each dispatch.
struct Counters {
  running: atomic<u32>,       // 0: particles still running after this dispatch (entries of active_out)
  stopped_steps: atomic<u32>, // 4: steps taken in this dispatch by the particles that stopped in it
}

// Bind group 0: layout.ts trackBindGroupLayout() mirrors these bindings.
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> particles: array<Particle>;
@group(0) @binding(2) var<storage, read> active_in: array<u32>;
@group(0) @binding(3) var<storage, read_write> active_out: array<u32>;
@group(0) @binding(4) var<storage, read_write> counters: Counters;
@group(0) @binding(5) var<storage, read_write> crossings: array<Crossing>;
// Bind group 1 belongs to the field module.

// x - x_obs in cells as f32: the exact integer difference plus the fraction difference (< 1 cell).
fn relative_to_observer(x: LatticePoint) -> vec3<f32> {
  let fraction = (vec3<f32>(x.fraction) - vec3<f32>(params.origin_fraction)) * CELLS_PER_UNIT;
  return vec3<f32>(x.cell - params.origin_cell) + fraction;
}

// One Boris rotation with τ = κ B (κ = kick per uG):
//   u' = u + u × τ,  u_new − u = 2/(1 + τ·τ) · (u' × τ) = c y,
//   y = u' × B = w + κ (w × B),  w = u × B,  c = 2κ / (1 + τ·τ).
// In a uniform field every step has the same κ, B and τ·τ, so an f32 rounding of any of them,
// or of the scalar c, is the same relative error of the rotation angle in every step and adds up
// coherently: 1000 gyrations at h = r_g/100 lagged 3.5e-4 rad behind the float64 phase (κ off
// by −2.1e-8, 1 + τ·τ by +3.4e-8). So κ comes as a float-float pair (the host also scales it by
// |B0| / |f32(B0)|, so the rotation rate in B0 is right although B0 is rounded), and c is split:
//   c y = 2κ_hi y  +  2 (κ_lo − κ_hi τ²/(1 + τ²)) y   (the second part ~τ² of the first).
// The parts must not meet in f32 before they are rounded to units: Mesa reassociates float
// sums and folded them back into one rounded c (the phase then ran 1.2e-4 rad ahead). The first
// part changes by ~1e4 units per step and rounds to units as noise. The second is only ~1e2 units
// (h = r_g/100) and varies smoothly, so rounding it alone is biased (a rounded sinusoid: up to
// 1e-4 rad after 1000 gyrations, depending on the pitch): it is rounded with error feedback, its
// rounding error carried to the next step (Particle.carry), so the corrections add up exactly to
// within one unit, whichever way the steps are split into dispatches.
struct BorisChange {
  main: vec3<f32>,            // 2κ_hi y, in direction units (2^-29)
  correction: vec3<f32>,      // 2 (κ_lo − κ_hi τ²/(1 + τ²)) y, in direction units
}

fn boris_change(u: vec3<f32>, b: vec3<f32>, kick: f32, kick_lo: f32) -> BorisChange {
  let w = cross(u, b);
  let y = w + kick * cross(w, b);
  let tau2 = kick * kick * dot(b, b);
  let correction = 2.0 * (kick_lo - kick * tau2 / (1.0 + tau2));
  return BorisChange(((2.0 * DIRECTION_UNITS) * kick) * y, (correction * DIRECTION_UNITS) * y);
}

// Directions are fixed point, 2^-29 per unit (DIRECTION_UNITS, layout.ts). In f32, u + Δu rounds
// to ~3e-8 every step, and nothing restores u·B̂ in a uniform field: the pitch angle random-walks
// and the position along B0 drifts as T^1.5 (1.5e-3 r_g after 100 gyrations for some particles).
// Adding the f32 change Δu (accurate to ~1e-7 |Δu|, |Δu| ≈ h/r_g) to the fixed-point u rounds
// only to 2^-30, so the walk is 4-5x slower at h = r_g/20 and slower still for smaller steps.
fn direction_f32(d: vec3<i32>) -> vec3<f32> {
  return vec3<f32>(d) * DIRECTION_UNIT;
}

// round(units) as i32 for |units| <= 2^30 (|du| <= 2), split at 2^12 as fraction_units
// (lattice.wgsl) does, so both parts stay within integer_to_i32's range; `units` has 24
// significant bits, the split is exact.
fn round_units(units: vec3<f32>) -> vec3<i32> {
  let high = floor(units * (1.0 / 4096.0)); // |high| <= 2^18
  let low = round(units - high * 4096.0);   // in [0, 4096]
  return integer_to_i32(high) * 4096 + integer_to_i32(low);
}

// round(du · 2^29): a change of u in fixed point.
fn direction_units(du: vec3<f32>) -> vec3<i32> {
  return round_units(du * DIRECTION_UNITS);
}

// round(units + carry) with the rounding error carried to the next call (error feedback): the
// rounded values add up to the sum of `units` within one unit however many calls. The split at
// the nearest multiple of 2^12 leaves |v| < 2048 (the usual case: ~1e2 units) untouched, so the
// carry is exact there.
fn round_units_carried(units: vec3<f32>, carry: ptr<function, vec3<f32>>) -> vec3<i32> {
  let v = units + *carry;
  let high = round(v * (1.0 / 4096.0));     // |high| <= 2^18
  let rest = v - high * 4096.0;             // exact, in [-2048, 2048]
  let low = round(rest);
  *carry = rest - low;                      // exact, in [-1/2, 1/2]
  return integer_to_i32(high) * 4096 + integer_to_i32(low);
}

// |u|² − 1 beyond which the fixed-point u is scaled back to the unit sphere. The rotation keeps
// |u| but the roundings of Δu walk it by ~1e-9 per step; an f32 estimate of |u|² is good to
// ~2e-7, so the rescaling (along u: no change of direction) only acts beyond that.
const NORM_TOLERANCE: f32 = 4e-7;

// Distance a >= 0 from p (|p| < r) along the unit vector d to the sphere |p + a d| = r:
// positive root of a² + 2 a (p·d) + |p|² - r² = 0, in the cancellation-free form.
fn sphere_entry_distance(p: vec3<f32>, d: vec3<f32>, r: f32) -> f32 {
  let b = dot(p, d);
  let c = dot(p, p) - r * r;
  let disc = sqrt(max(0.0, b * b - c));
  return select(disc - b, -c / (b + disc), b > 0.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn track(input: TrackInput) {
  let slot = particle_slot(input);
  let writer = writes_state(input);
  if (slot >= params.active_count) {
    return;
  }
  let index = active_in[params.active_offset + slot];
  var state = particles[index];
  var x = LatticePoint(state.cell, state.fraction);
  var ud = state.direction;
  var u = direction_f32(ud);
  var crossed = (state.status & PARTICLE_CROSSED) != 0u;
  var stopped = false;
  var taken = 0u;
  var carry = state.carry;
  // The parameters in registers before the loop: read inside it, llvmpipe reloaded them every
  // step with a bounds check per word (the loop's stores could alias the uniform buffer).
  let step_count = params.step_count;
  let first_step = params.first_step;
  let stop_step = params.stop_step;
  let r = params.sphere_radius_cells;
  let drift = params.drift_cells;
  let last_drift = params.last_drift_cells;
  let kick_full = params.kick_per_ug;
  let kick_full_lo = params.kick_per_ug_lo;
  let kick_last = params.last_kick_per_ug;
  let kick_last_lo = params.last_kick_per_ug_lo;

  loop {
    if (taken == step_count) {
      break;
    }
    let last = taken + 1u == step_count;
    let half = select(drift, last_drift, last);
    let kick = select(kick_full, kick_last, last);
    let kick_lo = select(kick_full_lo, kick_last_lo, last);

    // drift, kick, drift
    let x_half = lattice_move(x, half * u);
    let b = magnetic_field(x_half);
    let du = boris_change(u, b, kick, kick_lo);
    ud += round_units(du.main) + round_units_carried(du.correction, &carry);
    var u_new = direction_f32(ud);
    let norm_error = dot(u_new, u_new) - 1.0;
    if (abs(norm_error) > NORM_TOLERANCE) {
      ud -= direction_units((0.5 * norm_error) * u_new);
      u_new = direction_f32(ud);
    }
    let x_new = lattice_move(x_half, half * u_new);
    let step = first_step + taken;
    taken += 1u;

    // First crossing of the sphere: the path is x -> x_half along u, then x_half -> x_new along
    // u_new. HAS_SPHERE is a kernel constant (layout.ts): without a sphere this code and the
    // per-particle stop below are compiled out, and the loop ends for all particles at once.
    if (HAS_SPHERE && !crossed) {
      let p0 = relative_to_observer(x);
      let p1 = relative_to_observer(x_half);
      let p2 = relative_to_observer(x_new);
      let r2 = r * r;
      if (dot(p1, p1) >= r2) {
        let a = sphere_entry_distance(p0, u, r);
        if (writer) {
          crossings[index] = Crossing(p0 + a * u, a, u, step);
        }
        crossed = true;
      } else if (dot(p2, p2) >= r2) {
        let a = sphere_entry_distance(p1, u_new, r);
        if (writer) {
          crossings[index] = Crossing(p1 + a * u_new, half + a, u_new, step);
        }
        crossed = true;
      }
    }

    x = x_new;
    u = u_new;
    if (HAS_SPHERE && crossed && step >= stop_step) {
      stopped = true;
      break;
    }
  }

  state.cell = x.cell;
  state.fraction = x.fraction;
  state.direction = ud;
  state.carry = carry;
  state.steps += taken;
  state.status = select(0u, PARTICLE_CROSSED, crossed) | select(0u, PARTICLE_STOPPED, stopped);
  if (!writer) {
    return;
  }
  particles[index] = state;
  if (stopped) {
    atomicAdd(&counters.stopped_steps, taken);
  } else {
    active_out[atomicAdd(&counters.running, 1u)] = index;
  }
}
