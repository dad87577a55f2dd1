/**
 * What a run directory stores about its realizations and its ensemble: the pipeline's records
 * with the relative paths of the files written for them.
 */
import type { MapRecord, RealizationRecord } from '../pipeline/realization.ts';
import type { MapSummary } from '../pipeline/ensemble.ts';
import type { Config } from '../config/schema.ts';

/** A map record as stored in realizations/rNNNNN.json: with the FITS file's path in the run. */
export interface StoredMapRecord extends MapRecord {
  readonly file: string;
}

export interface StoredRealizationRecord extends Omit<RealizationRecord, 'maps'> {
  readonly maps: readonly StoredMapRecord[];
}

export interface StoredMapSummary extends MapSummary {
  readonly files: { readonly clCsv: string; readonly meanMap: string; readonly mapPng: string; readonly clPng: string; readonly clSvg: string };
}

export interface Shard {
  readonly index: number;
  readonly count: number;
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
  readonly backend: { readonly requested: string; readonly used: string; readonly device: string; readonly reason: string } | null;
  readonly machine: { readonly cpus: number; readonly cpu: string; readonly platform: string; readonly node: string };
  readonly timings: { readonly particleSteps: number; readonly trackingSeconds: number; readonly particleStepsPerSecond: number; readonly wallSeconds: number } | null;
  readonly maps: readonly StoredMapSummary[] | null;
}

/** The record as stored: the same fields in the same order, each map with its file. */
export function storedRecord(record: RealizationRecord, files: readonly string[]): StoredRealizationRecord {
  return {
    ...record,
    maps: record.maps.map((m, i) => ({
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
    })),
  };
}
