/**
 * Analysis of any HEALPix FITS map (ours or anyone's): C_l, dipole, removal of low multipoles
 * and top-hat smoothing, as behind `crsky analyze`.
 *
 * Masked pixels (UNSEEN or not finite) are left out of every fit; with a mask the C_l are the
 * pseudo-C_l of the deviation map (masked pixels set to 0) divided by the unmasked sky fraction,
 * a first-order correction that is exact only for white noise (the summary says so).
 */
import fs from 'node:fs';
import path from 'node:path';
import { vecToLonLat } from '../config/frames.ts';
import { dipoleFromMap } from '../analysis/dipole.ts';
import { anafast } from '../analysis/harmonics.ts';
import { reorder, UNSEEN } from '../analysis/healpix.ts';
import { removeMultipoles } from '../analysis/multipoles.ts';
import { smoothTopHat } from '../analysis/smoothing.ts';
import { writeCsv } from '../io/csv.ts';
import { readHealpixFits, writeHealpixFits, type HealpixCoordsys } from '../io/fits.ts';
import { writeMollweide } from '../io/mollweide.ts';
import { writeClPlot } from '../io/clPlot.ts';
import { UsageError } from './errors.ts';

export interface AnalyzeOptions {
  readonly lmax?: number;
  readonly removeMultipoles?: number;
  readonly smoothDeg?: number;
  readonly column?: string;
  readonly out: string;
  readonly iterations?: number;
}

export interface AnalyzeResult {
  readonly nside: number;
  readonly ordering: string;
  readonly coordsys: HealpixCoordsys | null;
  readonly column: string;
  readonly validPixels: number;
  readonly fsky: number;
  readonly monopole: number;
  readonly dipole: { readonly vector: [number, number, number]; readonly amplitude: number; readonly lonDeg: number; readonly latDeg: number; readonly relative: boolean };
  readonly lmax: number;
  readonly cl: Float64Array;
  readonly files: string[];
}

const FRAME_NAME: Record<HealpixCoordsys, string> = { C: 'equatorial (α, δ)', G: 'galactic (l, b)', E: 'ecliptic (λ, β)' };

function isValid(v: number): boolean {
  return Number.isFinite(v) && v !== UNSEEN;
}

export function analyzeMap(file: string, opts: AnalyzeOptions): AnalyzeResult {
  if (!fs.existsSync(file)) throw new UsageError(`analyze: ${file}: no such file`);
  let fits: ReturnType<typeof readHealpixFits>;
  try {
    fits = readHealpixFits(file);
  } catch (e) {
    // not FITS, or FITS without a HEALPix map: bad input (exit code 2), like a missing file
    throw new UsageError(`analyze: ${(e as Error).message}`);
  }
  const col = opts.column === undefined ? fits.columns[0] : fits.columns.find((c) => c.name === opts.column);
  if (!col) throw new UsageError(`analyze --column ${opts.column}: not in ${file}; columns: ${fits.columns.map((c) => c.name).join(', ')}`);
  const nside = fits.nside;
  const lmaxAllowed = 3 * nside - 1;
  const lmax = opts.lmax ?? lmaxAllowed;
  if (!(Number.isInteger(lmax) && lmax >= 1 && lmax <= lmaxAllowed)) throw new UsageError(`analyze --lmax ${opts.lmax}: must be an integer in [1, ${lmaxAllowed}] (3·N_side − 1)`);
  const lcut = opts.removeMultipoles;
  if (lcut !== undefined && !(Number.isInteger(lcut) && lcut >= 0 && lcut <= 10)) throw new UsageError(`analyze --remove-multipoles ${lcut}: must be an integer in [0, 10]`);
  const iterations = opts.iterations ?? 3;
  if (!(Number.isInteger(iterations) && iterations >= 0 && iterations <= 10)) throw new UsageError(`analyze --iter ${iterations}: must be an integer in [0, 10]`);
  const smooth = opts.smoothDeg;
  if (smooth !== undefined && !(smooth > 0 && smooth <= 180)) throw new UsageError(`analyze --smooth ${smooth}: radius in degrees must be in (0, 180]`);

  // Everything below works in RING order.
  const map = fits.ordering === 'NESTED' ? reorder(col.data, 'n2r') : Float64Array.from(col.data);
  const mask = Uint8Array.from(map, (v) => (isValid(v) ? 1 : 0));
  const validPixels = mask.reduce((a, m) => a + m, 0);
  if (validPixels === 0) throw new UsageError(`analyze: ${file}: every pixel is UNSEEN or not finite`);
  const fsky = validPixels / map.length;

  const fit = dipoleFromMap(map, { mask });
  // A map of I (mean ~ 1) gets the dipole relative to its monopole; a map of I - 1 or of counts
  // minus a mean (monopole comparable to or below the fluctuations) keeps map units.
  let sq = 0;
  for (let p = 0; p < map.length; p++) if (mask[p]) sq += (map[p] - fit.monopole) ** 2;
  const rms = Math.sqrt(sq / validPixels);
  const relative = Math.abs(fit.monopole) > 10 * rms;
  const vector: [number, number, number] = relative
    ? [fit.vector[0] / fit.monopole, fit.vector[1] / fit.monopole, fit.vector[2] / fit.monopole]
    : [fit.vector[0], fit.vector[1], fit.vector[2]];
  const amplitude = Math.hypot(...vector);
  const dir = amplitude > 0 ? vecToLonLat(vector) : { lonDeg: 0, latDeg: 0 };

  // C_l of the deviation from the monopole (after multipole removal if asked), masked pixels 0.
  let work = map;
  if (lcut !== undefined) work = removeMultipoles(map, { lmax: lcut, mask }).residual;
  const deviation = Float64Array.from(work, (v, p) => (mask[p] ? v - (lcut !== undefined ? 0 : fit.monopole) : 0));
  const cl = anafast(deviation, { lmax, iterations });
  if (fsky < 1) for (let l = 0; l < cl.length; l++) cl[l] /= fsky;

  fs.mkdirSync(opts.out, { recursive: true });
  const files: string[] = [];
  const note = (f: string) => {
    files.push(f);
    return f;
  };
  const base = path.basename(file).replace(/\.fits(\.gz)?$/i, '');
  writeCsv(note(path.join(opts.out, 'cl.csv')), { l: Float64Array.from(cl, (_v, l) => l), cl }, [
    `crsky analyze ${path.basename(file)} column ${col.name}: C_l of the map minus its monopole${lcut !== undefined ? ` after removing l <= ${lcut}` : ''}`,
    fsky < 1 ? `masked sky: pseudo-C_l / f_sky with f_sky = ${fsky}` : 'full sky',
  ]);
  writeCsv(
    note(path.join(opts.out, 'dipole.csv')),
    {
      dx: [vector[0]],
      dy: [vector[1]],
      dz: [vector[2]],
      amplitude: [amplitude],
      lon_deg: [dir.lonDeg],
      lat_deg: [dir.latDeg],
      monopole: [fit.monopole],
    },
    [
      `dipole of ${path.basename(file)} by least squares over the ${validPixels} unmasked pixels, ${relative ? 'relative to the monopole' : 'in map units'}`,
      `axes and angles of the map's frame: ${fits.coordsys ? FRAME_NAME[fits.coordsys] : 'unknown (no COORDSYS)'}`,
    ],
  );
  const frameLabel = fits.coordsys ? FRAME_NAME[fits.coordsys] : undefined;
  const display = Float64Array.from(map, (v, p) => (mask[p] ? v : UNSEEN));
  writeMollweide(note(path.join(opts.out, `${base}.png`)), display, { ordering: 'RING', title: `${path.basename(file)} [${col.name}]`, label: col.name, unit: col.unit || undefined, frameLabel });

  if (lcut !== undefined || smooth !== undefined) {
    let residual = lcut !== undefined ? work : Float64Array.from(map, (v) => v - fit.monopole);
    if (smooth !== undefined) residual = smoothTopHat(residual, { radiusDeg: smooth, mask });
    const out = Float64Array.from(residual, (v, p) => (mask[p] && Number.isFinite(v) ? v : UNSEEN));
    const what = [lcut !== undefined ? `l <= ${lcut} removed` : 'monopole removed', smooth !== undefined ? `${smooth}° top-hat` : ''].filter(Boolean).join(', ');
    writeHealpixFits(note(path.join(opts.out, 'residual.fits')), {
      ordering: 'RING',
      coordsys: fits.coordsys ?? undefined,
      columns: [{ name: col.name, unit: col.unit, data: out, format: 'D' }],
      extraCards: [{ key: 'HISTORY', value: `crsky analyze: ${path.basename(file)}, ${what}` }],
    });
    writeMollweide(note(path.join(opts.out, 'residual.png')), out, { ordering: 'RING', title: `${path.basename(file)}: ${what}`, label: `residual ${col.name}`, center: 0, frameLabel });
  }
  const ls = Float64Array.from({ length: lmax }, (_v, i) => i + 1);
  writeClPlot(note(path.join(opts.out, 'cl.png')), { label: 'C_ℓ', l: ls, cl: cl.subarray(1) }, { title: `Angular power spectrum of ${path.basename(file)}` });
  return {
    nside,
    ordering: fits.ordering,
    coordsys: fits.coordsys,
    column: col.name,
    validPixels,
    fsky,
    monopole: fit.monopole,
    dipole: { vector, amplitude, lonDeg: dir.lonDeg, latDeg: dir.latDeg, relative },
    lmax,
    cl,
    files,
  };
}

export function analyzeSummary(file: string, r: AnalyzeResult): string {
  const e = (x: number) => x.toExponential(3);
  return [
    `${file}: N_side ${r.nside}, ${r.ordering}, ${r.coordsys ? FRAME_NAME[r.coordsys] : 'frame unknown'}, column ${r.column}`,
    `unmasked pixels ${r.validPixels} (f_sky = ${r.fsky.toFixed(4)}), monopole ${e(r.monopole)}`,
    `dipole ${e(r.dipole.amplitude)}${r.dipole.relative ? ' (relative)' : ''} towards (lon, lat) = (${r.dipole.lonDeg.toFixed(1)}°, ${r.dipole.latDeg.toFixed(1)}°)`,
    `C_1..C_5 = ${Array.from(r.cl.slice(1, 6), e).join(' ')}  (lmax ${r.lmax})`,
    `wrote ${r.files.join(', ')}`,
  ].join('\n');
}
