// dB(x) = Σ_n a_n cos(φ_n(x)) over the mode table in a buffer (modes_uniform.wgsl or
// modes_storage.wgsl). Used on GPUs; lavapipe gets the generated unrolled form (inline.ts).
// Mode n goes into partial sum n mod 4, in the order of inline.ts, so both forms add the same
// values in the same order (field_modes.wgsl).

fn field_modes(x: LatticePoint) -> vec3<f32> {
  let cell = mode_cell(x);
  let centred = mode_centred(x);
  var b0 = vec3<f32>(0.0);
  var b1 = vec3<f32>(0.0);
  var b2 = vec3<f32>(0.0);
  var b3 = vec3<f32>(0.0);
  var n = 0u;
  for (; n + 4u <= MODE_COUNT; n += 4u) {
    b0 = mode_term(b0, modes[n], cell, centred);
    b1 = mode_term(b1, modes[n + 1u], cell, centred);
    b2 = mode_term(b2, modes[n + 2u], cell, centred);
    b3 = mode_term(b3, modes[n + 3u], cell, centred);
  }
  if (n < MODE_COUNT) { b0 = mode_term(b0, modes[n], cell, centred); }
  if (n + 1u < MODE_COUNT) { b1 = mode_term(b1, modes[n + 1u], cell, centred); }
  if (n + 2u < MODE_COUNT) { b2 = mode_term(b2, modes[n + 2u], cell, centred); }
  return (b0 + b1) + (b2 + b3);
}
