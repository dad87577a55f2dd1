/**
 * HEALPix sky maps as FITS files, the format healpy (`read_map`/`write_map`), the HEALPix Fortran
 * and C++ tools, Aladin and astropy all read.
 *
 * Written by hand: at the time of writing no maintained npm FITS package writes binary tables
 * (the existing ones read images or are unmaintained), and the subset needed here is small:
 * 80-character header cards in 2880-byte blocks, a primary HDU without data, and one BINTABLE
 * extension with big-endian columns (FITS Standard 4.0, Pence et al. 2010, sections 3-4 and 7.3;
 * the HEALPix keywords from the HEALPix FITS conventions of Górski et al. 2005 and healpy).
 *
 * Layout written:
 *   primary HDU   SIMPLE, BITPIX = 8, NAXIS = 0, EXTEND = T (no data)
 *   extension 1   BINTABLE, one column per map (float64 'D' by default or float32 'E'), each row
 *                 holding 1024 consecutive pixels (TFORM '1024D', as healpy and HEALPix Fortran
 *                 write full-sky maps) when the pixel count allows, else one pixel per row;
 *                 PIXTYPE = 'HEALPIX', ORDERING, COORDSYS, NSIDE, FIRSTPIX, LASTPIX,
 *                 INDXSCHM = 'IMPLICIT', OBJECT = 'FULLSKY', BAD_DATA, then the caller's cards.
 *
 * Long string values use the OGIP CONTINUE convention. Known reader bug: astropy before 5.2.2
 * (Debian 12 ships 5.2.1) un-escapes quotes in CONTINUE'd strings twice (astropy issue #14581),
 * so a long value containing quotes may read back altered there; our reader and cfitsio are right.
 *
 * Read: any HEALPix map in a binary table (the first BINTABLE extension by default): one value or
 * a vector of values per row, types B/I/J/K/E/D with TSCAL/TZERO applied, several columns,
 * full-sky (IMPLICIT) or partial-sky (EXPLICIT, first column = pixel index, other pixels filled
 * with UNSEEN as healpy does). UNSEEN pixels are returned as stored (use {@link isUnseen}).
 */

import { UNSEEN } from '../analysis/healpix.ts';

// ---------------------------------------------------------------------------------------------
// Public types

export type HealpixOrdering = 'RING' | 'NESTED';
/** HEALPix COORDSYS letters: 'C' celestial (equatorial), 'G' galactic, 'E' ecliptic. */
export type HealpixCoordsys = 'C' | 'G' | 'E';
/** A header value: FITS string, number (integer or real), logical. */
export type FitsValue = string | number | boolean;

/**
 * One header card. Commentary cards (key 'HISTORY', 'COMMENT' or '') carry their text in `value`
 * and no comment. A keyword with an undefined value (FITS "null value") has `value: undefined`.
 */
export interface FitsCard {
  readonly key: string;
  readonly value?: FitsValue;
  readonly comment?: string;
}

export interface FitsHeader {
  /** All cards in order, CONTINUE'd long strings joined into one card, END omitted. */
  readonly cards: readonly FitsCard[];
  /** Keyword → value (last one wins); commentary cards are not in here. */
  readonly values: Readonly<Record<string, FitsValue | undefined>>;
  /** Texts of the HISTORY cards, in order. */
  readonly history: readonly string[];
  /** Texts of the COMMENT cards, in order. */
  readonly comments: readonly string[];
}

/** A card the caller adds to the map's header: a keyword, or HISTORY/COMMENT with text in `value`. */
export interface ExtraCard {
  readonly key: string;
  readonly value: FitsValue;
  readonly comment?: string;
}

export interface HealpixColumnToWrite {
  /** TTYPE, e.g. 'I' or 'RELATIVE_INTENSITY'. */
  readonly name: string;
  /** TUNIT, omitted when empty. */
  readonly unit?: string;
  /** npix values in the given ordering. */
  readonly data: ArrayLike<number>;
  /** 'D' float64 (default) or 'E' float32. */
  readonly format?: 'E' | 'D';
}

export interface HealpixMapToWrite {
  readonly ordering: HealpixOrdering;
  /** Default 'C' (equatorial), crsky's default frame. */
  readonly coordsys?: HealpixCoordsys;
  readonly columns: readonly HealpixColumnToWrite[];
  /** Checked against the column length when given; else derived from it. */
  readonly nside?: number;
  /** Values per table row; default 1024 when npix is a multiple of 1024 (healpy's layout), else 1. */
  readonly rowLength?: number;
  /** Default 'SKYMAP'. */
  readonly extname?: string;
  /** Keywords, HISTORY and COMMENT cards appended after the HEALPix keywords. */
  readonly extraCards?: readonly ExtraCard[];
}

export interface HealpixColumn {
  readonly name: string;
  /** TUNIT, '' when absent. */
  readonly unit: string;
  /** The TFORM in the file, e.g. '1024E' or 'D'. */
  readonly format: string;
  /** npix values (full sky), TSCAL/TZERO applied, UNSEEN kept as stored. */
  readonly data: Float64Array;
}

export interface HealpixFitsMap {
  readonly nside: number;
  readonly ordering: HealpixOrdering;
  /** Normalized COORDSYS (long forms such as 'GALACTIC' accepted); null when absent or unknown. */
  readonly coordsys: HealpixCoordsys | null;
  readonly indexScheme: 'IMPLICIT' | 'EXPLICIT';
  /** EXPLICIT files only: the pixel indices listed in the file. */
  readonly pixels?: Float64Array;
  /** The map columns (for EXPLICIT files without the pixel-index column), expanded to full sky. */
  readonly columns: readonly HealpixColumn[];
  /** The header of the table extension that held the map. */
  readonly header: FitsHeader;
  readonly primaryHeader: FitsHeader;
}

export { UNSEEN };

/** True for values healpy treats as UNSEEN (|v − UNSEEN| ≤ 1e-8 + 1e-5·|UNSEEN|, healpy's mask_bad). */
export function isUnseen(v: number): boolean {
  return Math.abs(v - UNSEEN) <= 1e-8 + 1e-5 * Math.abs(UNSEEN);
}

// ---------------------------------------------------------------------------------------------
// Header cards: formatting

/** FITS block size in bytes. */
export const FITS_BLOCK = 2880;
const BLOCK = FITS_BLOCK;
const CARD = 80;
const COMMENTARY = new Set(['HISTORY', 'COMMENT', '']);

/** FITS headers are printable ASCII: accents are dropped (é → e), anything else becomes '?'. */
export function toFitsAscii(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\r\n\t]/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?');
}

function checkKey(key: string): string {
  const k = key.toUpperCase();
  if (!/^[A-Z0-9_-]{1,8}$/.test(k)) {
    throw new Error(`FITS keyword ${JSON.stringify(key)}: must be 1-8 characters of A-Z, 0-9, '_' or '-'`);
  }
  return k;
}

function pad80(s: string): string {
  if (s.length > CARD) throw new Error(`internal: FITS card longer than 80 characters: ${s}`);
  return s.padEnd(CARD, ' ');
}

/** Appends " / comment" when there is room, cut to fit (comments are optional decoration). */
function withComment(card: string, comment: string | undefined): string {
  if (!comment) return pad80(card);
  const room = CARD - card.length - 3;
  if (room <= 0) return pad80(card);
  return pad80(`${card} / ${toFitsAscii(comment).slice(0, room)}`);
}

/** A FITS real: always with a decimal point or exponent, exponent in upper case. */
export function formatFitsReal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`FITS header values must be finite, got ${x}`);
  let s = String(x).toUpperCase();
  if (!s.includes('.')) s = s.includes('E') ? s.replace('E', '.0E') : `${s}.0`;
  return s;
}

function formatNumberValue(x: number): string {
  if (Number.isSafeInteger(x) && !Object.is(x, -0)) return String(x);
  return formatFitsReal(x);
}

/**
 * Splits the escaped content of a long string into pieces of at most `size` characters so that
 * no doubled quote is cut in two, and no doubled quote is followed by a space or '/' inside a piece
 * (astropy < 5.2.2 parses each CONTINUE piece with a regex that takes `'' ` for the closing
 * quote; ending the piece right after the pair, where '&' follows, avoids losing the rest).
 */
function splitEscaped(escaped: string, size: number): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < escaped.length) {
    let end = Math.min(i + size, escaped.length);
    for (let p = i; p < end; p++) {
      if (escaped[p] !== "'") continue;
      // quotes come in pairs in escaped text: p, p+1
      if (p + 1 >= end) {
        end = p; // the pair would be split
        break;
      }
      const next = escaped[p + 2];
      if (p + 2 < end && (next === ' ' || next === '/')) {
        end = p + 2;
        break;
      }
      p++;
    }
    parts.push(escaped.slice(i, end));
    i = end;
  }
  return parts;
}

/**
 * The 80-character cards for one keyword: one card, or several with the CONTINUE long-string
 * convention (value strings ending in '&') when a string value does not fit.
 */
export function formatCard(card: FitsCard): string[] {
  const key = card.key === '' ? '' : checkKey(card.key);
  if (COMMENTARY.has(key)) {
    const text = toFitsAscii(card.value === undefined ? '' : String(card.value));
    const out: string[] = [];
    const width = CARD - 8;
    let rest = text;
    do {
      let cut = rest.length <= width ? rest.length : rest.lastIndexOf(' ', width);
      if (cut <= 0) cut = Math.min(width, rest.length);
      out.push(pad80(key.padEnd(8, ' ') + rest.slice(0, cut)));
      rest = rest.slice(cut).replace(/^ /, '');
    } while (rest.length > 0);
    return out;
  }
  const head = `${key.padEnd(8, ' ')}= `;
  const v = card.value;
  if (v === undefined) return [withComment(head.trimEnd(), card.comment)];
  if (typeof v === 'boolean') return [withComment(head + (v ? 'T' : 'F').padStart(20, ' '), card.comment)];
  if (typeof v === 'number') return [withComment(head + formatNumberValue(v).padStart(20, ' '), card.comment)];
  const escaped = toFitsAscii(v).replace(/'/g, "''");
  // A short string: at least 8 characters between the quotes (FITS 4.2.1.1).
  if (escaped.length <= CARD - 12) {
    return [withComment(`${head}'${escaped.padEnd(8, ' ')}'`, card.comment)];
  }
  // Long string: 67 characters + '&' per card, the last card without '&' (OGIP CONTINUE convention).
  const parts = splitEscaped(escaped, 67);
  // A value that itself ends in '&' would read as "continued" on its last card: close with CONTINUE ''.
  if (escaped.endsWith('&')) parts.push('');
  return parts.map((p, i) => {
    const last = i === parts.length - 1;
    const body = `'${p}${last ? '' : '&'}'`;
    const line = i === 0 ? head + body : `CONTINUE  ${body}`;
    return last ? withComment(line, card.comment) : pad80(line);
  });
}

function headerBytes(cards: readonly string[]): Uint8Array {
  const all = [...cards, pad80('END')];
  const nBlocks = Math.ceil((all.length * CARD) / BLOCK);
  const text = all.join('').padEnd(nBlocks * BLOCK, ' ');
  return latin1Bytes(text);
}

// Latin-1 by hand, not Node's Buffer: this module also runs in browsers (the page's FITS download).
function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function latin1Text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

// ---------------------------------------------------------------------------------------------
// Header cards: parsing

function parseValueField(field: string, where: string): { value?: FitsValue; comment?: string } {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  if (i === field.length) return {};
  let value: FitsValue | undefined;
  let rest: string;
  if (field[i] === "'") {
    let s = '';
    let j = i + 1;
    for (;;) {
      if (j >= field.length) throw new Error(`${where}: unterminated string value`);
      if (field[j] === "'") {
        if (field[j + 1] === "'") {
          s += "'";
          j += 2;
          continue;
        }
        break;
      }
      s += field[j++];
    }
    value = s.replace(/ +$/, '');
    rest = field.slice(j + 1);
  } else {
    const slash = field.indexOf('/', i);
    const token = (slash < 0 ? field.slice(i) : field.slice(i, slash)).trim();
    rest = slash < 0 ? '' : field.slice(slash);
    if (token === '') value = undefined;
    else if (token === 'T') value = true;
    else if (token === 'F') value = false;
    else if (/^[+-]?\d+$/.test(token)) value = Number(token);
    else if (/^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/.test(token)) value = Number(token.replace(/[Dd]/, 'E'));
    else if (/^\(.*\)$/.test(token)) value = token; // complex values are kept as their text
    else throw new Error(`${where}: cannot parse value ${JSON.stringify(token)}`);
  }
  const r = rest.trim();
  if (r === '') return { value };
  if (!r.startsWith('/')) throw new Error(`${where}: unexpected text after the value: ${JSON.stringify(r)}`);
  const comment = r.slice(1).trim();
  return comment === '' ? { value } : { value, comment };
}

/** Parses header cards until END; returns the header and the number of 2880-byte blocks it used. */
export function parseHeader(bytes: Uint8Array, start: number, what: string): { header: FitsHeader; blocks: number } {
  const cards: FitsCard[] = [];
  let continuing = false;
  for (let off = start; ; off += CARD) {
    if (off + CARD > bytes.length) throw new Error(`${what}: header has no END card (file truncated or not FITS)`);
    for (let k = off; k < off + CARD; k++) {
      const b = bytes[k];
      if (b < 0x20 || b > 0x7e) throw new Error(`${what}: header contains a non-ASCII byte at offset ${k} (not a FITS file?)`);
    }
    const card = latin1Text(bytes.subarray(off, off + CARD));
    const key = card.slice(0, 8).trimEnd();
    const where = `${what}, card ${(off - start) / CARD + 1} (${key || 'blank'})`;
    if (key === 'END') {
      const used = off + CARD - start;
      return { header: buildHeader(cards), blocks: Math.ceil(used / BLOCK) };
    }
    if (key === 'CONTINUE') {
      const prev = cards[cards.length - 1];
      const { value, comment } = parseValueField(card.slice(8), where);
      if (continuing && prev && typeof prev.value === 'string' && typeof value === 'string') {
        const joined = prev.value.slice(0, -1) + value;
        continuing = value.endsWith('&');
        cards[cards.length - 1] = comment ? { key: prev.key, value: joined, comment } : { key: prev.key, value: joined };
      } else {
        cards.push({ key: 'CONTINUE', value: typeof value === 'string' ? value : card.slice(8).trim() });
        continuing = false;
      }
      continue;
    }
    continuing = false;
    if (COMMENTARY.has(key)) {
      cards.push({ key, value: card.slice(8).trimEnd() });
      continue;
    }
    if (key === 'HIERARCH') {
      const eq = card.indexOf('=');
      if (eq < 0) {
        cards.push({ key, value: card.slice(8).trimEnd() });
        continue;
      }
      const hkey = card.slice(8, eq).trim();
      cards.push({ key: hkey, ...parseValueField(card.slice(eq + 1), where) });
      continue;
    }
    if (card.slice(8, 10) !== '= ') {
      // a keyword without value indicator is commentary text (FITS 4.1.2.2)
      cards.push({ key, value: card.slice(8).trimEnd() });
      continue;
    }
    const parsed = parseValueField(card.slice(10), where);
    cards.push({ key, ...parsed });
    continuing = typeof parsed.value === 'string' && parsed.value.endsWith('&');
  }
}

function buildHeader(cards: FitsCard[]): FitsHeader {
  const values: Record<string, FitsValue | undefined> = {};
  const history: string[] = [];
  const comments: string[] = [];
  for (const c of cards) {
    if (c.key === 'HISTORY') history.push(String(c.value ?? ''));
    else if (c.key === 'COMMENT') comments.push(String(c.value ?? ''));
    else if (c.key !== '' && c.key !== 'CONTINUE') values[c.key] = c.value;
  }
  return { cards, values, history, comments };
}

// ---------------------------------------------------------------------------------------------
// Writing

const RESERVED = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|XTENSION|PCOUNT|GCOUNT|TFIELDS|T(TYPE|FORM|UNIT|SCAL|ZERO|NULL|DIM|DISP)\d+|END|CONTINUE|LONGSTRN|EXTNAME|PIXTYPE|ORDERING|COORDSYS|NSIDE|FIRSTPIX|LASTPIX|INDXSCHM|OBJECT|BAD_DATA)$/;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** nside for npix = 12 nside², or an error. */
export function npix2nside(npix: number): number {
  const nside = Math.round(Math.sqrt(npix / 12));
  if (!(nside > 0) || 12 * nside * nside !== npix) throw new Error(`${npix} is not a HEALPix pixel count (12·nside²)`);
  return nside;
}

function checkNside(nside: number, ordering: HealpixOrdering, what: string): void {
  if (!Number.isInteger(nside) || nside < 1 || nside > 2 ** 29) throw new Error(`${what}: invalid NSIDE ${nside}`);
  if (ordering === 'NESTED' && !isPowerOfTwo(nside)) {
    throw new Error(`${what}: NSIDE ${nside} is not a power of 2, impossible in NESTED ordering`);
  }
}

/** The bytes of a HEALPix FITS file (see the module comment for the layout). */
export function encodeHealpixFits(map: HealpixMapToWrite): Uint8Array {
  const { ordering, columns } = map;
  if (ordering !== 'RING' && ordering !== 'NESTED') throw new Error(`HEALPix FITS: ordering must be 'RING' or 'NESTED', got ${String(ordering)}`);
  if (columns.length === 0) throw new Error('HEALPix FITS: no columns to write');
  if (columns.length > 999) throw new Error('HEALPix FITS: at most 999 columns');
  const npix = columns[0].data.length;
  for (const c of columns) {
    if (c.data.length !== npix) throw new Error(`HEALPix FITS: column ${c.name} has ${c.data.length} values, column ${columns[0].name} has ${npix}`);
    if (c.format !== undefined && c.format !== 'E' && c.format !== 'D') throw new Error(`HEALPix FITS: column ${c.name}: format must be 'E' or 'D'`);
  }
  const nside = npix2nside(npix);
  if (map.nside !== undefined && map.nside !== nside) throw new Error(`HEALPix FITS: nside ${map.nside} given, but the columns have ${npix} = 12·${nside}² pixels`);
  checkNside(nside, ordering, 'HEALPix FITS');
  const coordsys = map.coordsys ?? 'C';
  if (!['C', 'G', 'E'].includes(coordsys)) throw new Error(`HEALPix FITS: coordsys must be 'C', 'G' or 'E', got ${String(coordsys)}`);

  const rowLength = map.rowLength ?? (npix > 1024 && npix % 1024 === 0 ? 1024 : 1);
  if (!Number.isInteger(rowLength) || rowLength < 1 || npix % rowLength !== 0) {
    throw new Error(`HEALPix FITS: rowLength ${rowLength} must be a positive divisor of npix = ${npix}`);
  }
  const nrows = npix / rowLength;
  const widths = columns.map((c) => ((c.format ?? 'D') === 'D' ? 8 : 4));
  const rowBytes = widths.reduce((a, w) => a + w * rowLength, 0);

  const cards: string[] = [];
  const add = (key: string, value: FitsValue | undefined, comment?: string) => cards.push(...formatCard({ key, value, comment }));
  add('XTENSION', 'BINTABLE', 'binary table extension');
  add('BITPIX', 8, 'array data type');
  add('NAXIS', 2, 'number of array dimensions');
  add('NAXIS1', rowBytes, 'length of dimension 1 (bytes per row)');
  add('NAXIS2', nrows, 'length of dimension 2 (rows)');
  add('PCOUNT', 0, 'number of group parameters');
  add('GCOUNT', 1, 'number of groups');
  add('TFIELDS', columns.length, 'number of table fields');
  const names = new Set<string>();
  columns.forEach((c, i) => {
    const name = toFitsAscii(c.name).trim();
    if (name === '') throw new Error(`HEALPix FITS: column ${i + 1} has an empty name`);
    if (names.has(name.toUpperCase())) throw new Error(`HEALPix FITS: duplicate column name ${name}`);
    names.add(name.toUpperCase());
    add(`TTYPE${i + 1}`, name, 'label for field');
    add(`TFORM${i + 1}`, `${rowLength}${c.format ?? 'D'}`, (c.format ?? 'D') === 'D' ? 'float64' : 'float32');
    if (c.unit) add(`TUNIT${i + 1}`, c.unit, 'physical unit of field');
  });
  add('PIXTYPE', 'HEALPIX', 'HEALPIX pixelisation');
  add('ORDERING', ordering, 'Pixel ordering scheme, either RING or NESTED');
  add('COORDSYS', coordsys, 'Ecliptic, Galactic or Celestial (equatorial)');
  add('EXTNAME', map.extname ?? 'SKYMAP', 'name of this binary table extension');
  add('NSIDE', nside, 'Resolution parameter of HEALPIX');
  add('FIRSTPIX', 0, 'First pixel # (0 based)');
  add('LASTPIX', npix - 1, 'Last pixel # (0 based)');
  add('INDXSCHM', 'IMPLICIT', 'Indexing: IMPLICIT or EXPLICIT');
  add('OBJECT', 'FULLSKY', 'Sky coverage, either FULLSKY or PARTIAL');
  add('BAD_DATA', UNSEEN, 'Sentinel value given to bad pixels');
  const extra: string[] = [];
  const seen = new Set<string>();
  for (const c of map.extraCards ?? []) {
    const key = c.key === '' ? '' : checkKey(c.key);
    if (RESERVED.test(key)) throw new Error(`HEALPix FITS: keyword ${key} is written by the map writer and cannot be given as an extra card`);
    if (!COMMENTARY.has(key)) {
      if (seen.has(key)) throw new Error(`HEALPix FITS: extra keyword ${key} given twice`);
      seen.add(key);
    }
    extra.push(...formatCard({ key, value: c.value, comment: c.comment }));
  }
  if (extra.some((c) => c.startsWith('CONTINUE'))) add('LONGSTRN', 'OGIP 1.0', 'The OGIP long string convention may be used');
  cards.push(...extra);

  const primary = headerBytes([
    ...formatCard({ key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' }),
    ...formatCard({ key: 'BITPIX', value: 8, comment: 'array data type' }),
    ...formatCard({ key: 'NAXIS', value: 0, comment: 'number of array dimensions' }),
    ...formatCard({ key: 'EXTEND', value: true }),
  ]);
  const extHeader = headerBytes(cards);
  const dataBytes = rowBytes * nrows;
  const dataPadded = Math.ceil(dataBytes / BLOCK) * BLOCK;
  const out = new Uint8Array(primary.length + extHeader.length + dataPadded);
  out.set(primary, 0);
  out.set(extHeader, primary.length);
  const view = new DataView(out.buffer, out.byteOffset + primary.length + extHeader.length, dataBytes);
  let off = 0;
  for (let r = 0; r < nrows; r++) {
    const p0 = r * rowLength;
    for (let c = 0; c < columns.length; c++) {
      const d = columns[c].data;
      if (widths[c] === 8) {
        for (let k = 0; k < rowLength; k++, off += 8) view.setFloat64(off, d[p0 + k], false);
      } else {
        for (let k = 0; k < rowLength; k++, off += 4) view.setFloat32(off, d[p0 + k], false);
      }
    }
  }
  return out; // the padding after the data is already zero
}

// ---------------------------------------------------------------------------------------------
// Reading

interface ColumnLayout {
  readonly index: number;
  readonly name: string;
  readonly unit: string;
  readonly tform: string;
  readonly type: string;
  readonly repeat: number;
  readonly offset: number;
  readonly scale: number;
  readonly zero: number;
}

/** Bytes per element of each TFORM type letter ('X' counts bits and is handled separately). */
const TYPE_BYTES: Record<string, number> = { L: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16, P: 8, Q: 16 };
const NUMERIC = new Set(['B', 'I', 'J', 'K', 'E', 'D']);

export function intValue(h: FitsHeader, key: string, what: string, fallback?: number): number {
  const v = h.values[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${what}: missing keyword ${key}`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${what}: keyword ${key} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Bytes of an HDU's data (before padding to whole blocks). */
export function dataSize(h: FitsHeader, what: string): number {
  const bitpix = intValue(h, 'BITPIX', what);
  const naxis = intValue(h, 'NAXIS', what);
  if (naxis === 0) return 0;
  let n = 1;
  for (let i = 1; i <= naxis; i++) n *= intValue(h, `NAXIS${i}`, what);
  const pcount = intValue(h, 'PCOUNT', what, 0);
  const gcount = intValue(h, 'GCOUNT', what, 1);
  return (Math.abs(bitpix) / 8) * gcount * (pcount + n);
}

function columnLayouts(h: FitsHeader, what: string): { cols: ColumnLayout[]; rowBytes: number } {
  const tfields = intValue(h, 'TFIELDS', what);
  const cols: ColumnLayout[] = [];
  let offset = 0;
  for (let i = 1; i <= tfields; i++) {
    const tform = String(h.values[`TFORM${i}`] ?? '').trim();
    const m = /^(\d*)([LXBIJKAEDCMPQ])/.exec(tform);
    if (!m) throw new Error(`${what}: column ${i} has an invalid TFORM ${JSON.stringify(tform)}`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const type = m[2];
    const width = type === 'X' ? Math.ceil(repeat / 8) : repeat * TYPE_BYTES[type];
    const scale = h.values[`TSCAL${i}`];
    const zero = h.values[`TZERO${i}`];
    cols.push({
      index: i,
      name: String(h.values[`TTYPE${i}`] ?? `COLUMN_${i}`).trim(),
      unit: String(h.values[`TUNIT${i}`] ?? '').trim(),
      tform,
      type,
      repeat,
      offset,
      scale: typeof scale === 'number' ? scale : 1,
      zero: typeof zero === 'number' ? zero : 0,
    });
    offset += width;
  }
  return { cols, rowBytes: offset };
}

/** All values of one numeric column, row after row, as float64 (TSCAL/TZERO applied). */
function readColumn(view: DataView, col: ColumnLayout, rowBytes: number, nrows: number): Float64Array {
  const out = new Float64Array(nrows * col.repeat);
  const size = TYPE_BYTES[col.type];
  let k = 0;
  for (let r = 0; r < nrows; r++) {
    let off = r * rowBytes + col.offset;
    for (let j = 0; j < col.repeat; j++, off += size) {
      let v: number;
      switch (col.type) {
        case 'E': v = view.getFloat32(off, false); break;
        case 'D': v = view.getFloat64(off, false); break;
        case 'B': v = view.getUint8(off); break;
        case 'I': v = view.getInt16(off, false); break;
        case 'J': v = view.getInt32(off, false); break;
        default: v = Number(view.getBigInt64(off, false)); break; // 'K'
      }
      out[k++] = v;
    }
  }
  if (col.scale !== 1 || col.zero !== 0) for (let i = 0; i < out.length; i++) out[i] = out[i] * col.scale + col.zero;
  return out;
}

function normalizeCoordsys(v: FitsValue | undefined): HealpixCoordsys | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().toUpperCase();
  if (s === 'C' || s === 'Q' || s === 'EQUATORIAL' || s === 'CELESTIAL') return 'C';
  if (s === 'G' || s === 'GALACTIC') return 'G';
  if (s === 'E' || s === 'ECLIPTIC') return 'E';
  return null;
}

export interface ReadHealpixOptions {
  /** HDU index (0 = primary); default: the first BINTABLE extension. */
  readonly hdu?: number;
  /** Names the source in error messages. */
  readonly source?: string;
}

/** Decodes a HEALPix map from the bytes of a FITS file. */
export function decodeHealpixFits(bytes: Uint8Array, options: ReadHealpixOptions = {}): HealpixFitsMap {
  const what = options.source ?? 'FITS file';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error(`${what}: gzip-compressed; decompress it first (gunzip)`);
  if (bytes.length < BLOCK || latin1Text(bytes.subarray(0, 9)) !== 'SIMPLE  =') {
    throw new Error(`${what}: not a FITS file (it does not start with a SIMPLE card in a 2880-byte block)`);
  }
  const primary = parseHeader(bytes, 0, `${what} primary header`);
  if (primary.header.values.SIMPLE !== true) throw new Error(`${what}: SIMPLE is not T, not a standard FITS file`);
  let off = primary.blocks * BLOCK + Math.ceil(dataSize(primary.header, what) / BLOCK) * BLOCK;
  let hduIndex = 1;
  let table: { header: FitsHeader; dataStart: number } | null = null;
  while (off < bytes.length) {
    const ext = parseHeader(bytes, off, `${what} HDU ${hduIndex} header`);
    const dataStart = off + ext.blocks * BLOCK;
    const xt = ext.header.values.XTENSION;
    if (options.hdu === undefined ? xt === 'BINTABLE' : options.hdu === hduIndex) {
      table = { header: ext.header, dataStart };
      break;
    }
    off = dataStart + Math.ceil(dataSize(ext.header, `${what} HDU ${hduIndex}`) / BLOCK) * BLOCK;
    hduIndex++;
  }
  if (!table) {
    throw new Error(options.hdu === undefined
      ? `${what}: no BINTABLE extension, so no HEALPix map (HEALPix maps are stored as binary tables)`
      : `${what}: there is no HDU ${options.hdu}`);
  }
  const h = table.header;
  const hw = `${what} HDU ${hduIndex}`;
  if (h.values.XTENSION !== 'BINTABLE') throw new Error(`${hw}: XTENSION is ${JSON.stringify(h.values.XTENSION)}, a HEALPix map needs a BINTABLE`);
  if (intValue(h, 'BITPIX', hw) !== 8 || intValue(h, 'NAXIS', hw) !== 2) throw new Error(`${hw}: malformed binary table (BITPIX must be 8 and NAXIS 2)`);
  const rowBytes = intValue(h, 'NAXIS1', hw);
  const nrows = intValue(h, 'NAXIS2', hw);
  const { cols, rowBytes: summed } = columnLayouts(h, hw);
  if (summed !== rowBytes) throw new Error(`${hw}: column widths add up to ${summed} bytes but NAXIS1 = ${rowBytes}`);
  if (table.dataStart + rowBytes * nrows > bytes.length) {
    throw new Error(`${hw}: file truncated (the table needs ${rowBytes * nrows} bytes of data, ${Math.max(0, bytes.length - table.dataStart)} present)`);
  }

  // HEALPix keywords: the extension's, with the primary header as fallback (some writers put them there).
  const get = (key: string) => (h.values[key] !== undefined ? h.values[key] : primary.header.values[key]);
  const pixtype = get('PIXTYPE');
  if (pixtype !== undefined && String(pixtype).trim().toUpperCase() !== 'HEALPIX') {
    throw new Error(`${hw}: PIXTYPE = ${JSON.stringify(pixtype)}, not a HEALPix map`);
  }
  const ord = String(get('ORDERING') ?? '').trim().toUpperCase();
  if (ord === '') throw new Error(`${hw}: no ORDERING keyword, cannot tell RING from NESTED${pixtype === undefined ? ' (and no PIXTYPE: is this a HEALPix map?)' : ''}`);
  if (ord !== 'RING' && ord !== 'NESTED' && ord !== 'NEST') throw new Error(`${hw}: ORDERING = ${JSON.stringify(ord)}, expected RING or NESTED`);
  const ordering: HealpixOrdering = ord === 'RING' ? 'RING' : 'NESTED';

  const object = String(get('OBJECT') ?? '').trim().toUpperCase();
  const schm = String(get('INDXSCHM') ?? '').trim().toUpperCase();
  if ((schm === 'EXPLICIT' && object === 'FULLSKY') || (schm === 'IMPLICIT' && object === 'PARTIAL')) {
    throw new Error(`${hw}: INDXSCHM = ${schm} contradicts OBJECT = ${object}`);
  }
  if (schm !== '' && schm !== 'EXPLICIT' && schm !== 'IMPLICIT') throw new Error(`${hw}: INDXSCHM = ${JSON.stringify(schm)}, expected IMPLICIT or EXPLICIT`);
  const explicit = schm === 'EXPLICIT' || (schm === '' && object === 'PARTIAL');

  for (const c of cols) {
    if (!NUMERIC.has(c.type)) throw new Error(`${hw}: column ${c.index} (${c.name}) has TFORM ${c.tform}, not a numeric map column`);
  }
  if (cols.length === 0 || (explicit && cols.length < 2)) throw new Error(`${hw}: no map column in the table`);

  const view = new DataView(bytes.buffer, bytes.byteOffset + table.dataStart, rowBytes * nrows);
  const raw = cols.map((c) => readColumn(view, c, rowBytes, nrows));
  const nsideKey = get('NSIDE');
  let nside: number;
  if (nsideKey === undefined) {
    if (explicit) throw new Error(`${hw}: partial-sky map without NSIDE`);
    nside = npix2nside(raw[0].length);
  } else if (typeof nsideKey !== 'number' || !Number.isInteger(nsideKey)) {
    throw new Error(`${hw}: NSIDE = ${JSON.stringify(nsideKey)} is not an integer`);
  } else nside = nsideKey;
  checkNside(nside, ordering, hw);
  const npix = 12 * nside * nside;

  let columns: HealpixColumn[];
  let pixels: Float64Array | undefined;
  if (explicit) {
    pixels = raw[0];
    for (let i = 0; i < pixels.length; i++) {
      const p = pixels[i];
      if (!Number.isInteger(p) || p < 0 || p >= npix) throw new Error(`${hw}: pixel index ${p} in row ${i + 1} is outside 0..${npix - 1}`);
    }
    columns = cols.slice(1).map((c, k) => {
      const vals = raw[k + 1];
      if (vals.length !== pixels!.length) throw new Error(`${hw}: column ${c.name} has ${vals.length} values for ${pixels!.length} pixel indices`);
      const data = new Float64Array(npix).fill(UNSEEN);
      for (let i = 0; i < vals.length; i++) data[pixels![i]] = vals[i];
      return { name: c.name, unit: c.unit, format: c.tform, data };
    });
  } else {
    columns = cols.map((c, k) => {
      if (raw[k].length !== npix) throw new Error(`${hw}: column ${c.name} has ${raw[k].length} values, NSIDE = ${nside} needs ${npix}`);
      return { name: c.name, unit: c.unit, format: c.tform, data: raw[k] };
    });
  }
  return {
    nside,
    ordering,
    coordsys: normalizeCoordsys(get('COORDSYS')),
    indexScheme: explicit ? 'EXPLICIT' : 'IMPLICIT',
    ...(pixels ? { pixels } : {}),
    columns,
    header: h,
    primaryHeader: primary.header,
  };
}
