/**
 * Limits of the running diffusion coefficient D_ii(t) = ⟨Δx_i²⟩/(2t) that need no transport
 * theory (docs/physics.md "Diffusion: hard limits"). Units: t as path length c·t in pc, lengths
 * in pc, so D comes out in pc (units of c·pc); multiply by PC_C_IN_CM2_PER_S for cm²/s.
 *
 * Small-angle scattering (r_g ≫ L_c). Over a path s ≫ L_c a particle crosses many independent
 * cells and its direction u random-walks: with du/ds = ±u × b(x)/r_g (b = δB/B_rms, r_g from
 * B_rms), ⟨|Δu|²⟩ = s/r_g² ∫_{-∞}^{∞} ⟨b⊥(0)·b⊥(z ẑ)⟩ dz. For isotropic solenoidal turbulence the
 * transverse correlation integrates to half the trace one, ∫_{-∞}^{∞}⟨b⊥·b⊥⟩ dz = ∫_0^∞ ⟨b·b⟩ dr
 * = L_c/2 with crsky's two-sided L_c = 2∫_0^∞⟨b(0)·b(r)⟩dr (in k-space: π⟨1/k⟩_E/2 against
 * L_c = π⟨1/k⟩_E). So ⟨θ²⟩ = s L_c/(2r_g²), i.e. rotational diffusion with D_θ = L_c/(8r_g²);
 * ⟨u(0)·u(s)⟩ = e^{−2D_θ s}, and D = (1/3)∫_0^∞ e^{−2D_θ s} ds = 1/(6D_θ) = 4 r_g²/(3 L_c).
 * With the one-sided length ℓ = L_c/2 the same result reads 2r_g²/(3ℓ).
 */

/** Ballistic start: straight lines in isotropic directions, ⟨Δx_i²⟩ = t²/3, so D_ii = t/6 per axis (pc). */
export function ballisticDiffusionPc(timePc: number): number {
  return timePc / 6;
}

/** ⟨|Δu|²⟩ per pc of straight path through isotropic turbulence: L_c/(2 r_g²), pc⁻¹ (r_g from B_rms, L_c two-sided). */
export function smallAngleDeflectionRatePerPc(rgPc: number, correlationLengthPc: number): number {
  return correlationLengthPc / (2 * rgPc * rgPc);
}

/**
 * The r_g ≫ L_c asymptote of isotropic diffusion, D = 4 r_g²/(3 L_c) per axis (pc), r_g from
 * B_rms (no regular field), L_c crsky's two-sided correlation length. Valid once r_g exceeds the
 * largest scale of the turbulence, so that no mode can bend the particle coherently.
 */
export function smallAngleScatteringDiffusionPc(rgPc: number, correlationLengthPc: number): number {
  return (4 * rgPc * rgPc) / (3 * correlationLengthPc);
}

/**
 * Running D(t) for a velocity that decorrelates exponentially, ⟨u(0)·u(t)⟩ = e^{−t/τ} with
 * τ = 3D∞ (BGK scattering, or the rotational diffusion above with τ = 4r_g²/L_c):
 * D(t) = D∞ [1 − (τ/t)(1 − e^{−t/τ})]. It starts as the ballistic t/6 and levels off at D∞;
 * (D∞ − D(t))/D∞ → τ/t, the slow approach a plateau fit must allow for.
 */
export function exponentialRunningDiffusionPc(timePc: number, plateauPc: number): number {
  const tau = 3 * plateauPc;
  const x = timePc / tau;
  // 1 − (1 − e^{−x})/x without cancellation at small x: expm1.
  return plateauPc * (1 + Math.expm1(-x) / x);
}
