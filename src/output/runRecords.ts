/**
 * What a run directory stores about its realizations and its ensemble: the pipeline's records
 * with the relative paths of the files written for them.
 */
import type { BinRecord, MapRecord, RealizationRecord } from '../pipeline/realization.ts';
import type { MapSummary } from '../pipeline/ensemble.ts';
import type { Config } from '../config/schema.ts';
import type { SpectrumBin } from '../pipeline/spectrum.ts';

/** A map record as stored in realizations/rNNNNN.json: with the FITS file's path in the run. */
export interface StoredMapRecord extends MapRecord {
  readonly file: string;
}

/** A spectrum bin's record as stored: its maps with their files (bins/bNN/maps/...). */
export interface StoredBinRecord extends Omit<BinRecord, 'maps'> {
  readonly maps: readonly StoredMapRecord[];
}

export interface StoredRealizationRecord extends Omit<RealizationRecord, 'maps' | 'bins'> {
  /** The config hash of the run that made it (src/output/runDir.ts configHash): resume and merge check it. */
  readonly configHash: string;
  readonly maps: readonly StoredMapRecord[];
  readonly bins?: readonly StoredBinRecord[];
}

export interface StoredMapSummary extends MapSummary {
  readonly files: { readonly clCsv: string; readonly meanMap: string; readonly mapPng: string; readonly clPng: string; readonly clSvg: string };
}

/** A spectrum run's bin in the manifest: the bin, its directory and its maps' summaries (paths from the run root). */
export interface StoredBinSummary extends Omit<SpectrumBin, 'index'> {
  readonly dir: string;
  readonly maps: readonly StoredMapSummary[];
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Which backend made the realizations: one, or 'mixed' (only with --allow-mixed-backends), and per realization. */
export interface ManifestBackend {
  readonly requested: string;
  readonly used: string;
  readonly device: string;
  readonly reason: string;
  readonly realizations: readonly { readonly index: number; readonly backend: string; readonly device: string }[];
}

export interface Manifest {
  readonly crsky: string;
  readonly gitCommit: string;
  readonly command: readonly string[];
  readonly status: 'running' | 'complete';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly configHash: string;
  readonly config: Config;
  readonly seed: number;
  readonly shard: Shard | null;
  readonly realizations: { readonly planned: number[]; readonly done: number[] };
  readonly backend: ManifestBackend | null;
  readonly machine: { readonly cpus: number; readonly cpu: string; readonly platform: string; readonly node: string };
  readonly timings: { readonly particleSteps: number; readonly trackingSeconds: number; readonly particleStepsPerSecond: number; readonly wallSeconds: number } | null;
  readonly maps: readonly StoredMapSummary[] | null;
  /** A spectrum run's bins (their maps; `maps` above are the combined ones); absent for one rigidity. */
  readonly spectrum?: { readonly bins: readonly StoredBinSummary[] } | null;
  /** Physics the config allows but the model does not (src/pipeline/plan.ts planWarnings). */
  readonly warnings?: readonly string[];
}

function storedMaps(maps: readonly MapRecord[], files: readonly string[]): StoredMapRecord[] {
  return maps.map((m, i) => ({
    label: m.label,
    timePc: m.timePc,
    omegaT: m.omegaT,
    file: files[i],
    cl: m.cl,
    dipole: m.dipole,
    diffusion: m.diffusion,
    noiseEq71: m.noiseEq71,
    noiseShuffled: m.noiseShuffled,
    validFraction: m.validFraction,
    ...(m.statistics ? { statistics: m.statistics } : {}),
  }));
}

/**
 * The record as stored: the same fields in the same order, each map with its file; a spectrum
 * run's bins with theirs (`binFiles[b][m]`).
 */
export function storedRecord(record: RealizationRecord, files: readonly string[], configHash: string, binFiles?: readonly (readonly string[])[]): StoredRealizationRecord {
  const { bins, cross, ...rest } = record;
  return {
    ...rest,
    configHash,
    maps: storedMaps(record.maps, files),
    ...(bins ? { bins: bins.map((b, i) => ({ ...b, maps: storedMaps(b.maps, binFiles?.[i] ?? []) })) } : {}),
    ...(cross ? { cross } : {}),
  };
}

/** The manifest's backend: the one that made every realization, or 'mixed', and per realization. */
export function manifestBackend(config: Config, records: readonly StoredRealizationRecord[], reason: string): ManifestBackend {
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const kinds = new Set(sorted.map((r) => `${r.backend}\u0000${r.device}`));
  const backends = new Set(sorted.map((r) => r.backend));
  const first = sorted[0];
  return {
    requested: config.tracking.backend,
    used: backends.size > 1 ? 'mixed' : (first?.backend ?? 'none'),
    device: kinds.size > 1 ? [...new Set(sorted.map((r) => `${r.backend}: ${r.device}`))].join('; ') : (first?.device ?? ''),
    reason,
    realizations: sorted.map((r) => ({ index: r.index, backend: r.backend, device: r.device })),
  };
}
