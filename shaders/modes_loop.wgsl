// dB(x) = Σ_n a_n cos(φ_n(x)) over the mode table in a buffer (modes_uniform.wgsl or
// modes_storage.wgsl). Used on GPUs; lavapipe gets the generated unrolled form (inline.ts).

fn field_modes(x: LatticePoint) -> vec3<f32> {
  let cell = mode_cell(x);
  let centred = mode_centred(x);
  var b = vec3<f32>(0.0);
  for (var n = 0u; n < MODE_COUNT; n++) {
    b = mode_term(b, modes[n], cell, centred);
  }
  return b;
}
