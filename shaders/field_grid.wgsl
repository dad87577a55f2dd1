// Field module: B = B0 + trilinear interpolation on one periodic N³ grid (grid.wgsl).
fn magnetic_field(x: LatticePoint) -> vec3<f32> {
  return params.b0 + sample_grid_trilinear(x);
}
