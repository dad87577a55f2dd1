/**
 * `particles.spectrum`: the rigidity bins a config asks for, their flux weights, and the config of
 * each bin (the run's config at the bin's rigidity). A spectrum run back-tracks every bin through
 * the same field realization (one field per realization, drawn once) and combines the bins'
 * relative intensities with their weights, I(n) = Σ_b w_b I_b(n) (src/analysis/spectrumWeights.ts
 * has the formula of w_b; the kind "rigidities" takes the weights as given, default equal).
 *
 * A bin's config differs from the run's only in particles.rigidityPV (and has no spectrum), so a
 * bin's maps are bitwise those of a single-rigidity run at that rigidity with the same seed.
 *
 * Snapshot t_k must mean the same in every bin for the combined map t_k to exist: a spectrum run
 * takes tracking.timesPc (the same T in every bin) or tracking.timesOmega (the same Ω·T, each bin
 * in its own Ω), not both.
 */
import { ConfigError } from '../config/errors.ts';
import { validateRun } from '../config/derived.ts';
import type { Config, ParticleSpectrum } from '../config/schema.ts';
import { mergeByRigidity, spectrumBins, type SpectrumSampling } from '../analysis/spectrumWeights.ts';

/** Most bins a run may have after species of the same rigidity interval are merged. */
export const MAX_SPECTRUM_BINS = 32;

export interface SpectrumBin {
  /** 0-based, in increasing rigidity. */
  readonly index: number;
  /** Directory and file label: b00, b01, ... */
  readonly label: string;
  /** Rigidity the bin is back-tracked at, PV. */
  readonly rigidityPV: number;
  /** Rigidity interval of the bin, PV (both the rigidity itself for kind "rigidities"). */
  readonly rMinPV: number;
  readonly rMaxPV: number;
  /** Share of the flux at the observer; Σ over the bins = 1. */
  readonly weight: number;
  /** Species in this rigidity interval and their own weights (none for kind "rigidities"). */
  readonly species: readonly { readonly name: string; readonly z: number; readonly weight: number }[];
}

export function binLabel(index: number): string {
  return `b${String(index).padStart(2, '0')}`;
}

function sampling(s: Exclude<ParticleSpectrum, { kind: 'rigidities' }>): SpectrumSampling {
  return s.kind === 'energy-range'
    ? { kind: 'energy-range', energyMinPeV: s.energyMinPeV, energyMaxPeV: s.energyMaxPeV, bins: s.bins, spectralIndex: s.spectralIndex, composition: s.composition, referenceEnergyPeV: s.referenceEnergyPeV }
    : { kind: 'rigidity-bins', edgesPV: s.edgesPV, spectralIndex: s.spectralIndex, composition: s.composition, referenceEnergyPeV: s.referenceEnergyPeV };
}

/** The bins of a spectrum, in increasing rigidity, with weights summing to 1. */
export function spectrumBinsOf(spectrum: ParticleSpectrum): SpectrumBin[] {
  if (spectrum.kind === 'rigidities') {
    const w = spectrum.weights ?? spectrum.rigiditiesPV.map(() => 1);
    const total = w.reduce((a, x) => a + x, 0);
    return spectrum.rigiditiesPV.map((r, i) => ({
      index: i,
      label: binLabel(i),
      rigidityPV: r,
      rMinPV: r,
      rMaxPV: r,
      weight: w[i] / total,
      species: [],
    }));
  }
  let merged;
  try {
    merged = mergeByRigidity(spectrumBins(sampling(spectrum)));
  } catch (e) {
    if (e instanceof RangeError) throw new ConfigError(`config: particles.${e.message}`);
    throw e;
  }
  if (merged.length > MAX_SPECTRUM_BINS) {
    throw new ConfigError(`config: particles.spectrum: ${merged.length} rigidity bins (bins × species with different R = E/Z), over the limit of ${MAX_SPECTRUM_BINS}; use fewer bins or species`);
  }
  return merged.map((b, i) => ({ index: i, label: binLabel(i), rigidityPV: b.rigidityPV, rMinPV: b.rMinPV, rMaxPV: b.rMaxPV, weight: b.weight, species: b.species }));
}

/** The config's bins, or null for a single-rigidity run. */
export function configBins(config: Config): SpectrumBin[] | null {
  return config.particles.spectrum === undefined ? null : spectrumBinsOf(config.particles.spectrum);
}

/** The run's config at one bin's rigidity: a single-rigidity config (no spectrum). */
export function binConfig(config: Config, bin: SpectrumBin): Config {
  const { spectrum: _spectrum, ...particles } = config.particles;
  return { ...config, particles: { ...particles, rigidityPV: bin.rigidityPV } };
}

/**
 * Checks a sky-map run's config before any work (ConfigError naming the field): a single-rigidity
 * config as validateRun does; a spectrum config per bin, with the snapshot times one kind only.
 */
export function validateSimulation(config: Config): void {
  const bins = configBins(config);
  if (bins === null) {
    validateRun(config);
    return;
  }
  const t = config.tracking;
  if (t.timesPc.length > 0 && t.timesOmega.length > 0) {
    throw new ConfigError(
      `config: tracking.timesPc = ${JSON.stringify(t.timesPc)} and tracking.timesOmega = ${JSON.stringify(t.timesOmega)}: with particles.spectrum give one of them (snapshot t_k must mean the same time in every rigidity bin)`,
    );
  }
  for (const b of bins) {
    try {
      validateRun(binConfig(config, b));
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`${e.message} [particles.spectrum bin ${b.label}, R = ${b.rigidityPV.toPrecision(4)} PV]`);
      throw e;
    }
  }
}
