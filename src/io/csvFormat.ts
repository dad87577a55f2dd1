/**
 * Numeric CSV tables: a header row of column names, one row per record, `#` comment lines for
 * metadata (run parameters, provenance) before the header. Used for cl.csv (`l,cl` or
 * `l,mean,std,noise,cl_hat,error`), dipole.csv and diffusion.csv.
 *
 * Numbers are written with JavaScript's shortest round-trip representation, so reading a table
 * back gives the identical float64 values (including -0). Non-finite values are written as
 * `nan`, `inf`, `-inf`, which numpy.loadtxt, pandas and Python's float() all read.
 * Writes are atomic (see atomic.ts).
 */

/** Columns in output order: name → values. All columns must have the same length. */
export type CsvColumns = Readonly<Record<string, ArrayLike<number>>>;

export interface CsvTable {
  /** Column names in file order. */
  readonly names: readonly string[];
  /** name → values. */
  readonly columns: Readonly<Record<string, Float64Array>>;
  /** Comment lines without the leading `#` and one following space. */
  readonly comments: readonly string[];
  readonly rows: number;
}

/** Shortest text that parses back to exactly `x`. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/** Inverse of {@link formatNumber}; also accepts `NaN`, `Infinity`, `+inf` in any case. Null if not a number. */
export function parseNumber(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  const lower = s.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  // Number() accepts hex, binary and whitespace; a CSV field should be a plain decimal literal.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}

function checkName(name: string): void {
  if (name === '' || /[,"\r\n#]/.test(name) || name !== name.trim()) {
    throw new Error(`CSV column name ${JSON.stringify(name)}: must be non-empty, without commas, quotes, '#', newlines or surrounding spaces`);
  }
}

/** The CSV text for `columns` (header row after the comment lines; trailing newline). */
export function formatCsv(columns: CsvColumns, comments: readonly string[] = []): string {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('CSV: no columns');
  names.forEach(checkName);
  const n = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== n) {
      throw new Error(`CSV: column ${name} has ${columns[name].length} values, column ${names[0]} has ${n}`);
    }
  }
  const lines: string[] = [];
  for (const c of comments) for (const line of c.split(/\r?\n/)) lines.push(line === '' ? '#' : `# ${line}`);
  lines.push(names.join(','));
  const cols = names.map((name) => columns[name]);
  const fields = new Array<string>(cols.length);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < cols.length; c++) fields[c] = formatNumber(cols[c][r]);
    lines.push(fields.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Parses CSV text as written by {@link formatCsv}; `source` names the file in error messages. */
export function parseCsv(text: string, source = 'CSV'): CsvTable {
  const comments: string[] = [];
  let names: string[] | null = null;
  const values: number[][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      comments.push(line.startsWith('# ') ? line.slice(2) : line.slice(1));
      continue;
    }
    const fields = line.split(',');
    if (names === null) {
      names = fields.map((f) => f.trim());
      names.forEach(checkName);
      if (new Set(names).size !== names.length) throw new Error(`${source}: duplicate column names in header (line ${i + 1})`);
      names.forEach(() => values.push([]));
      continue;
    }
    if (fields.length !== names.length) {
      throw new Error(`${source} line ${i + 1}: ${fields.length} fields, header has ${names.length}`);
    }
    for (let c = 0; c < fields.length; c++) {
      const v = parseNumber(fields[c]);
      if (v === null) throw new Error(`${source} line ${i + 1}, column ${names[c]}: not a number: ${JSON.stringify(fields[c])}`);
      values[c].push(v);
    }
  }
  if (names === null) throw new Error(`${source}: no header row`);
  const columns: Record<string, Float64Array> = {};
  names.forEach((name, c) => (columns[name] = Float64Array.from(values[c])));
  return { names, columns, comments, rows: values[0]?.length ?? 0 };
}
