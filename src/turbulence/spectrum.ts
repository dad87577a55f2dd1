/**
 * The 1D energy spectra E(k) of docs/physics.md Sec. 3 and the correlation length they imply.
 *
 * E(k) is the shell-summed trace spectrum: <dB^2> = ∫ E(k) dk, and for isotropic turbulence the
 * trace correlation is R(r) = <dB(0)·dB(r)> = ∫ E(k) sin(kr)/(kr) dk (the angle average of
 * e^{ik·r} over a shell is sin(kr)/(kr)). With ∫_0^∞ sin(kr)/(kr) dr = π/(2k):
 *   L_c = 2 ∫_0^∞ R(r) dr / R(0) = π ∫ E(k)/k dk / ∫ E(k) dk,
 * which is how every L_c in this directory is computed (continuous spectra, mode tables, grids).
 */
import type { Spectrum } from '../config/schema.ts';

/** Band limits in pc^-1: kMin = 2π/lMax, kMax = 2π/lMin. */
export function spectrumBand(spectrum: Spectrum): { kMin: number; kMax: number } {
  return { kMin: (2 * Math.PI) / spectrum.lMaxPc, kMax: (2 * Math.PI) / spectrum.lMinPc };
}

/** Kolmogorov power law E(k) = k^(-5/3) inside the band, 0 outside (unnormalized). */
export function kolmogorovEnergy(k: number, kMin: number, kMax: number): number {
  return k >= kMin && k <= kMax ? Math.pow(k, -5 / 3) : 0;
}

/**
 * Ahlers & Mertsch 2015 form E(k) = k^2 / (1 + (kL)^gamma) inside the band, 0 outside
 * (unnormalized); L is the bend-over scale, not the correlation length.
 */
export function ahlersMertschEnergy(k: number, kMin: number, kMax: number, bendoverPc: number, gamma: number): number {
  return k >= kMin && k <= kMax ? (k * k) / (1 + Math.pow(k * bendoverPc, gamma)) : 0;
}

/** E(k) of a configured spectrum, unnormalized, 0 outside [2π/lMax, 2π/lMin]. */
export function energySpectrum(spectrum: Spectrum): (k: number) => number {
  const { kMin, kMax } = spectrumBand(spectrum);
  if (spectrum.kind === 'kolmogorov') return (k) => kolmogorovEnergy(k, kMin, kMax);
  const { bendoverPc, gamma } = spectrum;
  return (k) => ahlersMertschEnergy(k, kMin, kMax, bendoverPc, gamma);
}

/**
 * Closed-form L_c of a power law E ∝ k^(-q) between 2π/lMax and 2π/lMin (docs/physics.md Sec. 3.2):
 *   L_c = (lMax/2) · ((q-1)/q) · (1 - rho^q) / (1 - rho^(q-1)),  rho = lMin/lMax.
 * It is π ∫E/k dk / ∫E dk evaluated in closed form; q = 1 is the limit of that ratio.
 */
export function powerLawCorrelationLengthPc(lMinPc: number, lMaxPc: number, q = 5 / 3): number {
  const rho = lMinPc / lMaxPc;
  if (Math.abs(q - 1) < 1e-12) return ((lMaxPc / 2) * (1 - rho)) / -Math.log(rho);
  return (lMaxPc / 2) * ((q - 1) / q) * ((1 - Math.pow(rho, q)) / (1 - Math.pow(rho, q - 1)));
}

/**
 * L_c = π ∫E/k dk / ∫E dk of any spectrum, by composite Simpson in ln k over the band
 * (both integrands are smooth in ln k: E·k and E), 4096 intervals: relative error far below 1e-9
 * for the spectra above.
 */
export function correlationLengthPc(spectrum: Spectrum): number {
  const energy = energySpectrum(spectrum);
  const { kMin, kMax } = spectrumBand(spectrum);
  const intervals = 4096;
  const a = Math.log(kMin);
  const h = (Math.log(kMax) - a) / intervals;
  let overK = 0; // ∫ E/k dk = ∫ E d(ln k)
  let total = 0; // ∫ E dk   = ∫ E k d(ln k)
  for (let i = 0; i <= intervals; i++) {
    const weight = i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2;
    // Evaluate the end points at the exact band edges so the band test in energy() keeps them.
    const k = i === 0 ? kMin : i === intervals ? kMax : Math.exp(a + i * h);
    const e = energy(k);
    overK += weight * e;
    total += weight * e * k;
  }
  return (Math.PI * overK) / total;
}

/**
 * L_c of a discrete set of modes (plane waves or grid wave vectors): with power p_n at |k_n|,
 * R(r) averaged over directions is Σ p_n sin(k_n r)/(k_n r), so L_c = π Σ p_n/k_n / Σ p_n.
 */
export function discreteCorrelationLengthPc(kMagnitudes: ArrayLike<number>, powers: ArrayLike<number>): number {
  let overK = 0;
  let total = 0;
  for (let i = 0; i < kMagnitudes.length; i++) {
    if (powers[i] === 0) continue; // a silent mode adds nothing, even at k = 0
    overK += powers[i] / kMagnitudes[i];
    total += powers[i];
  }
  return total > 0 ? (Math.PI * overK) / total : 0;
}

/** One-line description of a spectrum, naming which length is which. */
export function describeSpectrum(spectrum: Spectrum): string {
  const band = `lambda ${spectrum.lMinPc}-${spectrum.lMaxPc} pc`;
  if (spectrum.kind === 'kolmogorov') return `Kolmogorov E(k) ∝ k^-5/3, ${band}`;
  return `Ahlers-Mertsch E(k) ∝ k^2/(1+(kL)^${+spectrum.gamma.toPrecision(4)}), bend-over L = ${spectrum.bendoverPc} pc, ${band}`;
}
