/**
 * Files of `crsky observe` (Node only; their contents are io/observationFormat.ts, which the page
 * shares): per observatory, in OUT/<name>/,
 *   observed.fits          INTENSITY (maximum likelihood), INTENSITY_DI (direct integration),
 *                          EXPOSURE (mean acceptance over the sidereal day), COUNTS; UNSEEN
 *                          outside the field of view, RING, equatorial
 *   observed.png           I − 1 by maximum likelihood, the field of view's declination limits drawn
 *   cl.csv                 pseudo-C_l, noise N_l, full-sky estimate (Eq. 30), the input's C_l
 *   dipole_<method>.csv    input, ra_projection (Eq. 24–25), kprime (Eq. 27–28), east_west (Eq. 20–23)
 *   east_west_ratio.csv    (N_E − N_W)/(N_E + N_W) per sidereal step
 * and in OUT/: observe.json (what was observed, with the key that lets a re-run of the same inputs
 * overwrite), summary.txt, and side-by-side.png (input and every observed map in a row).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { writeCsv } from '../io/csv.ts';
import { UNSEEN, writeHealpixFits } from '../io/fits.ts';
import { mollweideSvg, writeMollweide, type MollweideOptions } from '../io/mollweide.ts';
import { svgOpen, writeFigure } from '../io/svg.ts';
import type { Observatory } from '../analysis/observatory/definition.ts';
import type { Observation } from '../analysis/observatory/observe.ts';
import { observedClTable, observedDipoleTables, observedMapFits, type CsvTableToWrite } from '../io/observationFormat.ts';

export const OBSERVE_RECORD = 'observe.json';

/** What an observe output directory was made from; `key` identifies the inputs (map content, map label, observatories). */
export interface ObserveRecord {
  readonly command: 'observe';
  readonly key: string;
  readonly input: string;
  readonly inputSha256: string;
  readonly label: string | null;
  readonly observatories: readonly Observatory[];
  /** The views in order: an observatory's name, or "a+b" for a joint view. */
  readonly views?: readonly string[];
  readonly options: Readonly<Record<string, number | string | null>>;
  readonly crsky: string;
  readonly createdAt: string;
}

export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The inputs' identity: the same map bytes, map label and observatory definitions give the same key. */
export function observeInputsKey(inputSha256: string, label: string | null, observatories: readonly Observatory[], jointViews?: readonly string[]): string {
  const defs = observatories.map((o) => ({ name: o.name, latitudeDeg: o.latitudeDeg, zenithMaxDeg: o.zenithMaxDeg, acceptance: o.acceptance }));
  return createHash('sha256').update(JSON.stringify(jointViews ? { inputSha256, label, defs, views: jointViews } : { inputSha256, label, defs })).digest('hex').slice(0, 16);
}

/**
 * Why `out` cannot take this observation, or null: it must be absent, empty, or an earlier
 * observe output of the same inputs (never another command's outputs).
 */
export function observeOutDirProblem(out: string, key: string): string | null {
  if (!fs.existsSync(out)) return null;
  if (!fs.statSync(out).isDirectory()) return `${out} exists and is not a directory`;
  if (fs.readdirSync(out).length === 0) return null;
  const recordFile = path.join(out, OBSERVE_RECORD);
  if (!fs.existsSync(recordFile)) return `${out} is not empty and holds no ${OBSERVE_RECORD}: not an observe output; choose an empty or new directory`;
  let record: Partial<ObserveRecord>;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as Partial<ObserveRecord>;
  } catch {
    return `${recordFile} is not readable JSON; choose an empty or new directory`;
  }
  if (record.command !== 'observe' || record.key !== key) return `${out} holds the observe output of other inputs (${record.input ?? 'unknown'}); choose an empty or new directory`;
  return null;
}

const e3 = (x: number) => x.toExponential(3);
const deg1 = (x: number) => `${x.toFixed(1)}°`;
/** A declination band, "δ1 < δ < δ2" to a tenth of a degree. */
const band = (b: { readonly decMinDeg: number; readonly decMaxDeg: number }) => `${deg1(b.decMinDeg)} < δ < ${deg1(b.decMaxDeg)}`;
/** Each detector's events, "name N, ..." with `digits` decimals of the mantissa. */
const detectorEvents = (obs: Observation, digits: number) => obs.detectors.map((d) => `${d.observatory.name} ${d.totalEvents.toExponential(digits)}`).join(', ');

function observatoryLine(obs: Observation): string {
  const f = obs.fieldOfView;
  const site = (o: Observatory) => `Φ = ${o.latitudeDeg}°, θ_max = ${o.zenithMaxDeg}°`;
  const rings = `(rings ${deg1(f.ringDecMinDeg)} .. ${deg1(f.ringDecMaxDeg)}, f_sky ${f.fsky.toFixed(3)})`;
  if (!obs.joint) return `${obs.name} (${site(obs.observatory)}): FOV ${band(f)} ${rings}`;
  const members = obs.detectors.map((d) => `${d.observatory.name}: ${site(d.observatory)}`).join('; ');
  return `${obs.name} jointly (${members}): union FOV ${f.bands.map(band).join(' ∪ ')} ${rings}`;
}

function figureTitle(obs: Observation, inputName: string): string {
  const events = obs.poisson
    ? `${obs.totalEvents.toExponential(2)} events${obs.joint ? ` (${detectorEvents(obs, 2)})` : ''}`
    : 'no noise (expected counts)';
  const what = obs.joint ? 'joint maximum likelihood' : 'maximum likelihood';
  // a joint view's full line (every member's site) is too long for a panel title
  const f = obs.fieldOfView;
  const line = obs.joint ? `union FOV ${f.bands.map(band).join(' ∪ ')} (f_sky ${f.fsky.toFixed(3)})` : observatoryLine(obs);
  return `${obs.name}: relative intensity I − 1 (${what}, ${obs.maximumLikelihood.iterations} updates)\n${line}\n${inputName}, N_side ${obs.nside}, ${events}`;
}

function maskedDeviation(obs: Observation, intensity: Float64Array): Float64Array {
  return Float64Array.from(intensity, (v, p) => (obs.mask[p] ? v - 1 : UNSEEN));
}

function mapFigureOptions(obs: Observation, inputName: string, width?: number): MollweideOptions {
  return {
    ordering: 'RING',
    title: figureTitle(obs, inputName),
    label: 'I − 1',
    center: 0,
    frameLabel: 'equatorial (α, δ)',
    outlineLatsDeg: obs.fieldOfView.bands.flatMap((b) => [b.decMinDeg, b.decMaxDeg]),
    width,
  };
}

/** Writes one observatory's files into `dir` and returns their paths. */
export function writeObservation(dir: string, obs: Observation, inputName: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const note = (f: string) => {
    files.push(f);
    return path.join(dir, f);
  };
  writeHealpixFits(note('observed.fits'), observedMapFits(obs, inputName));
  writeMollweide(note('observed.png'), maskedDeviation(obs, obs.maximumLikelihood.intensity), mapFigureOptions(obs, inputName));
  const csv = (file: string, t: CsvTableToWrite) => writeCsv(note(file), t.columns, t.comments);
  csv('cl.csv', observedClTable(obs, inputName));
  const d = observedDipoleTables(obs);
  csv('dipole_input.csv', d.input);
  csv('dipole_ra_projection.csv', d.raProjection);
  csv('dipole_kprime.csv', d.kPrime);
  csv('dipole_east_west.csv', d.eastWest);
  csv('east_west_ratio.csv', d.eastWestRatio);
  return files;
}

/** The summary printed by `crsky observe` for one observatory. */
export function observationSummary(obs: Observation): string {
  const d = obs.dipoles, s = obs.spectrum, ml = obs.maximumLikelihood;
  // α1 in [0, 360) to one decimal: 359.97° prints as 0.0°, not 360.0°
  const phase = (a: number) => (((Math.round(a * 10) / 10) % 360) + 360) % 360;
  const row = (label: string, a1: number, alphaDeg: number) => `    ${label.padEnd(44)} A1 = ${e3(a1)}  α1 = ${phase(alphaDeg).toFixed(1)}°`;
  const lines = [
    observatoryLine(obs),
    `  N_side ${obs.nside}, ${obs.nTimes} sidereal steps, ${obs.poisson ? `${obs.totalEvents.toExponential(3)} Poisson events${obs.joint ? ` (${detectorEvents(obs, 3)})` : ''}, noise N = ${e3(s.noiseEq31)} (Eq. 31), ${e3(s.noiseEq32)} (Eq. 32)` : 'no noise (expected counts)'}`,
    `  ${obs.joint ? 'joint maximum likelihood (one intensity, each detector\'s own rates and acceptance)' : 'maximum likelihood'}: ${ml.iterations} updates, last largest change of I ${ml.changes.length ? e3(ml.changes[ml.changes.length - 1]) : '-'}`,
    '  dipole (equatorial part):',
    row('input map (full sky)', d.input.a1, d.input.alpha1Deg),
    row('RA projection, Eq. 24 (as reported)', d.raProjection.maximumLikelihood.a1Projected, d.raProjection.maximumLikelihood.alpha1Deg),
    row(`RA projection rescaled, Eq. 25 (÷${d.raProjection.maximumLikelihood.factor.toFixed(3)})`, d.raProjection.maximumLikelihood.a1, d.raProjection.maximumLikelihood.alpha1Deg),
    row('K′-corrected, Eq. 27-28', d.kPrime.maximumLikelihood.a1, d.kPrime.maximumLikelihood.alpha1Deg),
    ...(obs.joint
      ? obs.detectors.map((det) => row(`East-West, Eq. 20-23 (${det.observatory.name} alone)`, det.eastWest.a1, det.eastWest.alpha1Deg))
      : [row('East-West, Eq. 20-23', obs.dipoles.eastWest.a1, obs.dipoles.eastWest.alpha1Deg)]),
    row('K′-corrected on direct integration', d.kPrime.directIntegration.a1, d.kPrime.directIntegration.alpha1Deg),
    `  C_1..C_4: pseudo ${Array.from(s.pseudoCl.slice(1, 5), e3).join(' ')}; full-sky estimate (Eq. 30, l-bins of ${s.fullSky.binWidth}) ${Array.from(s.fullSky.cl.slice(1, 5), e3).join(' ')}; input ${Array.from(s.inputCl.slice(1, 5), e3).join(' ')}`,
  ];
  return lines.join('\n');
}

/** Input map and every observed map in one row, each with its own colour bar. */
export function writeSideBySide(file: string, inputDeviation: Float64Array, inputName: string, observations: readonly Observation[], panelWidth = 900): void {
  const panels = [
    mollweideSvg(inputDeviation, { ordering: 'RING', title: `input: ${inputName}\nrelative intensity I − 1, full sky\nN_side ${observations[0].nside}`, label: 'I − 1', center: 0, frameLabel: 'equatorial (α, δ)', width: panelWidth }),
    ...observations.map((o) => mollweideSvg(maskedDeviation(o, o.maximumLikelihood.intensity), mapFigureOptions(o, inputName, panelWidth))),
  ];
  const size = (svg: string) => {
    const m = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg);
    if (!m) throw new Error('side-by-side: a panel is not an SVG document');
    return { w: Number(m[1]), h: Number(m[2]) };
  };
  const sizes = panels.map(size);
  const width = sizes.reduce((a, s) => a + s.w, 0);
  const height = Math.max(...sizes.map((s) => s.h));
  let x = 0;
  const body = panels.map((svg, i) => {
    const placed = svg.replace('<svg ', `<svg x="${x}" y="0" `);
    x += sizes[i].w;
    return placed;
  });
  writeFigure(file, `${svgOpen(width, height)}${body.join('\n')}\n</svg>\n`);
}

export function writeObserveRecord(out: string, record: ObserveRecord): void {
  writeFileAtomic(path.join(out, OBSERVE_RECORD), JSON.stringify(record, null, 2) + '\n');
}
