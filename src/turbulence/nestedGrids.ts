/**
 * Nested grids (Giacinti & Sigl 2012, the way they reached l_max/l_min ~ 1e3): several periodic
 * FFT grids of different spacing and box, each carrying its own band of the spectrum, summed.
 * A wide band then costs a few n³ grids instead of one (l_max/l_min)³ grid.
 *
 * Band split: grid 0 (the coarsest) carries wavelengths [split_0, lMax], grid i carries
 * [split_i, split_{i−1}), the finest [lMin, split_{last}). In k each wave vector belongs to exactly
 * one grid: 2π/split_i ≥ |k| > 2π/split_{i−1}, the shell at a split going to the coarser grid. On
 * its own lattice (box_i = n_i h_i, spacing Δk_i = 2π/box_i) each grid follows the recipe of
 * grid.ts with power E(|k|)/|k|² inside its band only. Its share of <dB²> is the spectrum's as
 * its lattice samples it: each lattice point stands for a k-space volume Δk_i³, so
 *   S_i = Σ_{k in band i on lattice i} E(|k|) Δk_i³ / (4π|k|²)    (the lattice sum for ∫_{band i} E dk),
 *   <dB_i²> = B_rms² · S_i / Σ_j S_j,
 * which gives every lattice point of every grid the same spectral density E(k): the summed
 * spectrum has no step at a split (with the continuous ∫E dk as share instead, a grid whose lowest
 * shells are sparse would pile their power onto the few points it has). The node mean of |dB|²
 * summed over the grids is B_rms² exactly. NestedLevel.continuousShare gives the continuous share
 * for comparison. Grids are drawn with independent seeds (config/seeds.ts nestedGridSeed), so
 * their cross terms average to zero.
 *
 * Choosing the grids: a grid resolves wavelengths down to 2h (checked), but trilinear
 * interpolation removes ~15-25 % of the power at λ ~ 2-4h (trilinear.ts), so a split at ≥ 4h of
 * the coarser grid keeps the summed spectrum smooth; and a grid's lowest shells hold few lattice
 * points (none at all between |n| = 1 and √2), so a split at ≤ box/2 of the finer grid keeps its
 * largest scales sampled: the field description shows each grid's lattice share next to the
 * continuous one (4 % apart for a split at box/2, 14 % at box).
 */
import { ConfigError } from '../config/errors.ts';
import type { FieldConfig, NestedGridsConfig, Spectrum } from '../config/schema.ts';
import { nestedGridSeed } from '../config/seeds.ts';
import type { FieldData, GridTurbulence, PeriodicGrid } from './field.ts';
import { generateGridFromPower, latticeStats, type GridSpec } from './grid.ts';
import { regularField } from './regular.ts';
import { describeSpectrum, energySpectrum, spectrumBand } from './spectrum.ts';

export interface NestedLevel {
  readonly spec: GridSpec;
  /** Wavelengths this grid carries, pc: [lMinPc, lMaxPc] (see the file comment for which edge is open). */
  readonly lMinPc: number;
  readonly lMaxPc: number;
  /** Share of <dB²> from the spectrum sampled on this grid's lattice (file comment), Σ over levels = 1. */
  readonly share: number;
  /** ∫_{band} E dk / ∫ E dk of the continuous spectrum, for comparison. */
  readonly continuousShare: number;
  /** B_rms of this grid's nodes, uG. */
  readonly brmsUG: number;
  /** Lattice L_c of this grid's expected power (π Σ P/|k| / Σ P), pc. */
  readonly correlationLengthPc: number;
}

/** ∫ E dk over [kLo, kHi] by Simpson in ln k (4096 intervals, as spectrum.ts correlationLengthPc). */
function bandEnergy(energy: (k: number) => number, kLo: number, kHi: number): number {
  const intervals = 4096;
  const a = Math.log(kLo);
  const h = (Math.log(kHi) - a) / intervals;
  let s = 0;
  for (let i = 0; i <= intervals; i++) {
    const w = i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2;
    const k = i === 0 ? kLo : i === intervals ? kHi : Math.exp(a + i * h);
    s += w * energy(k) * k;
  }
  return (s * h) / 3;
}

/** Relative slack on lattice-shell comparisons (lattice |n|² are integers; see grid.ts). */
const SLACK = 1e-9;

/**
 * Trace variance per lattice point of level i: E(|k|)/|k|² for kLo < |k| ≤ kHi (kLo ≤ |k| for the
 * coarsest level, which starts at the band's kMin), 0 elsewhere, at k = 0 and on Nyquist planes.
 */
function levelPower(energy: (k: number) => number, spec: GridSpec, kLo: number, kHi: number, closedBelow: boolean): (a: number, b: number, c: number) => number {
  const dk = (2 * Math.PI) / (spec.n * spec.spacingPc);
  const lo2 = (kLo / dk) ** 2;
  const hi2 = (kHi / dk) ** 2 * (1 + SLACK);
  const nyquist = -spec.n / 2;
  return (a, b, c) => {
    if (a === nyquist || b === nyquist || c === nyquist) return 0;
    const n2 = a * a + b * b + c * c;
    if (n2 === 0 || n2 > hi2) return 0;
    if (closedBelow ? n2 < lo2 * (1 - SLACK) : n2 <= lo2 * (1 + SLACK)) return 0;
    const k = Math.min(kHi, Math.max(kLo, dk * Math.sqrt(n2)));
    return energy(k) / (k * k);
  };
}

/**
 * The levels of a nested-grid field: each grid's band, share of <dB²> and B_rms, checked to be
 * resolvable (λ ≥ 2h, λ ≤ box, at least one lattice wave vector in the band); throws ConfigError
 * naming the grid otherwise.
 */
export function planNestedGrids(spectrum: Spectrum, brmsUG: number, nested: NestedGridsConfig): NestedLevel[] {
  const { grids, splitWavelengthsPc: splits } = nested;
  const where = 'config: field.turbulence.nestedGrids';
  if (splits.length !== grids.length - 1) throw new ConfigError(`${where}.splitWavelengthsPc: ${splits.length} splits for ${grids.length} grids; need ${grids.length - 1}`);
  const edges = [spectrum.lMaxPc, ...splits, spectrum.lMinPc];
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i] < edges[i - 1])) {
      throw new ConfigError(`${where}.splitWavelengthsPc = [${splits.join(', ')}]: must descend strictly inside the band (lMaxPc ${spectrum.lMaxPc} > splits > lMinPc ${spectrum.lMinPc})`);
    }
  }
  const energy = energySpectrum(spectrum);
  const { kMin, kMax } = spectrumBand(spectrum);
  const total = bandEnergy(energy, kMin, kMax);
  const levels = grids.map((g, i) => {
    const spec: GridSpec = { n: g.n, spacingPc: g.spacingPc };
    const box = g.n * g.spacingPc;
    const lMax = edges[i];
    const lMin = edges[i + 1];
    const at = `${where}.grids[${i}] (n = ${g.n}, spacingPc = ${g.spacingPc}, box ${+box.toPrecision(6)} pc)`;
    if (!(Number.isInteger(g.n) && g.n >= 2 && (g.n & (g.n - 1)) === 0)) throw new ConfigError(`${at}: n must be a power of two`);
    if (lMin < 2 * g.spacingPc * (1 - SLACK)) {
      throw new ConfigError(`${at}: carries wavelengths down to ${lMin} pc, below 2 × spacing = ${2 * g.spacingPc} pc; use a finer grid or move the split to >= ${2 * g.spacingPc} pc`);
    }
    if (lMax > box * (1 + SLACK)) {
      throw new ConfigError(`${at}: carries wavelengths up to ${lMax} pc, more than its box; enlarge the box or move the split below ${+box.toPrecision(6)} pc`);
    }
    const kLo = (2 * Math.PI) / lMax;
    const kHi = (2 * Math.PI) / lMin;
    const power = levelPower(energy, spec, kLo, kHi, i === 0);
    const stats = latticeStats(power, spec);
    if (stats.points === 0) throw new ConfigError(`${at}: no lattice wave vector 2π(a,b,c)/box lies in its band ${lMin}-${lMax} pc; widen the band or enlarge the box`);
    return { spec, lMin, lMax, stats, continuousShare: bandEnergy(energy, kLo, kHi) / total };
  });
  const lattice = levels.reduce((s, lv) => s + lv.stats.energy, 0);
  return levels.map(({ spec, lMin, lMax, stats, continuousShare }) => {
    const share = stats.energy / lattice;
    return { spec, lMinPc: lMin, lMaxPc: lMax, share, continuousShare, brmsUG: brmsUG * Math.sqrt(share), correlationLengthPc: stats.lc };
  });
}

/** The expected-power trace variance function of a level, for generation and tests. */
export function nestedLevelPower(spectrum: Spectrum, level: NestedLevel, index: number): (a: number, b: number, c: number) => number {
  return levelPower(energySpectrum(spectrum), level.spec, (2 * Math.PI) / level.lMaxPc, (2 * Math.PI) / level.lMinPc, index === 0);
}

/** The grids of a nested-grid realization: level i drawn with nestedGridSeed(seed, i). */
export function generateNestedGrids(spectrum: Spectrum, brmsUG: number, nested: NestedGridsConfig, seed: string): { turbulence: GridTurbulence; levels: NestedLevel[] } {
  const levels = planNestedGrids(spectrum, brmsUG, nested);
  const grids: PeriodicGrid[] = levels.map((lv, i) => {
    const g = generateGridFromPower(nestedLevelPower(spectrum, lv, i), lv.brmsUG, lv.spec, nestedGridSeed(seed, i));
    return { n: g.n, spacingPc: g.spacingPc, data: g.data };
  });
  const [coarse, ...finer] = grids;
  return { turbulence: { kind: 'grid', ...coarse, finer }, levels };
}

/**
 * B0 + nested-grid turbulence for a config with method 'nested-grids' (what createField calls):
 * summary B_rms is the configured one (the node mean of |dB|² over all grids), the band the
 * spectrum's, L_c the share-weighted lattice L_c of the levels.
 */
export function nestedGridField(cfg: FieldConfig, seed: string): FieldData {
  const t = cfg.turbulence;
  if (t.nestedGrids === undefined) throw new ConfigError("config: field.turbulence.method 'nested-grids' needs field.turbulence.nestedGrids");
  const b0 = regularField(cfg.b0UG, cfg.b0Direction);
  const { turbulence, levels } = generateNestedGrids(t.spectrum, t.brmsUG, t.nestedGrids, seed);
  const lc = levels.reduce((s, lv) => s + lv.share * lv.correlationLengthPc, 0);
  const grids = levels
    .map((lv) => `${lv.spec.n}^3 × ${+lv.spec.spacingPc.toPrecision(6)} pc (lambda ${+lv.lMinPc.toPrecision(6)}-${+lv.lMaxPc.toPrecision(6)} pc, ${(100 * lv.share).toFixed(1)} % of <dB^2>; continuous spectrum ${(100 * lv.continuousShare).toFixed(1)} %)`)
    .join(' + ');
  return {
    b0,
    turbulence,
    summary: {
      b0,
      brmsUG: t.brmsUG,
      lMinPc: t.spectrum.lMinPc,
      lMaxPc: t.spectrum.lMaxPc,
      correlationLengthPc: lc,
      description: `${describeSpectrum(t.spectrum)}, B_rms ${t.brmsUG} uG; nested periodic grids ${grids}; seed ${seed}`,
    },
  };
}
