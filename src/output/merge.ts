/**
 * `crsky merge`: combines the output directories of shards (or of any partial runs of one
 * config) into one run directory and recomputes the ensemble outputs. Because the ensemble stage
 * sums realizations in index order, the result is bitwise what a single run would give.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { makePlan } from '../pipeline/plan.ts';
import { writeEnsemble } from './ensembleFiles.ts';
import { acquireRunLock, fieldPath, finishedRealizations, MANIFEST, prepareOutDir, readJson, recordPath, writeJsonAtomic } from './runDir.ts';
import type { Manifest, StoredMapSummary, StoredRealizationRecord } from './runRecords.ts';

export interface MergeResult {
  readonly realizations: number[];
  readonly missing: number[];
  readonly summaries: StoredMapSummary[];
}

export function mergeRuns(inputs: readonly string[], out: string): MergeResult {
  if (inputs.length === 0) throw new ConfigError('merge: name at least one run directory');
  const manifests = inputs.map((dir) => {
    const file = path.join(dir, MANIFEST);
    if (!fs.existsSync(file)) throw new ConfigError(`merge: ${dir} has no ${MANIFEST}; not a crsky run directory`);
    return readJson<Manifest>(file);
  });
  const hash = manifests[0].configHash;
  manifests.forEach((m, i) => {
    if (m.configHash !== hash) {
      throw new ConfigError(`merge: ${inputs[i]} was run with another config (hash ${m.configHash}, expected ${hash} as in ${inputs[0]})`);
    }
  });
  const config = manifests[0].config;
  prepareOutDir(out, config, false);
  const release = acquireRunLock(out);
  try {
    return mergeInto(inputs, out, config, manifests);
  } finally {
    release();
  }
}

function mergeInto(inputs: readonly string[], out: string, config: Manifest['config'], manifests: readonly Manifest[]): MergeResult {

  const records = new Map<number, StoredRealizationRecord>();
  inputs.forEach((dir) => {
    for (const r of finishedRealizations(dir)) {
      const rec = readJson<StoredRealizationRecord>(recordPath(dir, r));
      if (records.has(r)) continue; // the same realization twice: identical by construction (same seed)
      for (const m of rec.maps) writeFileAtomic(path.join(out, m.file), fs.readFileSync(path.join(dir, m.file)));
      const modes = fieldPath(dir, r);
      if (fs.existsSync(modes)) writeFileAtomic(fieldPath(out, r), fs.readFileSync(modes));
      writeJsonAtomic(recordPath(out, r), rec);
      records.set(r, rec);
    }
  });
  if (records.size === 0) throw new ConfigError(`merge: no finished realization in ${inputs.join(', ')}`);
  const plan = makePlan(config);
  const sorted = [...records.values()].sort((a, b) => a.index - b.index);
  const summaries = writeEnsemble(plan, sorted, out);
  const done = sorted.map((r) => r.index);
  const missing = Array.from({ length: config.realizations }, (_, i) => i).filter((i) => !records.has(i));
  const steps = sorted.reduce((a, r) => a + r.particleSteps, 0);
  const seconds = sorted.reduce((a, r) => a + r.seconds, 0);
  const manifest: Manifest = {
    ...manifests[0],
    status: 'complete',
    updatedAt: new Date().toISOString(),
    shard: null,
    realizations: { planned: Array.from({ length: config.realizations }, (_, i) => i), done },
    timings: { particleSteps: steps, trackingSeconds: seconds, particleStepsPerSecond: seconds > 0 ? steps / seconds : 0, wallSeconds: 0 },
    maps: summaries,
  };
  writeJsonAtomic(path.join(out, MANIFEST), { ...manifest, mergedFrom: inputs.map((d) => path.resolve(d)) });
  return { realizations: done, missing, summaries };
}
