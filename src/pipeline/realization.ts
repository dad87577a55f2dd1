/**
 * One realization of a sky-map run, in memory: draw the field, back-track all pixels, apply the
 * Liouville model at every snapshot (or at the sphere), and compute each relative-intensity map's
 * C_l, dipole, diffusion tensor and noise levels. Nothing is written here; the output layer
 * (src/output/runDir/) stores the maps and the record.
 */
import seedrandom from 'seedrandom';
import { vecToLonLat } from '../config/frames.ts';
import { integrationChargeSign } from '../config/derived.ts';
import { fieldSeed, noiseSeed } from '../config/seeds.ts';
import type { Vec3 } from '../config/vec3.ts';
import { createField, type FieldInputs } from '../turbulence/create.ts';
import type { FieldData, FieldSummary } from '../turbulence/field.ts';
import type { EndStates, TrackProgress, Tracker } from '../sim/types.ts';
import { dipoleFromMap } from '../analysis/dipole.ts';
import { backtrackingNoiseLevel } from '../analysis/ensemble.ts';
import { removeMultipoles } from '../analysis/multipoles.ts';
import {
  diffusionTensor,
  dipoleDensity,
  fixedTimeDensity,
  measuredDiffusionTensor,
  pixelMeans,
  relativeIntensity,
  sphereDensity,
  type Tensor3,
} from '../analysis/liouville.ts';
import { alm2cl, map2alm } from '../analysis/harmonics.ts';
import { combineMaps } from '../analysis/spectrumWeights.ts';
import { clMinusMonopole } from './analyze.ts';
import { mapStatistics, type MapStatistics } from './mapStatistics.ts';
import type { BinPlan, MapSpec, RunPlan } from './plan.ts';
import { sumRuleOf, type SumRule } from './sumRule.ts';

export interface Dipole {
  /** Dipole vector in the map's frame. */
  readonly vector: Vec3;
  readonly amplitude: number;
  /** Direction of the vector, degrees (0, 0 for a zero vector). */
  readonly lonDeg: number;
  readonly latDeg: number;
}

/** The numbers of one map of one realization. */
export interface MapRecord {
  readonly label: string;
  readonly timePc: number | null;
  readonly omegaT: number | null;
  /** C_l of the relative-intensity map minus its monopole, l = 0 .. lmax (clMinusMonopole). */
  readonly cl: number[];
  /** Dipole vector of the map in the map's frame, its amplitude and direction (degrees). */
  readonly dipole: Dipole;
  /** Diffusion coefficients measured from the same particles at this time, pc (null at the sphere). */
  readonly diffusion: { readonly parallelPc: number; readonly perpendicularPc: number } | null;
  /** Eq. 71 noise level with the K that the model used (null when not applicable). */
  readonly noiseEq71: number | null;
  /** White-noise level (l >= 1 mean) of the particle densities minus the fitted l <= 2 signal, shuffled over the sky. */
  readonly noiseShuffled: number;
  /** Fraction of particles with a finite density (1 except for sphere crossings). */
  readonly validFraction: number;
  /** Review Eq. 69 for this map (fixed-time model only; pipeline/sumRule.ts). */
  readonly sumRule?: SumRule | null;
  /** Skewness, kurtosis and Minkowski functionals after removing l <= 1 (pipeline/mapStatistics.ts); absent in records of crsky before 0.2. */
  readonly statistics?: MapStatistics;
}

/** One rigidity bin of a spectrum realization: the bin's own maps, as a single-rigidity run records them. */
export interface BinRecord {
  readonly label: string;
  readonly rigidityPV: number;
  readonly weight: number;
  readonly particleSteps: number;
  readonly maps: readonly MapRecord[];
}

/** The cross-spectrum C_l^{XY} of bins x < y (indices into the bins) of one map label. */
export interface CrossPair {
  readonly x: number;
  readonly y: number;
  readonly cl: number[];
}

export interface RealizationRecord {
  readonly index: number;
  readonly fieldSeed: string;
  readonly field: FieldSummary;
  readonly particleSteps: number;
  readonly seconds: number;
  readonly backend: string;
  readonly device: string;
  /** One per plan.maps entry; with a spectrum, the combined (flux-weighted) maps. */
  readonly maps: readonly MapRecord[];
  /** A spectrum run's bins, in increasing rigidity. */
  readonly bins?: readonly BinRecord[];
  /** A spectrum run's cross-spectra between its bins, per map label. */
  readonly cross?: readonly { readonly label: string; readonly pairs: readonly CrossPair[] }[];
}

export interface RealizationResult {
  readonly record: RealizationRecord;
  /** Relative-intensity map per plan.maps entry (RING order, the plan's frame); the combined maps of a spectrum run. */
  readonly maps: readonly Float64Array[];
  /** A spectrum run's maps per bin, then per plan.maps entry. */
  readonly binMaps?: readonly (readonly Float64Array[])[];
  /** The realization's field (its mode table, for saving). */
  readonly field: FieldData;
}

export interface RealizationOptions {
  /** Field data the config names by file (a mode table). */
  readonly inputs?: FieldInputs;
  readonly onProgress?: (p: TrackProgress) => void;
  readonly signal?: AbortSignal;
}

/** Density per particle for one map, and the K it used (fixed-time model). */
function mapDensities(plan: RunPlan, es: EndStates, spec: MapSpec): { f: Float64Array; k: Tensor3 | null; measured: { parallelPc: number; perpendicularPc: number } | null } {
  const lv = plan.config.liouville;
  if (spec.snapshot < 0) return { f: sphereDensity(es.sphere!, plan.observer, plan.gradient), k: null, measured: null };
  const snap = es.snapshots[spec.snapshot];
  const m = measuredDiffusionTensor(snap, plan.observer, plan.b0Direction);
  const measured = { parallelPc: m.parallelPc, perpendicularPc: m.perpendicularPc };
  if (lv.model === 'dipole') return { f: dipoleDensity(snap.directions, plan.dipole), k: null, measured };
  let k: Tensor3 | null = null;
  if (lv.diffusion === 'measured') k = m.tensor;
  else if (lv.diffusion !== 'none') {
    if (plan.b0Direction === null && lv.diffusion.parallelPc !== lv.diffusion.perpendicularPc) {
      throw new Error('liouville.diffusion: B0 = 0 has no preferred axis; give parallelPc = perpendicularPc');
    }
    k = diffusionTensor(lv.diffusion.parallelPc, lv.diffusion.perpendicularPc, plan.b0Direction);
  }
  return { f: fixedTimeDensity(snap, plan.observer, plan.gradient, k), k, measured };
}

/** Fisher–Yates shuffle of a copy, from a seeded stream. */
function shuffled(values: Float64Array, seed: string): Float64Array {
  const rng = seedrandom(seed);
  const a = Float64Array.from(values);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/**
 * The sky of the same particle densities with the large-scale signal taken out and the rest
 * shuffled over the particles: white noise with the variance of the small-scale part. The fitted
 * l <= 2 multipoles of the map (dipole and quadrupole, which dominate the variance) are
 * subtracted first, each particle by its pixel's fitted value, so they do not pose as noise.
 */
export function shuffledSky(f: Float64Array, map: Float64Array, perPixel: number, seed: string): Float64Array {
  const mean = f.reduce((a, v) => (Number.isFinite(v) ? a + v : a), 0) / f.reduce((a, v) => (Number.isFinite(v) ? a + 1 : a), 0);
  const fitted = removeMultipoles(map, { lmax: 2 }).fitted;
  const residual = f.map((v, i) => v - mean * (fitted[Math.floor(i / perPixel)] - 1));
  return relativeIntensity(pixelMeans(shuffled(residual, seed), perPixel));
}

export function whiteLevel(cl: Float64Array, lmin = 1): number {
  // (2l+1)-weighted mean over l >= lmin (default 1): the flat level of white noise.
  let s = 0;
  let w = 0;
  for (let l = lmin; l < cl.length; l++) {
    s += (2 * l + 1) * cl[l];
    w += 2 * l + 1;
  }
  return s / w;
}

/** The dipole of a relative-intensity map, with its direction in the map's frame. */
export function dipoleOf(map: Float64Array): Dipole {
  const fit = dipoleFromMap(map, { relative: true });
  const { lonDeg, latDeg } = fit.amplitude > 0 ? vecToLonLat(fit.vector) : { lonDeg: 0, latDeg: 0 };
  return { vector: fit.vector, amplitude: fit.amplitude, lonDeg, latDeg };
}

/** What tracking one rigidity through a field gives: per map, the map, its numbers and the particles' densities. */
interface TrackedMaps {
  readonly maps: Float64Array[];
  readonly records: MapRecord[];
  /** Density f of every particle, per map (for the combined noise sky of a spectrum run). */
  readonly densities: Float64Array[];
  readonly particleSteps: number;
  readonly backend: string;
  readonly device: string;
}

/** Back-tracks the plan's pixels through `field` and maps them (one rigidity). */
async function trackMaps(plan: RunPlan, tracker: Tracker, index: number, field: FieldData, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<TrackedMaps> {
  const es = await tracker.track(
    {
      field,
      rigidityPV: plan.config.particles.rigidityPV,
      // back-tracking integrates the antiparticle (docs/physics.md Sec. 2)
      chargeSign: integrationChargeSign(plan.config.particles.charge, 'backward'),
      origin: plan.observer,
      directions: plan.directions,
      stepPc: plan.stepPc,
      stop: plan.stop,
    },
    onProgress,
    signal,
  );
  const maps: Float64Array[] = [];
  const densities: Float64Array[] = [];
  const records: MapRecord[] = plan.maps.map((spec, m) => {
    const { f, k, measured } = mapDensities(plan, es, spec);
    const map = relativeIntensity(pixelMeans(f, plan.perPixel));
    maps.push(map);
    densities.push(f);
    const cl = clMinusMonopole(map, plan.lmax);
    const noiseMap = shuffledSky(f, map, plan.perPixel, `${noiseSeed(plan.config.seed, index)}:${m}`);
    return {
      label: spec.label,
      timePc: Number.isFinite(spec.timePc) ? spec.timePc : null,
      omegaT: Number.isFinite(spec.omegaT) ? spec.omegaT : null,
      cl: Array.from(cl),
      // pixel centres are in the map's frame, so the dipole comes out in that frame
      dipole: dipoleOf(map),
      diffusion: measured,
      noiseEq71:
        k === null
          ? null
          : backtrackingNoiseLevel({ npix: plan.npix, timePc: spec.timePc, diffusionTensor: k, gradient: plan.gradient, particlesPerPixel: plan.perPixel }),
      noiseShuffled: whiteLevel(clMinusMonopole(noiseMap, plan.lmax)),
      validFraction: finiteFraction(f),
      statistics: mapStatistics(map),
      sumRule: sumRuleOf(plan, es, spec, map, cl),
    };
  });
  return { maps, records, densities, particleSteps: es.particleSteps, backend: es.backend, device: es.device };
}

function finiteFraction(f: Float64Array): number {
  let valid = 0;
  for (const v of f) if (Number.isFinite(v)) valid++;
  return valid / f.length;
}

/** Runs realization `index` of the plan: its maps and their numbers, in memory. */
export async function runRealization(plan: RunPlan, tracker: Tracker, index: number, opts: RealizationOptions = {}): Promise<RealizationResult> {
  const t0 = performance.now();
  const seed = fieldSeed(plan.config.seed, index);
  const field = createField(plan.config.field, seed, opts.inputs);
  if (plan.spectrum) return runSpectrumRealization(plan, plan.spectrum, tracker, index, field, seed, t0, opts);
  const t = await trackMaps(plan, tracker, index, field, opts.onProgress, opts.signal);
  const record: RealizationRecord = {
    index,
    fieldSeed: seed,
    field: field.summary,
    particleSteps: t.particleSteps,
    seconds: (performance.now() - t0) / 1000,
    backend: t.backend,
    device: t.device,
    maps: t.records,
  };
  return { record, maps: t.maps, field };
}

/**
 * A spectrum realization: one field, every bin tracked through it (bitwise a single-rigidity run
 * at the bin's rigidity), then the combined maps Σ_b w_b I_b with their numbers, and the
 * cross-spectra between the bins.
 */
async function runSpectrumRealization(
  plan: RunPlan,
  bins: readonly BinPlan[],
  tracker: Tracker,
  index: number,
  field: FieldData,
  seed: string,
  t0: number,
  opts: RealizationOptions,
): Promise<RealizationResult> {
  const tracked: TrackedMaps[] = [];
  let steps = 0;
  for (const [b, bin] of bins.entries()) {
    const onProgress = opts.onProgress && ((p: TrackProgress) => opts.onProgress!({ ...p, fraction: (b + p.fraction) / bins.length, particleSteps: steps + p.particleSteps }));
    const t = await trackMaps(bin.plan, tracker, index, field, onProgress, opts.signal);
    steps += t.particleSteps;
    tracked.push(t);
  }
  const weights = bins.map((b) => b.weight);
  const maps: Float64Array[] = [];
  const records: MapRecord[] = plan.maps.map((spec, m) => {
    const map = combineMaps(tracked.map((t) => t.maps[m]), weights);
    maps.push(map);
    // each particle's combined relative density Σ_b w_b f_b/<f_b>: its pixel means are the map
    const g = new Float64Array(tracked[0].densities[m].length);
    tracked.forEach((t, b) => {
      const norm = weights[b] / finiteMean(pixelMeans(t.densities[m], plan.perPixel));
      const f = t.densities[m];
      for (let i = 0; i < g.length; i++) g[i] += norm * f[i];
    });
    const noiseMap = shuffledSky(g, map, plan.perPixel, `${noiseSeed(plan.config.seed, index)}:${m}`);
    return {
      label: spec.label,
      timePc: Number.isFinite(spec.timePc) ? spec.timePc : null,
      omegaT: Number.isFinite(spec.omegaT) ? spec.omegaT : null,
      cl: Array.from(clMinusMonopole(map, plan.lmax)),
      dipole: dipoleOf(map),
      // K differs from bin to bin: each bin's record has its own
      diffusion: null,
      noiseEq71: null,
      noiseShuffled: whiteLevel(clMinusMonopole(noiseMap, plan.lmax)),
      validFraction: finiteFraction(g),
      statistics: mapStatistics(map),
    };
  });
  const binRecords: BinRecord[] = bins.map((b, i) => ({ label: b.label, rigidityPV: b.rigidityPV, weight: b.weight, particleSteps: tracked[i].particleSteps, maps: tracked[i].records }));
  const cross = plan.maps.map((spec, m) => ({ label: spec.label, pairs: binCrossSpectra(tracked.map((t) => t.maps[m]), plan.lmax) }));
  const record: RealizationRecord = {
    index,
    fieldSeed: seed,
    field: field.summary,
    particleSteps: steps,
    seconds: (performance.now() - t0) / 1000,
    backend: tracked[0].backend,
    device: tracked[0].device,
    maps: records,
    bins: binRecords,
    cross,
  };
  return { record, maps, field, binMaps: tracked.map((t) => t.maps) };
}

function finiteMean(a: Float64Array): number {
  let s = 0;
  let c = 0;
  for (const v of a) {
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  return s / c;
}

/**
 * C_l^{XY} of every pair of bins x < y, in crsky's C_l convention (each map minus its monopole,
 * 3 Jacobi iterations: the auto-spectra are the records' cl exactly).
 */
export function binCrossSpectra(maps: readonly Float64Array[], lmax: number): CrossPair[] {
  const alms = maps.map((map) => {
    const monopole = dipoleFromMap(map).monopole;
    return map2alm(Float64Array.from(map, (v) => v - monopole), { lmax, iterations: 3 });
  });
  const pairs: CrossPair[] = [];
  for (let x = 0; x < alms.length; x++) for (let y = x + 1; y < alms.length; y++) pairs.push({ x, y, cl: Array.from(alm2cl(alms[x], alms[y])) });
  return pairs;
}
