/**
 * Numeric CSV tables: the format (csvFormat.ts, text in and out, usable in a page) plus reading
 * and atomic writing of files in Node.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';
import { formatCsv, parseCsv, type CsvColumns, type CsvTable } from './csvFormat.ts';

export * from './csvFormat.ts';

/** Writes a numeric table atomically; `comments` become `# ` lines before the header. */
export function writeCsv(path: string, columns: CsvColumns, comments: readonly string[] = []): void {
  writeFileAtomic(path, formatCsv(columns, comments));
}

/** Reads a numeric table written by {@link writeCsv} (or any comma-separated numeric table with a header). */
export function readCsv(path: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return parseCsv(text, path);
}
