// Field module: B = B0, no turbulence (appended to track.wgsl by the host).

fn magnetic_field(x: LatticePoint) -> vec3<f32> {
  return params.b0;
}
