/**
 * Rigidity bins of an energy spectrum and composition, and each bin's weight in the combined sky.
 *
 * Flux model at the observer, per species s (charge Z_s, flux fraction f_s at the reference
 * energy E_ref, index γ_s, default the common γ):
 *   dN_s/dE = f_s · A · (E/E_ref)^(−γ_s)                     (per energy, area, time, solid angle)
 * Total energy and rigidity of an ultra-relativistic nucleus: E = Z·R, so E in PeV = Z · R in PV.
 * A bin is a species and an energy interval [E1, E2] (for rigidity bins [Z R1, Z R2]); its flux is
 *   F = f_s · A · ∫_{E1}^{E2} (E/E_ref)^(−γ) dE
 *     = f_s · A · E_ref · [(E2/E_ref)^(1−γ) − (E1/E_ref)^(1−γ)] / (1 − γ)   (γ ≠ 1; E_ref·ln(E2/E1) at γ = 1)
 * and its weight is its share of the flux at the observer, w = F / Σ_all bins F (Σ w = 1).
 *
 * Why these weights: each bin's back-tracked map is a relative intensity I_b(n) (mean 1 over the
 * sky), and the flux from direction n is Σ_b F_b I_b(n), so the combined relative intensity is
 *   I(n) = Σ_b w_b I_b(n).
 * A detector's efficiency would multiply F per bin; that is left to the caller.
 *
 * The bin is back-tracked at its geometric-centre rigidity sqrt(R1·R2). Bins of different species
 * with the same rigidity interval follow the same trajectories (for the same charge sign), so
 * mergeByRigidity adds their weights and they need one run.
 */

export interface Species {
  /** Label, e.g. 'p', 'He', 'CNO', 'Fe'. */
  readonly name: string;
  /** Charge number Z >= 1. */
  readonly z: number;
  /** Share of the flux at the reference energy (fractions are normalized to sum 1). */
  readonly fraction: number;
  /** Own spectral index γ_s (dN/dE ∝ E^−γ_s); default the spectrum's. */
  readonly spectralIndex?: number;
}

export const PROTONS: readonly Species[] = [{ name: 'p', z: 1, fraction: 1 }];

/** Log-spaced energy bins over a range, each species sampled in rigidity R = E/Z. */
export interface EnergyRangeSpectrum {
  readonly kind: 'energy-range';
  readonly energyMinPeV: number;
  readonly energyMaxPeV: number;
  /** Bins per species, equal width in ln E. */
  readonly bins: number;
  /** γ of dN/dE ∝ E^−γ (e.g. 2.7 below the knee). */
  readonly spectralIndex: number;
  readonly composition: readonly Species[];
  /** Energy at which the fractions hold, PeV; default energyMinPeV (irrelevant if all γ_s are equal). */
  readonly referenceEnergyPeV?: number;
}

/** Given rigidity bin edges, every species in each bin (energies Z·R). */
export interface RigidityBinsSpectrum {
  readonly kind: 'rigidity-bins';
  /** Ascending bin edges, PV (n + 1 edges for n bins). */
  readonly edgesPV: readonly number[];
  readonly spectralIndex: number;
  /** Default protons only. */
  readonly composition?: readonly Species[];
  /** Energy at which the fractions hold, PeV; default the proton energy at the lowest edge. */
  readonly referenceEnergyPeV?: number;
}

export type SpectrumSampling = EnergyRangeSpectrum | RigidityBinsSpectrum;

export interface RigidityBin {
  readonly species: string;
  readonly z: number;
  readonly rMinPV: number;
  readonly rMaxPV: number;
  /** Rigidity the bin is back-tracked at: sqrt(rMin·rMax), PV. */
  readonly rigidityPV: number;
  readonly energyMinPeV: number;
  readonly energyMaxPeV: number;
  /** Share of the flux at the observer; Σ over all bins = 1. */
  readonly weight: number;
}

/** ∫_{e1}^{e2} (E/eRef)^(−γ) dE in closed form (no cancellation trouble: e2 > e1 > 0). */
export function powerLawIntegral(e1: number, e2: number, gamma: number, eRef: number): number {
  if (Math.abs(gamma - 1) < 1e-12) return eRef * Math.log(e2 / e1);
  const g = 1 - gamma;
  // eRef·[(e2/eRef)^g − (e1/eRef)^g]/g written as eRef·(e1/eRef)^g·expm1(g·ln(e2/e1))/g
  return (eRef * Math.pow(e1 / eRef, g) * Math.expm1(g * Math.log(e2 / e1))) / g;
}

function checkComposition(species: readonly Species[]): void {
  if (species.length === 0) throw new RangeError('spectrum: the composition is empty');
  let total = 0;
  for (const s of species) {
    if (!(Number.isInteger(s.z) && s.z >= 1)) throw new RangeError(`spectrum: species ${s.name}: Z = ${s.z} must be an integer >= 1`);
    if (!(s.fraction >= 0 && Number.isFinite(s.fraction))) throw new RangeError(`spectrum: species ${s.name}: fraction ${s.fraction} must be finite and >= 0`);
    if (s.spectralIndex !== undefined && !Number.isFinite(s.spectralIndex)) throw new RangeError(`spectrum: species ${s.name}: spectral index must be finite`);
    total += s.fraction;
  }
  if (!(total > 0)) throw new RangeError('spectrum: the fractions add up to 0');
}

/** Energy intervals [E1, E2] in PeV of one species, and the reference energy, of a sampling. */
function energyIntervals(spectrum: SpectrumSampling): { eRef: number; of: (s: Species) => [number, number][] } {
  if (spectrum.kind === 'energy-range') {
    const { energyMinPeV: lo, energyMaxPeV: hi, bins } = spectrum;
    if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new RangeError(`spectrum: need 0 < energyMinPeV < energyMaxPeV, got ${lo}, ${hi}`);
    if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`spectrum: bins = ${bins} must be an integer >= 1`);
    const edges = Array.from({ length: bins + 1 }, (_, i) => (i === 0 ? lo : i === bins ? hi : lo * Math.pow(hi / lo, i / bins)));
    const list = edges.slice(0, -1).map((e, i): [number, number] => [e, edges[i + 1]]);
    return { eRef: spectrum.referenceEnergyPeV ?? lo, of: () => list };
  }
  const edges = spectrum.edgesPV;
  if (edges.length < 2) throw new RangeError('spectrum: rigidity bins need at least two edges');
  for (let i = 0; i < edges.length; i++) {
    if (!(edges[i] > 0 && Number.isFinite(edges[i])) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw new RangeError(`spectrum: rigidity edges must be finite, > 0 and strictly ascending, got [${edges.join(', ')}]`);
    }
  }
  return {
    eRef: spectrum.referenceEnergyPeV ?? edges[0],
    of: (s) => edges.slice(0, -1).map((r, i): [number, number] => [s.z * r, s.z * edges[i + 1]]),
  };
}

/** The rigidity bins of a spectrum with their flux weights (see the file comment for the formula). */
export function spectrumBins(spectrum: SpectrumSampling): RigidityBin[] {
  const composition = spectrum.kind === 'energy-range' ? spectrum.composition : (spectrum.composition ?? PROTONS);
  checkComposition(composition);
  if (!Number.isFinite(spectrum.spectralIndex)) throw new RangeError('spectrum: spectralIndex must be finite');
  const { eRef, of } = energyIntervals(spectrum);
  if (!(eRef > 0 && Number.isFinite(eRef))) throw new RangeError(`spectrum: referenceEnergyPeV = ${eRef} must be finite and > 0`);
  const fractionSum = composition.reduce((s, c) => s + c.fraction, 0);
  const raw: Omit<RigidityBin, 'weight'>[] = [];
  const flux: number[] = [];
  for (const s of composition) {
    const gamma = s.spectralIndex ?? spectrum.spectralIndex;
    for (const [e1, e2] of of(s)) {
      const rMin = e1 / s.z;
      const rMax = e2 / s.z;
      raw.push({ species: s.name, z: s.z, rMinPV: rMin, rMaxPV: rMax, rigidityPV: Math.sqrt(rMin * rMax), energyMinPeV: e1, energyMaxPeV: e2 });
      flux.push((s.fraction / fractionSum) * powerLawIntegral(e1, e2, gamma, eRef));
    }
  }
  const total = flux.reduce((a, f) => a + f, 0);
  return raw.map((b, i) => ({ ...b, weight: flux[i] / total }));
}

export interface MergedRigidityBin {
  readonly rMinPV: number;
  readonly rMaxPV: number;
  readonly rigidityPV: number;
  /** Summed weight of the species in this rigidity interval. */
  readonly weight: number;
  /** Species and their own weights. */
  readonly species: readonly { name: string; z: number; weight: number }[];
}

/**
 * Bins with the same rigidity interval (to 1e-12 relative) merged, their weights added: one
 * back-tracking run serves them all. Sorted by rigidity.
 */
export function mergeByRigidity(bins: readonly RigidityBin[]): MergedRigidityBin[] {
  const sorted = [...bins].sort((a, b) => a.rMinPV - b.rMinPV || a.rMaxPV - b.rMaxPV);
  const out: { rMinPV: number; rMaxPV: number; rigidityPV: number; weight: number; species: { name: string; z: number; weight: number }[] }[] = [];
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(a, b);
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last && same(last.rMinPV, b.rMinPV) && same(last.rMaxPV, b.rMaxPV)) {
      last.weight += b.weight;
      last.species.push({ name: b.species, z: b.z, weight: b.weight });
    } else {
      out.push({ rMinPV: b.rMinPV, rMaxPV: b.rMaxPV, rigidityPV: b.rigidityPV, weight: b.weight, species: [{ name: b.species, z: b.z, weight: b.weight }] });
    }
  }
  return out;
}

/** The combined relative intensity Σ_b w_b I_b(n) of per-bin maps (weights need not be normalized: divided by their sum). */
export function combineMaps(maps: readonly ArrayLike<number>[], weights: readonly number[]): Float64Array {
  if (maps.length === 0 || maps.length !== weights.length) throw new RangeError(`combineMaps: ${maps.length} maps for ${weights.length} weights`);
  const n = maps[0].length;
  const total = weights.reduce((a, w) => a + w, 0);
  if (!(total > 0)) throw new RangeError('combineMaps: the weights add up to 0');
  const out = new Float64Array(n);
  maps.forEach((m, b) => {
    if (m.length !== n) throw new RangeError('combineMaps: maps differ in size');
    const w = weights[b] / total;
    for (let p = 0; p < n; p++) out[p] += w * m[p];
  });
  return out;
}
