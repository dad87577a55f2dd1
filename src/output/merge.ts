/**
 * `crsky merge`: combines the output directories of shards (or of any partial runs of one
 * config) into one run directory and recomputes the ensemble outputs. Because the ensemble stage
 * sums realizations in index order, the result is bitwise what a single run would give.
 *
 * All or nothing: every input is checked first (manifests, each record's config hash, every map
 * file it names), the new run is built in a hidden sibling directory and renamed into place at the
 * end. A failure names the bad file and leaves no output directory, so the retry starts clean.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { publishDirectory, writeFileAtomic } from '../io/atomic.ts';
import { readHealpixFits } from '../io/fits.ts';
import { makePlan } from '../pipeline/plan.ts';
import { writeEnsemble } from './ensembleFiles.ts';
import { ensureDir, readJsonFile } from './files.ts';
import { onInterrupt } from './interrupt.ts';
import { acquireRunLock, createRunDirs, fieldPath, finishedRealizations, MANIFEST, readRecord, recordPath, writeJsonAtomic } from './runDir.ts';
import { manifestBackend, type Manifest, type StoredMapSummary, type StoredRealizationRecord } from './runRecords.ts';

export interface MergeResult {
  readonly realizations: number[];
  readonly missing: number[];
  readonly summaries: StoredMapSummary[];
}

export interface MergeOptions {
  /** Merge realizations made on different backends or devices (not bitwise reproducible). */
  readonly allowMixedBackends?: boolean;
  /**
   * `out` may be one of the inputs, a run that the merge replaces (scan --merge of a point that
   * has a partial run of its own): it is locked while merging and swapped out at the end.
   */
  readonly replace?: boolean;
}

interface Source {
  readonly dir: string;
  readonly record: StoredRealizationRecord;
}

/** Checks every input and returns, per realization index, where its whole record is. */
function collect(inputs: readonly string[], manifests: readonly Manifest[]): Map<number, Source> {
  const hash = manifests[0].configHash;
  const plan = makePlan(manifests[0].config);
  const found = new Map<number, Source>();
  for (const dir of inputs) {
    for (const r of finishedRealizations(dir)) {
      if (found.has(r)) continue; // the same realization twice: identical by construction (same seed)
      const record = readRecord(dir, r, hash, plan.maps.length, { kind: 'merge' }, plan.spectrum?.length ?? 0);
      for (const m of [...record.maps, ...(record.bins ?? []).flatMap((b) => b.maps)]) {
        const file = path.join(dir, m.file);
        let nside: number;
        try {
          nside = readHealpixFits(file).nside;
        } catch (e) {
          throw new ConfigError(`merge: ${(e as Error).message.includes(file) ? '' : `${file}: `}${(e as Error).message}`);
        }
        if (nside !== plan.nside) throw new ConfigError(`merge: ${file}: N_side ${nside}, the run's is ${plan.nside}`);
      }
      found.set(r, { dir, record });
    }
  }
  return found;
}

/** "realization 0 ran on webgpu, realization 1 on cpu", or null when one backend made them all. */
function mixedBackends(records: readonly StoredRealizationRecord[]): string | null {
  const first = records[0];
  const other = records.find((r) => r.backend !== first.backend || (r.backend === 'webgpu' && r.device !== first.device));
  if (!other) return null;
  return other.backend === first.backend
    ? `realization ${first.index} ran on ${first.backend} (${first.device}), realization ${other.index} on ${other.backend} (${other.device})`
    : `realization ${first.index} ran on ${first.backend}, realization ${other.index} on ${other.backend}`;
}

export function mergeRuns(inputs: readonly string[], out: string, opts: MergeOptions = {}): MergeResult {
  if (inputs.length === 0) throw new ConfigError('merge: name at least one run directory');
  const manifests = inputs.map((dir) => {
    const file = path.join(dir, MANIFEST);
    if (!fs.existsSync(file)) throw new ConfigError(`merge: ${dir} has no ${MANIFEST}; not a crsky run directory`);
    return readJsonFile<Manifest>(file, 'merge: ');
  });
  const hash = manifests[0].configHash;
  manifests.forEach((m, i) => {
    if (m.configHash !== hash) {
      throw new ConfigError(`merge: ${inputs[i]} was run with another config (hash ${m.configHash}, expected ${hash} as in ${inputs[0]})`);
    }
  });
  const replacing = opts.replace === true && inputs.some((d) => path.resolve(d) === path.resolve(out));
  if (!replacing && fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new ConfigError(`merge --out ${out}: exists and is not a directory`);
    if (fs.readdirSync(out).length > 0) throw new ConfigError(`merge --out ${out}: exists and is not empty; merge writes a new run directory`);
  }
  const release = replacing ? acquireRunLock(out, { command: 'merge' }) : () => undefined;
  try {
    const sources = collect(inputs, manifests);
    if (sources.size === 0) throw new ConfigError(`merge: no finished realization in ${inputs.join(', ')}`);
    const sorted = [...sources.values()].map((s) => s.record).sort((a, b) => a.index - b.index);
    const mixed = mixedBackends(sorted);
    if (mixed && !opts.allowMixedBackends) {
      throw new ConfigError(`merge: ${mixed}; one run on two backends is not bitwise reproducible: pass --allow-mixed-backends to merge them anyway`);
    }
    return build(inputs, out, manifests[0], sources, sorted, replacing);
  } finally {
    release();
  }
}

/** Writes the merged run into a hidden sibling of `out`, then puts it in place. */
function build(inputs: readonly string[], out: string, first: Manifest, sources: Map<number, Source>, sorted: StoredRealizationRecord[], replacing: boolean): MergeResult {
  const parent = path.dirname(path.resolve(out));
  ensureDir(parent, `merge --out ${out}`);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = path.join(parent, `.${path.basename(out)}.merge-${tag}`);
  const old = path.join(parent, `.${path.basename(out)}.replaced-${tag}`);
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  const unregister = onInterrupt(() => {
    cleanup();
    return null;
  });
  try {
    createRunDirs(tmp, makePlan(first.config).spectrum?.map((b) => b.label));
    for (const { dir, record } of sources.values()) {
      for (const m of [...record.maps, ...(record.bins ?? []).flatMap((b) => b.maps)]) writeFileAtomic(path.join(tmp, m.file), fs.readFileSync(path.join(dir, m.file)));
      const modes = fieldPath(dir, record.index);
      if (fs.existsSync(modes)) writeFileAtomic(fieldPath(tmp, record.index), fs.readFileSync(modes));
      writeJsonAtomic(recordPath(tmp, record.index), record);
    }
    const config = first.config;
    const plan = makePlan(config);
    const { maps: summaries, spectrum } = writeEnsemble(plan, sorted, tmp);
    const done = sorted.map((r) => r.index);
    const missing = Array.from({ length: config.realizations }, (_, i) => i).filter((i) => !sources.has(i));
    const steps = sorted.reduce((a, r) => a + r.particleSteps, 0);
    const seconds = sorted.reduce((a, r) => a + r.seconds, 0);
    const manifest: Manifest = {
      ...first,
      status: 'complete',
      updatedAt: new Date().toISOString(),
      shard: null,
      realizations: { planned: Array.from({ length: config.realizations }, (_, i) => i), done },
      backend: manifestBackend(config, sorted, 'merged'),
      timings: { particleSteps: steps, trackingSeconds: seconds, particleStepsPerSecond: seconds > 0 ? steps / seconds : 0, wallSeconds: 0 },
      maps: summaries,
      ...(spectrum ? { spectrum } : {}),
    };
    writeJsonAtomic(path.join(tmp, MANIFEST), { ...manifest, mergedFrom: inputs.map((d) => path.resolve(d)) });
    if (replacing) {
      publishDirectory(tmp, out, old);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      publishDirectory(tmp, out);
    }
    return { realizations: done, missing, summaries };
  } catch (e) {
    cleanup();
    throw e;
  } finally {
    unregister();
  }
}
