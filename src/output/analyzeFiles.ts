/**
 * `crsky analyze` on a file: reads a HEALPix FITS map (ours or anyone's), runs the pipeline's
 * analysis and writes cl.csv, dipole.csv, the map's PNG and, with multipole removal or
 * smoothing, residual.fits and residual.png. On two files: their cross-spectrum and r_l
 * (cross.csv, cross.png).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { writeClPlot, writeLinePlot } from '../io/clPlot.ts';
import { writeCsv } from '../io/csv.ts';
import { readHealpixFits, writeHealpixFits, type HealpixCoordsys } from '../io/fits.ts';
import { writeMollweide } from '../io/mollweide.ts';
import { UNSEEN } from '../analysis/healpix.ts';
import { analyzeMap, checkAnalyzeOptions, crossAnalyzeMaps, type AnalyzeOptions, type CrossAnalysis, type MapAnalysis } from '../pipeline/analyze.ts';
import { checkDirTarget, ensureDir, readJsonFile } from './files.ts';
import { writeJsonAtomic } from './runDir.ts';
import { crskyVersion } from './version.ts';

/** analyze's marker in its --out: what it wrote, so a later analyze may replace exactly that. */
export const ANALYSIS_MARKER = 'analysis.json';

interface AnalysisMarker {
  readonly command: 'analyze';
  readonly files: readonly string[];
}

/**
 * Checks `out` before any work: absent, empty, or written by an earlier analyze (its marker lists
 * every file there). Anything else is another command's (a run directory, the user's files) and
 * is refused: no command overwrites another command's outputs. Returns the earlier files.
 */
function earlierAnalysis(out: string): string[] {
  const who = `analyze --out ${out}`;
  checkDirTarget(out, who);
  if (!fs.existsSync(out)) return [];
  const entries = fs.readdirSync(out).filter((e) => !/^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(e));
  if (entries.length === 0) return [];
  const marker = path.join(out, ANALYSIS_MARKER);
  const previous = fs.existsSync(marker) ? readJsonFile<Partial<AnalysisMarker>>(marker, `${who}: `) : null;
  const known = new Set([ANALYSIS_MARKER, ...(previous?.command === 'analyze' && Array.isArray(previous.files) ? previous.files : [])]);
  const foreign = previous?.command === 'analyze' ? entries.filter((e) => !known.has(e)) : entries;
  if (foreign.length > 0) {
    const shown = foreign.includes('manifest.json') ? 'a crsky run: manifest.json' : foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    throw new ConfigError(`${who}: holds files analyze did not write (${shown}); give a new or empty directory, or one an earlier analyze wrote`);
  }
  return [...known].filter((f) => f !== ANALYSIS_MARKER);
}

export interface AnalyzeFileOptions extends Omit<AnalyzeOptions, 'ordering'> {
  readonly column?: string;
  readonly out: string;
}

export interface AnalyzeFileResult extends Omit<MapAnalysis, 'mask' | 'map' | 'residual' | 'residualDescription'> {
  readonly ordering: string;
  readonly coordsys: HealpixCoordsys | null;
  readonly column: string;
  readonly files: string[];
}

export const FRAME_NAME: Record<HealpixCoordsys, string> = { C: 'equatorial (α, δ)', G: 'galactic (l, b)', E: 'ecliptic (λ, β)' };

function checkMapPath(file: string): void {
  if (!fs.existsSync(file)) throw new ConfigError(`analyze: ${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new ConfigError(`analyze: ${file}: is a directory, not a FITS file`);
}

/** A HEALPix FITS map and its column, read as bad input (exit 2) when not a map. */
function readMapFile(file: string, column: string | undefined) {
  let fits: ReturnType<typeof readHealpixFits>;
  try {
    fits = readHealpixFits(file);
  } catch (e) {
    // not FITS, or FITS without a HEALPix map: bad input (exit code 2), like a missing file
    throw new ConfigError(`analyze: ${(e as Error).message}`);
  }
  const col = column === undefined ? fits.columns[0] : fits.columns.find((c) => c.name === column);
  if (!col) throw new ConfigError(`analyze --column ${column}: not in ${file}; columns: ${fits.columns.map((c) => c.name).join(', ')}`);
  return { fits, col };
}

/** Writes analysis.json (the files written) and removes an earlier analysis's files not written again. */
function finishAnalysis(out: string, files: readonly string[], earlier: readonly string[], argv: readonly string[], maps: readonly string[]): string {
  const mine = files.map((f) => path.basename(f));
  const marker: AnalysisMarker & Record<string, unknown> = {
    command: 'analyze',
    crsky: crskyVersion(),
    argv,
    ...(maps.length === 1 ? { map: path.resolve(maps[0]) } : { maps: maps.map((m) => path.resolve(m)) }),
    createdAt: new Date().toISOString(),
    files: mine,
  };
  const file = path.join(out, ANALYSIS_MARKER);
  writeJsonAtomic(file, marker);
  // the earlier analysis's files this one did not replace would describe another analysis
  for (const f of earlier) if (!mine.includes(f)) fs.rmSync(path.join(out, f), { force: true });
  return file;
}

export function analyzeFile(file: string, opts: AnalyzeFileOptions, argv: readonly string[] = []): AnalyzeFileResult {
  checkMapPath(file);
  const earlier = earlierAnalysis(opts.out);
  const { fits, col } = readMapFile(file, opts.column);
  checkAnalyzeOptions(fits.nside, opts);
  let a: MapAnalysis;
  try {
    a = analyzeMap(col.data, { ...opts, ordering: fits.ordering });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.message.replace(/^analyze: /, `analyze: ${file}: `));
    throw e;
  }

  ensureDir(opts.out, `analyze --out ${opts.out}`);
  const files: string[] = [];
  const note = (f: string) => {
    files.push(f);
    return f;
  };
  const base = path.basename(file).replace(/\.fits(\.gz)?$/i, '');
  const lcut = opts.removeMultipoles;
  const { cl, dipole, fsky, validPixels, mask, map } = a;
  writeCsv(note(path.join(opts.out, 'cl.csv')), { l: Float64Array.from(cl, (_v, l) => l), cl }, [
    `crsky analyze ${path.basename(file)} column ${col.name}: C_l of the map minus its monopole${lcut !== undefined ? ` after removing l <= ${lcut}` : ''}`,
    fsky < 1 ? `masked sky: pseudo-C_l / f_sky with f_sky = ${fsky}` : 'full sky',
  ]);
  writeCsv(
    note(path.join(opts.out, 'dipole.csv')),
    {
      dx: [dipole.vector[0]],
      dy: [dipole.vector[1]],
      dz: [dipole.vector[2]],
      amplitude: [dipole.amplitude],
      lon_deg: [dipole.lonDeg],
      lat_deg: [dipole.latDeg],
      monopole: [a.monopole],
    },
    [
      `dipole of ${path.basename(file)} by least squares over the ${validPixels} unmasked pixels, ${dipole.relative ? 'relative to the monopole' : 'in map units'}`,
      `axes and angles of the map's frame: ${fits.coordsys ? FRAME_NAME[fits.coordsys] : 'unknown (no COORDSYS)'}`,
    ],
  );
  const frameLabel = fits.coordsys ? FRAME_NAME[fits.coordsys] : undefined;
  const display = Float64Array.from(map, (v, p) => (mask[p] ? v : UNSEEN));
  writeMollweide(note(path.join(opts.out, `${base}.png`)), display, { ordering: 'RING', title: `${path.basename(file)} [${col.name}]`, label: col.name, unit: col.unit || undefined, frameLabel });

  if (a.residual !== null) {
    const what = a.residualDescription ?? '';
    writeHealpixFits(note(path.join(opts.out, 'residual.fits')), {
      ordering: 'RING',
      coordsys: fits.coordsys ?? undefined,
      columns: [{ name: col.name, unit: col.unit, data: a.residual, format: 'D' }],
      extraCards: [{ key: 'HISTORY', value: `crsky analyze: ${path.basename(file)}, ${what}` }],
    });
    writeMollweide(note(path.join(opts.out, 'residual.png')), a.residual, { ordering: 'RING', title: `${path.basename(file)}: ${what}`, label: `residual ${col.name}`, center: 0, frameLabel });
  }
  const ls = Float64Array.from({ length: a.lmax }, (_v, i) => i + 1);
  writeClPlot(note(path.join(opts.out, 'cl.png')), { label: 'C_ℓ', l: ls, cl: cl.subarray(1) }, { title: `Angular power spectrum of ${path.basename(file)}` });
  note(finishAnalysis(opts.out, [...files], earlier, argv, [file]));
  return {
    nside: a.nside,
    ordering: fits.ordering,
    coordsys: fits.coordsys,
    column: col.name,
    validPixels,
    fsky,
    monopole: a.monopole,
    dipole,
    lmax: a.lmax,
    cl,
    files,
  };
}

/** The text `crsky analyze` prints. */
export function analyzeSummary(file: string, r: AnalyzeFileResult): string {
  const e = (x: number) => x.toExponential(3);
  return [
    `${file}: N_side ${r.nside}, ${r.ordering}, ${r.coordsys ? FRAME_NAME[r.coordsys] : 'frame unknown'}, column ${r.column}`,
    `unmasked pixels ${r.validPixels} (f_sky = ${r.fsky.toFixed(4)}), monopole ${e(r.monopole)}`,
    `dipole ${e(r.dipole.amplitude)}${r.dipole.relative ? ' (relative)' : ''} towards (lon, lat) = (${r.dipole.lonDeg.toFixed(1)}°, ${r.dipole.latDeg.toFixed(1)}°)`,
    `C_1..C_5 = ${Array.from(r.cl.slice(1, 6), e).join(' ')}  (lmax ${r.lmax})`,
    `wrote ${r.files.join(', ')}`,
  ].join('\n');
}

export interface CrossFileResult extends CrossAnalysis {
  readonly maps: readonly [string, string];
  readonly coordsys: HealpixCoordsys | null;
  readonly files: string[];
}

/**
 * `crsky analyze A.fits B.fits`: the cross-spectrum of two maps (healpy's anafast(m1, m2), each
 * map minus its monopole as analyze's cl.csv) and r_l, written as cross.csv and cross.png.
 */
export function analyzeCrossFiles(fileA: string, fileB: string, opts: AnalyzeFileOptions, argv: readonly string[] = []): CrossFileResult {
  if (opts.smoothDeg !== undefined) throw new ConfigError(`analyze --smooth ${opts.smoothDeg}: smooths the residual map of one map; give one map, or no --smooth for a cross-spectrum`);
  checkMapPath(fileA);
  checkMapPath(fileB);
  const earlier = earlierAnalysis(opts.out);
  const a = readMapFile(fileA, opts.column);
  const b = readMapFile(fileB, opts.column);
  const [ca, cb] = [a.fits.coordsys, b.fits.coordsys];
  if (ca !== null && cb !== null && ca !== cb) {
    throw new ConfigError(`analyze: ${fileA} is ${FRAME_NAME[ca]}, ${fileB} is ${FRAME_NAME[cb]}: rotate one map into the other's frame first`);
  }
  let x: CrossAnalysis;
  try {
    x = crossAnalyzeMaps(a.col.data, b.col.data, { ...opts, orderings: [a.fits.ordering, b.fits.ordering] });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(e.message.replace(/^analyze: /, `analyze: ${fileA}, ${fileB}: `));
    throw e;
  }
  ensureDir(opts.out, `analyze --out ${opts.out}`);
  const files: string[] = [];
  const l = Float64Array.from(x.clXY, (_v, i) => i);
  const names = `${path.basename(fileA)} [${a.col.name}] (X) and ${path.basename(fileB)} [${b.col.name}] (Y)`;
  const lcut = opts.removeMultipoles;
  const csv = path.join(opts.out, 'cross.csv');
  writeCsv(csv, { l, cl_xy: x.clXY, cl_xx: x.clXX, cl_yy: x.clYY, r: x.r }, [
    `crsky analyze: cross-spectrum of ${names}: healpy anafast(m1, m2) of each map minus its monopole${lcut !== undefined ? ` after removing l <= ${lcut}` : ''}, ${opts.iterations ?? 3} Jacobi iterations`,
    'cl_xx, cl_yy: the auto-spectra the same way; r = cl_xy / sqrt(cl_xx cl_yy)',
    x.fsky < 1 ? `pixels masked in either map are 0 in both: pseudo-C_l / f_sky with f_sky = ${x.fsky}` : 'full sky',
  ]);
  files.push(csv);
  const png = path.join(opts.out, 'cross.png');
  const ls = l.subarray(1);
  writeLinePlot(png, [{ label: 'r_{ℓ} = C_{ℓ}^{XY}/√(C_{ℓ}^{XX} C_{ℓ}^{YY})', x: ls, y: x.r.subarray(1) }], {
    title: `Cross-correlation of two maps\n${names}`,
    xLabel: 'ℓ',
    yLabel: 'r_{ℓ}',
    xLog: true,
    yMin: -1,
    yMax: 1.05,
  });
  files.push(png);
  files.push(finishAnalysis(opts.out, files, earlier, argv, [fileA, fileB]));
  return { ...x, maps: [fileA, fileB], coordsys: ca ?? cb, files };
}

/** The text `crsky analyze A B` prints. */
export function crossSummary(r: CrossFileResult): string {
  const e = (v: number) => (Number.isFinite(v) ? v.toExponential(3) : 'nan');
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'nan');
  return [
    `${r.maps[0]} (X) × ${r.maps[1]} (Y): N_side ${r.nside}, ${r.coordsys ? FRAME_NAME[r.coordsys] : 'frame unknown'}`,
    `pixels unmasked in both ${r.validPixels} (f_sky = ${r.fsky.toFixed(4)}), monopoles ${e(r.monopoles[0])}, ${e(r.monopoles[1])}`,
    `C_1..C_5 of X×Y = ${Array.from(r.clXY.slice(1, 6), e).join(' ')}  (lmax ${r.lmax})`,
    `r_1..r_5 = ${Array.from(r.r.slice(1, 6), f).join(' ')}`,
    `wrote ${r.files.join(', ')}`,
  ].join('\n');
}
