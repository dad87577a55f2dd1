// Field module: B = B0 + the sum of the trilinear interpolations of nested periodic grids
// (turbulence/nestedGrids.ts): the first grid is grid.wgsl's, on the lattice itself (Λ = its
// spacing), the finer grids follow in the generated `fn finer_grids(x: LatticePoint) -> vec3<f32>`
// (src/sim/webgpu/nested.ts), one sample_finer_grid call per grid with its FinerGrid constants.
//
// A finer grid of N_g = 2^bits nodes and spacing h_g does not share the lattice: its node
// coordinate is x / h_g = (cell + fraction) · Λ / h_g. Mod its box B_g = N_g h_g that is the
// position in turns of the box, (cell + fraction · 2^-32) · S with S = Λ / B_g turns per cell,
// which the host gives as 96-bit fixed point S = turns_int + turns_hi · 2^-32 + turns_lo · 2^-64.
// The kernel forms the turns mod 1 as a u32 of 2^-32 turn, from integer products that wrap mod
// 2^32 exactly: cell · S needs turns_hi and turns_lo (its whole turns drop out), fraction · S
// turns_int and turns_hi. So the position on a finer grid is exact to ~2^-30 turn of its box
// however far from the origin the particle is (an f32 x · Λ/h_g would lose a node's fraction
// 1e5 nodes out). The top `bits` bits of the turns are the node, the rest the weight.

// FinerGrid: registers only (the host compiles each grid's values into the kernel).
struct FinerGrid {
  turns_int: u32,             // whole turns of the box per lattice cell (mod 2^32)
  turns_hi: u32,              // S's fraction, first 32 bits
  turns_lo: u32,              // S's fraction, next 32 bits
  bits: u32,                  // log2 N_g
  offset: u32,                // index of the grid's node 0 in grid_x, grid_y, grid_z
}

// High 32 bits of the 64-bit products a · b (WGSL has no 64-bit integers): from 16-bit halves.
fn mul_high(a: vec3<u32>, b: u32) -> vec3<u32> {
  let a0 = a & vec3<u32>(0xffffu);
  let a1 = a >> vec3<u32>(16u);
  let b0 = b & 0xffffu;
  let b1 = b >> 16u;
  let cross0 = a1 * b0;
  let cross1 = a0 * b1;
  let mid = ((a0 * b0) >> vec3<u32>(16u)) + (cross0 & vec3<u32>(0xffffu)) + (cross1 & vec3<u32>(0xffffu));
  return a1 * b1 + (cross0 >> vec3<u32>(16u)) + (cross1 >> vec3<u32>(16u)) + (mid >> vec3<u32>(16u));
}

// frac(x / B_g) in units of 2^-32 turn. The i32 cell goes in as its u32 bits, c + 2^32 for c < 0:
// that adds 2^32 · turns_lo to the 64-bit product, turns_lo to its high word, taken off again.
fn finer_grid_turns(x: LatticePoint, g: FinerGrid) -> vec3<u32> {
  let c = bitcast<vec3<u32>>(x.cell);
  let negative = select(vec3<u32>(0u), vec3<u32>(g.turns_lo), x.cell < vec3<i32>(0));
  return c * g.turns_hi + (mul_high(c, g.turns_lo) - negative)
       + x.fraction * g.turns_int + mul_high(x.fraction, g.turns_hi);
}

fn sample_finer_grid(x: LatticePoint, g: FinerGrid) -> vec3<f32> {
  let turns = finer_grid_turns(x, g);
  let node = turns >> vec3<u32>(32u - g.bits);
  let w = vec3<f32>(turns << vec3<u32>(g.bits)) * CELLS_PER_UNIT;
  let next = (node + vec3<u32>(1u)) & vec3<u32>((1u << g.bits) - 1u);
  // index = offset + i + N (j + N k)
  let i = vec2<u32>(node.x, next.x) + vec2<u32>(g.offset);
  let j = vec2<u32>(node.y, next.y) << vec2<u32>(g.bits);
  let k = vec2<u32>(node.z, next.z) << vec2<u32>(2u * g.bits);
  let b000 = grid_node(i.x + j.x + k.x);
  let b100 = grid_node(i.y + j.x + k.x);
  let b010 = grid_node(i.x + j.y + k.x);
  let b110 = grid_node(i.y + j.y + k.x);
  let b001 = grid_node(i.x + j.x + k.y);
  let b101 = grid_node(i.y + j.x + k.y);
  let b011 = grid_node(i.x + j.y + k.y);
  let b111 = grid_node(i.y + j.y + k.y);
  return trilinear_blend(w, b000, b100, b010, b110, b001, b101, b011, b111);
}

fn magnetic_field(x: LatticePoint) -> vec3<f32> {
  return params.b0 + (sample_grid_trilinear(x) + finer_grids(x));
}
