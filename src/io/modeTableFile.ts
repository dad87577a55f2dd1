/**
 * Mode-table CSV files (format in src/turbulence/modeTable.ts): read for a run that names one,
 * written (atomically, like every output) for each realization of a run.
 */
import { readFileSync } from 'node:fs';
import { formatModeTableCsv, parseModeTableCsv } from '../turbulence/modeTable.ts';
import type { ModeTurbulence } from '../turbulence/field.ts';
import { writeFileAtomic } from './atomic.ts';

/** Loads a CSV mode table from `path`. */
export function loadModeTable(path: string): ModeTurbulence {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`mode table ${path}: cannot read (${(e as Error).message})`);
  }
  return { kind: 'modes', table: parseModeTableCsv(text, path) };
}

/** Saves a mode table as CSV atomically (temporary file, fsync, rename: src/io/atomic.ts). */
export function saveModeTable(path: string, table: Float64Array): void {
  const text = formatModeTableCsv(table);
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new Error(`mode table ${path}: cannot save (${(e as Error).message})`);
  }
}
