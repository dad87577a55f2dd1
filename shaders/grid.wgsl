// The periodic N³ grid and its trilinear interpolation (appended to track.wgsl before
// field_grid.wgsl or field_nested_grids.wgsl, which define magnetic_field from it).
// The lattice is the grid itself (Λ = grid spacing): the cell is the node index before the
// periodic wrap and the position inside the cell is the interpolation weight, exactly as
// evaluate.ts computes floor(x / spacing) and x / spacing - floor(x / spacing).
//
// One component per buffer: a 256³ grid is 64 MiB per component, which fits one storage binding
// (128 MiB on lavapipe), where the interleaved 192 MiB would not.
// Node (i, j, k) of component c sits at index i + N (j + N k) of grid_c, N = 2^GRID_BITS.
// Nested grids (field_nested_grids.wgsl) put their finer grids' nodes after this grid's, in the
// same three buffers, so the bindings do not grow with the number of grids.

// Bind group 1: layout.ts fieldBindGroupLayout('grid' or 'nested-grids').
@group(1) @binding(0) var<storage, read> grid_x: array<f32>;
@group(1) @binding(1) var<storage, read> grid_y: array<f32>;
@group(1) @binding(2) var<storage, read> grid_z: array<f32>;

const GRID_MASK: u32 = (1u << GRID_BITS) - 1u;

// Index of node `cell` after the periodic wrap (two's complement & mask wraps negative cells).
fn grid_node_index(cell: vec3<i32>) -> u32 {
  let w = bitcast<vec3<u32>>(cell) & vec3<u32>(GRID_MASK);
  return w.x | (w.y << GRID_BITS) | (w.z << (2u * GRID_BITS));
}

fn grid_node(index: u32) -> vec3<f32> {
  return vec3<f32>(grid_x[index], grid_y[index], grid_z[index]);
}

// Σ over the 8 corners of a cell of w_corner · B_corner, weights (1-w) or w per axis (b<ijk>: the
// corner at +i, +j, +k); shared by this grid and the nested finer grids.
fn trilinear_blend(w: vec3<f32>, b000: vec3<f32>, b100: vec3<f32>, b010: vec3<f32>, b110: vec3<f32>,
                   b001: vec3<f32>, b101: vec3<f32>, b011: vec3<f32>, b111: vec3<f32>) -> vec3<f32> {
  let v = vec3<f32>(1.0) - w;
  return v.x * v.y * v.z * b000 + w.x * v.y * v.z * b100
       + v.x * w.y * v.z * b010 + w.x * w.y * v.z * b110
       + v.x * v.y * w.z * b001 + w.x * v.y * w.z * b101
       + v.x * w.y * w.z * b011 + w.x * w.y * w.z * b111;
}

fn sample_grid_trilinear(x: LatticePoint) -> vec3<f32> {
  let c = x.cell;
  let b000 = grid_node(grid_node_index(c));
  let b100 = grid_node(grid_node_index(c + vec3<i32>(1, 0, 0)));
  let b010 = grid_node(grid_node_index(c + vec3<i32>(0, 1, 0)));
  let b110 = grid_node(grid_node_index(c + vec3<i32>(1, 1, 0)));
  let b001 = grid_node(grid_node_index(c + vec3<i32>(0, 0, 1)));
  let b101 = grid_node(grid_node_index(c + vec3<i32>(1, 0, 1)));
  let b011 = grid_node(grid_node_index(c + vec3<i32>(0, 1, 1)));
  let b111 = grid_node(grid_node_index(c + vec3<i32>(1, 1, 1)));
  return trilinear_blend(lattice_offset(x), b000, b100, b010, b110, b001, b101, b011, b111);
}
