/**
 * Harmonic (plane-wave) turbulence: dB(x) = Σ_n A_n ξ_n cos(k_n·x + β_n) (docs/physics.md Sec. 3.3).
 *
 * Wavenumbers: the band [kMin, kMax] is cut into `modes` bins of equal width in ln k; mode n
 * sits at the geometric centre of bin n, k_n = kMin·(kMax/kMin)^((n+1/2)/N), and Δk_n is that
 * bin's width. Then Σ E(k_n)Δk_n is the midpoint rule for ∫E dk (error O(Δln k ^2)) and every
 * mode lies inside the band.
 * Amplitudes: A_n = B_rms·sqrt(2 E(k_n)Δk_n / Σ E Δk), so Σ A_n^2/2 = B_rms^2 exactly
 * (<cos^2> = 1/2) in every realization; only directions, polarizations and phases are random.
 *
 * Randomness: one seedrandom (ARC4) stream seeded with the seed string. Draw order, mode by
 * mode in order of increasing k, four draws u1..u4 in [0, 1) each:
 *   u1: cos θ = 2u1 - 1,  u2: φ = 2π u2     (k̂ uniform on the sphere)
 *   u3: polarization angle α = 2π u3 in the plane ⟂ k̂ (ξ = cos α e1 + sin α e2)
 *   u4: phase β = 2π u4
 * e1, e2 are a fixed function of k̂ (see perpendicularBasis); since α is uniform the choice does
 * not matter statistically, but it is part of what makes a realization reproducible.
 */
import seedrandom from 'seedrandom';
import type { Spectrum } from '../config/schema.ts';
import { MODE_A, MODE_K, MODE_PHASE, MODE_STRIDE, type ModeTurbulence } from './field.ts';
import { energySpectrum, spectrumBand } from './spectrum.ts';

/** |k_n| (pc^-1) and Δk_n of `modes` log-spaced modes over the band (see file comment). */
export function logSpacedWavenumbers(kMin: number, kMax: number, modes: number): { k: Float64Array; dk: Float64Array } {
  if (!Number.isInteger(modes) || modes < 1) throw new Error(`plane waves: modes must be an integer >= 1, got ${modes}`);
  if (!(kMin > 0 && kMax > kMin)) throw new Error(`plane waves: need 0 < kMin < kMax, got ${kMin}, ${kMax}`);
  const ratio = kMax / kMin;
  const k = new Float64Array(modes);
  const dk = new Float64Array(modes);
  for (let n = 0; n < modes; n++) {
    k[n] = kMin * Math.pow(ratio, (n + 0.5) / modes);
    dk[n] = kMin * (Math.pow(ratio, (n + 1) / modes) - Math.pow(ratio, n / modes));
  }
  return { k, dk };
}

/** Mode amplitudes A_n = B_rms·sqrt(2 E(k_n)Δk_n / Σ E Δk) in uG. */
export function modeAmplitudes(spectrum: Spectrum, brmsUG: number, k: Float64Array, dk: Float64Array): Float64Array {
  const energy = energySpectrum(spectrum);
  const weights = Float64Array.from(k, (kn, n) => energy(kn) * dk[n]);
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new Error('plane waves: the spectrum has no power in the band');
  return weights.map((w) => brmsUG * Math.sqrt((2 * w) / total));
}

/**
 * Two unit vectors e1, e2 with (e1, e2, k̂) right-handed. e1 = k̂ × (the coordinate axis least
 * aligned with k̂), normalized, which never degenerates.
 */
export function perpendicularBasis(kx: number, ky: number, kz: number): [number, number, number, number, number, number] {
  const ax = Math.abs(kx);
  const ay = Math.abs(ky);
  const az = Math.abs(kz);
  // k̂ × ê_axis for the axis with the smallest |component|
  let e1x: number, e1y: number, e1z: number;
  if (ax <= ay && ax <= az) [e1x, e1y, e1z] = [0, kz, -ky];
  else if (ay <= az) [e1x, e1y, e1z] = [-kz, 0, kx];
  else [e1x, e1y, e1z] = [ky, -kx, 0];
  const n1 = Math.hypot(e1x, e1y, e1z);
  e1x /= n1;
  e1y /= n1;
  e1z /= n1;
  // e2 = k̂ × e1
  const e2x = ky * e1z - kz * e1y;
  const e2y = kz * e1x - kx * e1z;
  const e2z = kx * e1y - ky * e1x;
  return [e1x, e1y, e1z, e2x, e2y, e2z];
}

/** A plane-wave realization of `spectrum` with <dB^2> = brmsUG^2, from one seedrandom stream. */
export function drawPlaneWaves(spectrum: Spectrum, brmsUG: number, modes: number, seed: string): ModeTurbulence {
  const { kMin, kMax } = spectrumBand(spectrum);
  const { k, dk } = logSpacedWavenumbers(kMin, kMax, modes);
  const amplitude = modeAmplitudes(spectrum, brmsUG, k, dk);
  const rng = seedrandom(seed);
  const table = new Float64Array(modes * MODE_STRIDE);
  for (let n = 0; n < modes; n++) {
    const cosTheta = 2 * rng() - 1;
    const phi = 2 * Math.PI * rng();
    const alpha = 2 * Math.PI * rng();
    const beta = 2 * Math.PI * rng();
    const sinTheta = Math.sqrt(Math.max(0, 1 - cosTheta * cosTheta));
    const hx = sinTheta * Math.cos(phi);
    const hy = sinTheta * Math.sin(phi);
    const hz = cosTheta;
    const [e1x, e1y, e1z, e2x, e2y, e2z] = perpendicularBasis(hx, hy, hz);
    const c = Math.cos(alpha);
    const s = Math.sin(alpha);
    const o = n * MODE_STRIDE;
    table[o + MODE_K] = k[n] * hx;
    table[o + MODE_K + 1] = k[n] * hy;
    table[o + MODE_K + 2] = k[n] * hz;
    table[o + MODE_PHASE] = beta;
    table[o + MODE_A] = amplitude[n] * (c * e1x + s * e2x);
    table[o + MODE_A + 1] = amplitude[n] * (c * e1y + s * e2y);
    table[o + MODE_A + 2] = amplitude[n] * (c * e1z + s * e2z);
    // table[o + 7] stays 0: padding to two vec4s per mode.
  }
  return { kind: 'modes', table };
}
