/**
 * Plane-wave mode tables as CSV, so a realization can be saved, inspected, shared and reused:
 *
 *   kx,ky,kz,ax,ay,az,phase
 *   0.0123,-0.0456,...
 *
 * k in pc^-1, a in uG, phase in rad, dB(x) = Σ a cos(k·x + phase). Numbers are written as the
 * shortest decimal that reads back to the same float64 (JavaScript's String(x)), so a save/load
 * round trip is bit-exact. The column order differs from the in-memory table (field.ts puts the
 * phase fourth so a mode is two GPU vec4s); this module does the reordering. Reading and writing
 * the files is the output layer's (src/io/modeTableFile.ts): this module is text in, text out.
 */
import { MODE_A, MODE_K, MODE_PHASE, MODE_STRIDE, type ModeTurbulence } from './field.ts';

export const MODE_TABLE_HEADER = 'kx,ky,kz,ax,ay,az,phase';

/** CSV column c holds table slot CSV_TO_SLOT[c] of a mode. */
const CSV_TO_SLOT = [MODE_K, MODE_K + 1, MODE_K + 2, MODE_A, MODE_A + 1, MODE_A + 2, MODE_PHASE] as const;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Shortest round-trip decimal of a float64, keeping the sign of zero. */
function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** The CSV text of a mode table (header line, one line per mode, trailing newline). */
export function formatModeTableCsv(table: Float64Array): string {
  if (table.length % MODE_STRIDE !== 0) {
    throw new Error(`mode table: length ${table.length} is not a multiple of ${MODE_STRIDE}`);
  }
  const lines = [MODE_TABLE_HEADER];
  for (let o = 0; o < table.length; o += MODE_STRIDE) {
    lines.push(CSV_TO_SLOT.map((slot) => formatNumber(table[o + slot])).join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses mode-table CSV text into a MODE_STRIDE table. `source` names the file in errors, which
 * give the 1-based line number. Blank lines are skipped; anything else must be 7 finite numbers.
 */
export function parseModeTableCsv(text: string, source = 'mode table'): Float64Array {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== MODE_TABLE_HEADER) {
    throw new Error(`${source}:1: header must be exactly "${MODE_TABLE_HEADER}", got "${header}"`);
  }
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== CSV_TO_SLOT.length) {
      throw new Error(`${source}:${i + 1}: expected ${CSV_TO_SLOT.length} comma-separated numbers (${MODE_TABLE_HEADER}), got ${cells.length}`);
    }
    const row = new Array<number>(MODE_STRIDE).fill(0);
    cells.forEach((cell, c) => {
      const s = cell.trim();
      // Plain decimals only: Number() alone would also take '' (as 0) and '0x1f'.
      const v = DECIMAL.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) {
        throw new Error(`${source}:${i + 1}: column ${MODE_TABLE_HEADER.split(',')[c]} = "${cell}" is not a finite number`);
      }
      row[CSV_TO_SLOT[c]] = v;
    });
    values.push(...row);
  }
  if (values.length === 0) throw new Error(`${source}: holds no modes (only the header)`);
  return Float64Array.from(values);
}
