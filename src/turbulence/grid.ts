/**
 * FFT-grid turbulence: a Gaussian random field on a periodic n^3 grid (docs/physics.md Sec. 3.3).
 *
 * Recipe, per lattice wave vector k = (2π/box)·(a, b, c), a, b, c in [-n/2, n/2):
 *  - power: only k inside the band [2π/lMax, 2π/lMin] gets any; there the trace variance is
 *    ∝ E(|k|)/|k|^2 (E is the shell-summed 1D spectrum and the k-lattice has a constant density
 *    of points, so a shell of radius k holds ∝ k^2 points);
 *  - amplitude: three complex Gaussians, projected onto the plane ⟂ K (below), scaled by
 *    sqrt(variance);
 *  - real field: the value at -k is the complex conjugate of the value at k;
 *  - two inverse 3D FFTs: one of B̂x + i·B̂y (both Hermitian, so its real and imaginary parts are
 *    bx and by) and one of B̂z;
 *  - normalization: scaled so the mean of |dB|^2 over the nodes is exactly B_rms^2 (up to the
 *    float32 rounding of the stored values).
 *
 * Divergence-free for the field particles actually see. Between nodes the field is the
 * trilinear interpolation of the 8 corner nodes (evaluate.ts), which is never pointwise
 * divergence-free. What it can satisfy exactly is Gauss's law cell by cell: the flux of the
 * interpolated field out of each cell, (1/h)·Σ_c [mean of B_c over the 4 nodes of the +c face -
 * mean over the -c face], is in Fourier space
 *   ∝ Π_d cos(k_d h/2) · Σ_c tan(k_c h/2) B̂_c.
 * So we project B̂ ⟂ K with K_c = tan(k_c h/2) (∝ the continuum k_c for k h ≪ 1) instead of ⟂ k:
 * then every cell of the interpolated field has zero net flux, and the field is still exactly
 * ⟂ k up to O((kh)^2) at resolved scales. The spectrum (trace power per |k|) is unchanged by the
 * choice of projection plane. Lattice points on a Nyquist plane (some index = -n/2) are left
 * empty: tan is infinite there, and they carry no flux through any cell face anyway.
 *
 * Randomness: one seedrandom (ARC4) stream seeded with the seed string. Lattice points are
 * visited in node order (a fastest, then b, then c, indices in [0, n)); for each in-band point
 * whose conjugate partner (-a, -b, -c mod n) comes later in that order, six standard normals are
 * drawn (Re and Im of x, y, z, in that order), by Box-Muller from pairs of rng.quick() values.
 */
import seedrandom from 'seedrandom';
import { ConfigError } from '../config/errors.ts';
import type { Spectrum, Turbulence } from '../config/schema.ts';
import { fft3dInPlace } from './fft3d.ts';
import type { GridTurbulence } from './field.ts';
import { energySpectrum, spectrumBand } from './spectrum.ts';

/** Grid geometry: n nodes per side, spacing h in pc, box = n·h. */
export interface GridSpec {
  readonly n: number;
  readonly spacingPc: number;
}

/** Relative slack on band-edge comparisons, so a box of exactly lMax keeps its |k| = 2π/box shell. */
const EDGE_SLACK = 1e-9;

/** The grid of a turbulence config: gridN and gridSpacingPc (default lMaxPc / gridN), checked. */
export function gridSpecOf(turbulence: Turbulence): GridSpec {
  const n = turbulence.gridN;
  const spacingPc = turbulence.gridSpacingPc ?? turbulence.spectrum.lMaxPc / n;
  const spec = { n, spacingPc };
  checkBandOnGrid(turbulence.spectrum, spec);
  return spec;
}

/**
 * Throws a ConfigError unless the band is resolvable on the grid: lMin >= 2·spacing (at least two
 * nodes per shortest wavelength) and lMax <= box = n·spacing (the outer scale fits the box), and
 * at least one lattice wave vector lies in the band.
 */
export function checkBandOnGrid(spectrum: Spectrum, spec: GridSpec): void {
  const { n, spacingPc } = spec;
  const box = n * spacingPc;
  const where = `(gridN = ${n}, gridSpacingPc = ${spacingPc} pc, box ${box} pc)`;
  if (!(Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0)) {
    throw new ConfigError(`config: field.turbulence.gridN = ${n}: must be a power of two >= 2`);
  }
  if (!(spacingPc > 0 && Number.isFinite(spacingPc))) {
    throw new ConfigError(`config: field.turbulence.gridSpacingPc = ${spacingPc}: must be a finite number > 0`);
  }
  if (spectrum.lMinPc < 2 * spacingPc * (1 - EDGE_SLACK)) {
    throw new ConfigError(
      `config: field.turbulence.spectrum.lMinPc = ${spectrum.lMinPc}: must be >= 2 × grid spacing = ${2 * spacingPc} pc ${where} to be resolved on the grid; raise lMinPc, gridN or lower gridSpacingPc`,
    );
  }
  if (spectrum.lMaxPc > box * (1 + EDGE_SLACK)) {
    throw new ConfigError(
      `config: field.turbulence.spectrum.lMaxPc = ${spectrum.lMaxPc}: must be <= grid box = gridN × gridSpacingPc = ${box} pc ${where}; lower lMaxPc or enlarge the box`,
    );
  }
  if (!latticeHasBandPoint(spectrum, spec)) {
    throw new ConfigError(
      `config: field.turbulence.spectrum (lMinPc = ${spectrum.lMinPc}, lMaxPc = ${spectrum.lMaxPc}): no grid wave vector 2π·(a,b,c)/box lies in the band ${where}; widen the band or use a larger box`,
    );
  }
}

/**
 * Trace variance per lattice point, as a function of the signed lattice indices: ∝ E(|k|)/|k|^2
 * inside the band, 0 outside, at k = 0 and on the Nyquist planes.
 */
function latticePower(spectrum: Spectrum, spec: GridSpec): (a: number, b: number, c: number) => number {
  const { n, spacingPc } = spec;
  const box = n * spacingPc;
  const { kMin, kMax } = spectrumBand(spectrum);
  const energy = energySpectrum(spectrum);
  const dk = (2 * Math.PI) / box;
  const n2Min = (kMin / dk) ** 2 * (1 - EDGE_SLACK);
  const n2Max = (kMax / dk) ** 2 * (1 + EDGE_SLACK);
  const nyquist = -n / 2;
  return (a, b, c) => {
    if (a === nyquist || b === nyquist || c === nyquist) return 0;
    const n2 = a * a + b * b + c * c;
    if (n2 < n2Min || n2 > n2Max || n2 === 0) return 0;
    // Clamp into the band so a point kept by the slack is not dropped by energy()'s own test.
    const k = Math.min(kMax, Math.max(kMin, dk * Math.sqrt(n2)));
    return energy(k) / (k * k);
  };
}

/** Signed lattice index of storage index i in [0, n): i for i < n/2, else i - n. */
const signed = (i: number, n: number): number => (i < n / 2 ? i : i - n);

function latticeHasBandPoint(spectrum: Spectrum, spec: GridSpec): boolean {
  const power = latticePower(spectrum, spec);
  const half = spec.n / 2;
  // Power depends only on |a|, |b|, |c| (and the Nyquist test), so the octant a, b, c >= 0 suffices.
  for (let c = 0; c < half; c++) for (let b = 0; b < half; b++) for (let a = 0; a < half; a++) if (power(a, b, c) > 0) return true;
  return false;
}

/**
 * Expected L_c of the grid field, docs/physics.md's 2∫R dr / R(0) for the lattice spectrum:
 * π Σ_k P(k)/|k| / Σ_k P(k) over the lattice wave vectors in the band (spectrum.ts). It differs
 * from the continuous-spectrum L_c where the band's low end holds only a few lattice shells.
 */
export function gridCorrelationLengthPc(spectrum: Spectrum, spec: GridSpec): number {
  return latticeStats(latticePower(spectrum, spec), spec).lc;
}

/**
 * Over the lattice wave vectors where `power` is non-zero: their number, the lattice L_c
 * (π Σ P/|k| / Σ P) and the lattice sum Σ E Δk³/(4π|k|²) (power = E/|k|²).
 */
export function latticeStats(power: (a: number, b: number, c: number) => number, spec: GridSpec): { points: number; lc: number; energy: number } {
  const { n } = spec;
  const dk = (2 * Math.PI) / (n * spec.spacingPc);
  let overK = 0;
  let total = 0;
  let points = 0;
  // Power depends on |a|, |b|, |c| only (the Nyquist index -n/2 has no +n/2 twin and no power),
  // so sum one octant with multiplicity 2 per non-zero index.
  for (let c = 0; c < n / 2; c++) {
    for (let b = 0; b < n / 2; b++) {
      for (let a = 0; a < n / 2; a++) {
        const p = power(a, b, c);
        if (p === 0) continue;
        const copies = (a > 0 ? 2 : 1) * (b > 0 ? 2 : 1) * (c > 0 ? 2 : 1);
        points += copies;
        overK += (copies * p) / (dk * Math.sqrt(a * a + b * b + c * c));
        total += copies * p;
      }
    }
  }
  return { points, lc: total > 0 ? (Math.PI * overK) / total : 0, energy: (total * dk ** 3) / (4 * Math.PI) };
}

/**
 * A grid realization of `spectrum` with mean |dB|^2 over the nodes = brmsUG^2. Checks the band
 * first (checkBandOnGrid). Memory: two complex float64 n^3 arrays (32·n^3 bytes) plus the float32
 * result (12·n^3 bytes): about 0.74 GB at n = 256.
 */
export function generateGrid(spectrum: Spectrum, brmsUG: number, spec: GridSpec, seed: string): GridTurbulence {
  checkBandOnGrid(spectrum, spec);
  return generateGridFromPower(latticePower(spectrum, spec), brmsUG, spec, seed);
}

/**
 * The recipe of the file comment with a given trace variance per lattice point, as a function of
 * the signed lattice indices (a, b, c) (only its ratios matter: the result is normalized to mean
 * |dB|^2 = brmsUG^2 over the nodes). It must be even in each index and 0 at k = 0 and on the
 * Nyquist planes. nestedGrids.ts gives each grid its own band this way.
 */
export function generateGridFromPower(power: (a: number, b: number, c: number) => number, brmsUG: number, spec: GridSpec, seed: string): GridTurbulence {
  const { n, spacingPc } = spec;
  const nodes = n * n * n;
  // tan(π i / n) for signed lattice index i: the cell-flux wave vector K up to a factor 2/h.
  const tanK = Float64Array.from({ length: n }, (_, i) => Math.tan((Math.PI * signed(i, n)) / n));
  const xy = new Float64Array(2 * nodes); // B̂x + i·B̂y
  const zz = new Float64Array(2 * nodes); // B̂z
  const rng = seedrandom(seed);
  let spare = NaN;
  const normal = (): number => {
    // Box-Muller, both outputs used; 1 - quick() lies in (0, 1] so the log is finite.
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng.quick()));
    const t = 2 * Math.PI * rng.quick();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };

  for (let c = 0; c < n; c++) {
    const sc = signed(c, n);
    const pc = ((n - c) & (n - 1)) * n * n;
    for (let b = 0; b < n; b++) {
      const sb = signed(b, n);
      const pb = ((n - b) & (n - 1)) * n;
      for (let a = 0; a < n; a++) {
        const idx = a + n * (b + n * c);
        const partner = ((n - a) & (n - 1)) + pb + pc;
        if (partner <= idx) continue; // drawn with its partner already, or self-conjugate (no power)
        const p = power(signed(a, n), sb, sc);
        if (p === 0) continue;
        let xr = normal();
        let xi = normal();
        let yr = normal();
        let yi = normal();
        let zr = normal();
        let zi = normal();
        // Project onto the plane ⟂ K (real and imaginary parts separately).
        let kx = tanK[a];
        let ky = tanK[b];
        let kz = tanK[c];
        const kn = Math.hypot(kx, ky, kz);
        kx /= kn;
        ky /= kn;
        kz /= kn;
        const dr = kx * xr + ky * yr + kz * zr;
        const di = kx * xi + ky * yi + kz * zi;
        const amp = Math.sqrt(p);
        xr = amp * (xr - kx * dr);
        yr = amp * (yr - ky * dr);
        zr = amp * (zr - kz * dr);
        xi = amp * (xi - kx * di);
        yi = amp * (yi - ky * di);
        zi = amp * (zi - kz * di);
        // B̂x + i·B̂y at k, and its conjugate-symmetric partner at -k: conj(B̂x) + i·conj(B̂y).
        xy[2 * idx] = xr - yi;
        xy[2 * idx + 1] = xi + yr;
        xy[2 * partner] = xr + yi;
        xy[2 * partner + 1] = yr - xi;
        zz[2 * idx] = zr;
        zz[2 * idx + 1] = zi;
        zz[2 * partner] = zr;
        zz[2 * partner + 1] = -zi;
      }
    }
  }

  fft3dInPlace(xy, n, 'inverse');
  fft3dInPlace(zz, n, 'inverse');
  let sum2 = 0;
  for (let i = 0; i < nodes; i++) sum2 += xy[2 * i] ** 2 + xy[2 * i + 1] ** 2 + zz[2 * i] ** 2;
  const scale = brmsUG / Math.sqrt(sum2 / nodes);
  const data = new Float32Array(3 * nodes);
  for (let i = 0; i < nodes; i++) {
    data[3 * i] = xy[2 * i] * scale;
    data[3 * i + 1] = xy[2 * i + 1] * scale;
    data[3 * i + 2] = zz[2 * i] * scale;
  }
  return { kind: 'grid', n, spacingPc, data };
}
