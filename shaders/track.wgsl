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

// Params: 80 bytes, uniform, rewritten before every dispatch (layout.ts writeParams).
struct Params {
  b0: vec3<f32>,              //  0: regular field B0, uG
  kick_per_ug: f32,           // 12: σ h / (2 · 1.081 R): τ = kick_per_ug · B for a full step h
  origin_cell: vec3<i32>,     // 16: lattice cell of the observer
  drift_cells: f32,           // 28: h / (2Λ): a half step in cells
  origin_fraction: vec3<u32>, // 32: the observer's position inside its cell, 2^-32 cell
  last_kick_per_ug: f32,      // 44: kick_per_ug for this dispatch's last step (h' when it lands on T_k)
  sphere_radius_cells: f32,   // 48: R / Λ, 0 when there is no sphere
  last_drift_cells: f32,      // 52: h' / (2Λ) for the last step
  step_count: u32,            // 56: steps in this dispatch
  first_step: u32,            // 60: global index of this dispatch's first step
  stop_step: u32,             // 64: a particle that has crossed stops after global step >= stop_step
  active_count: u32,          // 68: entries of active_in to process
  _pad: vec2<u32>,            // 72
}

// Particle: 48 bytes (layout.ts PARTICLE_BYTES), the whole state of one particle.
struct Particle {
  cell: vec3<i32>,            //  0: lattice cell
  status: u32,                // 12: PARTICLE_CROSSED | PARTICLE_STOPPED bits
  fraction: vec3<u32>,        // 16: position inside the cell, 2^-32 cell
  steps: u32,                 // 28: Boris steps taken (a shortened step counts as one)
  direction: vec3<i32>,       // 32: unit momentum u, fixed point: DIRECTION_UNITS per unit
  _pad: u32,                  // 44
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

// The change of u in one Boris rotation with τ = Ω h/2:
//   u' = u + u × τ,  u_new − u = 2/(1 + τ·τ) · (u' × τ).
fn boris_change(u: vec3<f32>, tau: vec3<f32>) -> vec3<f32> {
  let u_prime = u + cross(u, tau);
  return (2.0 / (1.0 + dot(tau, tau))) * cross(u_prime, tau);
}

// Directions are fixed point, 2^-29 per unit (DIRECTION_UNITS, layout.ts). In f32, u + Δu rounds
// to ~3e-8 every step, and nothing restores u·B̂ in a uniform field: the pitch angle random-walks
// and the position along B0 drifts as T^1.5 (1.5e-3 r_g after 100 gyrations for some particles).
// Adding the f32 change Δu (accurate to ~1e-7 |Δu|, |Δu| ≈ h/r_g) to the fixed-point u rounds
// only to 2^-30, so the walk is 4-5x slower at h = r_g/20 and slower still for smaller steps.
fn direction_f32(d: vec3<i32>) -> vec3<f32> {
  return vec3<f32>(d) * DIRECTION_UNIT;
}

// round(du · 2^29) for |du| <= 2, split at 2^12 as fraction_units (lattice.wgsl) does, so both
// parts stay within integer_to_i32's range; du · 2^29 has 24 significant bits, the split is exact.
fn direction_units(du: vec3<f32>) -> vec3<i32> {
  let units = du * DIRECTION_UNITS;
  let high = floor(units * (1.0 / 4096.0)); // |high| <= 2^18
  let low = round(units - high * 4096.0);   // in [0, 4096]
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
fn track(@builtin(global_invocation_id) gid: vec3<u32>) {
  let slot = gid.x;
  if (slot >= params.active_count) {
    return;
  }
  let index = active_in[slot];
  var state = particles[index];
  var x = LatticePoint(state.cell, state.fraction);
  var ud = state.direction;
  var u = direction_f32(ud);
  var crossed = (state.status & PARTICLE_CROSSED) != 0u;
  let has_sphere = params.sphere_radius_cells > 0.0;
  let r = params.sphere_radius_cells;
  var stopped = false;
  var taken = 0u;

  loop {
    if (taken == params.step_count) {
      break;
    }
    let last = taken + 1u == params.step_count;
    let half = select(params.drift_cells, params.last_drift_cells, last);
    let kick = select(params.kick_per_ug, params.last_kick_per_ug, last);

    // drift, kick, drift
    let x_half = lattice_move(x, half * u);
    let b = magnetic_field(x_half);
    ud += direction_units(boris_change(u, kick * b));
    var u_new = direction_f32(ud);
    let norm_error = dot(u_new, u_new) - 1.0;
    if (abs(norm_error) > NORM_TOLERANCE) {
      ud -= direction_units((0.5 * norm_error) * u_new);
      u_new = direction_f32(ud);
    }
    let x_new = lattice_move(x_half, half * u_new);
    let step = params.first_step + taken;
    taken += 1u;

    // First crossing of the sphere: the path is x -> x_half along u, then x_half -> x_new along u_new.
    if (has_sphere && !crossed) {
      let p0 = relative_to_observer(x);
      let p1 = relative_to_observer(x_half);
      let p2 = relative_to_observer(x_new);
      let r2 = r * r;
      if (dot(p1, p1) >= r2) {
        let a = sphere_entry_distance(p0, u, r);
        crossings[index] = Crossing(p0 + a * u, a, u, step);
        crossed = true;
      } else if (dot(p2, p2) >= r2) {
        let a = sphere_entry_distance(p1, u_new, r);
        crossings[index] = Crossing(p1 + a * u_new, half + a, u_new, step);
        crossed = true;
      }
    }

    x = x_new;
    u = u_new;
    if (crossed && step >= params.stop_step) {
      stopped = true;
      break;
    }
  }

  state.cell = x.cell;
  state.fraction = x.fraction;
  state.direction = ud;
  state.steps += taken;
  state.status = select(0u, PARTICLE_CROSSED, crossed) | select(0u, PARTICLE_STOPPED, stopped);
  particles[index] = state;
  if (stopped) {
    atomicAdd(&counters.stopped_steps, taken);
  } else {
    active_out[atomicAdd(&counters.running, 1u)] = index;
  }
}
