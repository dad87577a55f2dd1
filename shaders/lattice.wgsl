// Positions as 64-bit fixed point per axis, x = (cell + fraction · 2^-32) Λ, with an i32 cell and a
// u32 fraction, on a lattice of spacing Λ chosen by the host (src/sim/webgpu/lattice.ts). Every
// position is resolved to 2^-32 Λ however far it is from the observer, and moving by d cells
// rounds only d itself (to 2^-32 cell): no accumulated bias, whatever Λ / h.

// LatticePoint: registers only.
struct LatticePoint {
  cell: vec3<i32>,
  fraction: vec3<u32>,        // position inside the cell, units of 2^-32 cell
}

// One unit of a fraction, in cells, and its inverse.
const CELLS_PER_UNIT: f32 = 2.3283064365386963e-10; // 2^-32
const UNITS_PER_CELL: f32 = 4294967296.0;           // 2^32

// Position inside the cell as f32 cells in [0, 1] (rounded to 24 bits: for evaluating, not storing).
fn lattice_offset(x: LatticePoint) -> vec3<f32> {
  return vec3<f32>(x.fraction) * CELLS_PER_UNIT;
}

// v as i32 for integer-valued v, |v| < 2^22, without a conversion instruction: adding 1.5·2^23
// puts v into the low mantissa bits. (WGSL's i32(f32) saturates, which llvmpipe turns into a
// scalar loop over the lanes; this is two vector instructions.) v must come straight from
// round()/floor(): Mesa may reassociate a sum feeding the addition and lose the exactness.
const ROUND_MAGIC: f32 = 12582912.0;      // 1.5 · 2^23
const ROUND_MAGIC_BITS: i32 = 0x4b400000; // its bit pattern
fn integer_to_i32(v: vec3<f32>) -> vec3<i32> {
  return bitcast<vec3<i32>>(v + ROUND_MAGIC) - vec3<i32>(ROUND_MAGIC_BITS);
}

// round(rest · 2^32) mod 2^32, |rest| <= 1/2 cell, split at 2^12 so both parts stay within
// integer_to_i32's range; rest has 24 significant bits, so the split loses nothing. (rest = +1/2
// gives 2^31, which wraps to the bits of -2^31: the same addend mod 2^32; the carry test in
// lattice_move looks at the sign of rest, not of these bits.)
fn fraction_units(rest: vec3<f32>) -> vec3<u32> {
  let units = rest * UNITS_PER_CELL;
  let high = floor(units * (1.0 / 4096.0)); // |high| <= 2^19
  let low = round(units - high * 4096.0);   // in [0, 4096]
  return bitcast<vec3<u32>>(integer_to_i32(high) << vec3<u32>(12u)) + bitcast<vec3<u32>>(integer_to_i32(low));
}

// x + d, d in cells (|d| < 2^22): whole cells go to the integer part, the rest to the fraction as
// fixed point (|rest| <= 1/2 cell), with the carry or borrow of the 32-bit addition into the cell.
fn lattice_move(x: LatticePoint, d: vec3<f32>) -> LatticePoint {
  let whole = round(d);
  let rest = d - whole;
  let fraction = x.fraction + fraction_units(rest);
  let carry = select(vec3<i32>(0), vec3<i32>(1), (rest > vec3<f32>(0.0)) & (fraction < x.fraction));
  let borrow = select(vec3<i32>(0), vec3<i32>(1), (rest < vec3<f32>(0.0)) & (fraction > x.fraction));
  return LatticePoint(x.cell + integer_to_i32(whole) + carry - borrow, fraction);
}

