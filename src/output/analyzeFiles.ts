/**
 * `crsky analyze` on a file: reads a HEALPix FITS map (ours or anyone's), runs the pipeline's
 * analysis and writes cl.csv, dipole.csv, the map's PNG and, with multipole removal or
 * smoothing, residual.fits and residual.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { writeClPlot } from '../io/clPlot.ts';
import { writeCsv } from '../io/csv.ts';
import { readHealpixFits, writeHealpixFits, type HealpixCoordsys } from '../io/fits.ts';
import { writeMollweide } from '../io/mollweide.ts';
import { UNSEEN } from '../analysis/healpix.ts';
import { analyzeMap, checkAnalyzeOptions, type AnalyzeOptions, type MapAnalysis } from '../pipeline/analyze.ts';
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

export function analyzeFile(file: string, opts: AnalyzeFileOptions, argv: readonly string[] = []): AnalyzeFileResult {
  if (!fs.existsSync(file)) throw new ConfigError(`analyze: ${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new ConfigError(`analyze: ${file}: is a directory, not a FITS file`);
  const earlier = earlierAnalysis(opts.out);
  let fits: ReturnType<typeof readHealpixFits>;
  try {
    fits = readHealpixFits(file);
  } catch (e) {
    // not FITS, or FITS without a HEALPix map: bad input (exit code 2), like a missing file
    throw new ConfigError(`analyze: ${(e as Error).message}`);
  }
  const col = opts.column === undefined ? fits.columns[0] : fits.columns.find((c) => c.name === opts.column);
  if (!col) throw new ConfigError(`analyze --column ${opts.column}: not in ${file}; columns: ${fits.columns.map((c) => c.name).join(', ')}`);
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
  const mine = files.map((f) => path.basename(f));
  const marker: AnalysisMarker & Record<string, unknown> = { command: 'analyze', crsky: crskyVersion(), argv, map: path.resolve(file), createdAt: new Date().toISOString(), files: mine };
  writeJsonAtomic(note(path.join(opts.out, ANALYSIS_MARKER)), marker);
  // the earlier analysis's files this one did not replace would describe another analysis
  for (const f of earlier) if (!mine.includes(f)) fs.rmSync(path.join(opts.out, f), { force: true });
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
