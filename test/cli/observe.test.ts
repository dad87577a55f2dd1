/**
 * `crsky observe` end to end on the real CLI: a dipole sky through two observatories (files,
 * printed dipoles, FITS contents), a run directory as input, re-runs into the same directory,
 * and bad input: exit 2, one line naming the option, value and allowed range, nothing written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelCentres, reorder } from '../../src/analysis/healpix.ts';
import { readCsv } from '../../src/io/csv.ts';
import { readHealpixFits, UNSEEN, writeHealpixFits } from '../../src/io/fits.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, runCli, runCliAll, type CliResult } from '../helpers/cli.ts';

const NSIDE = 8;
const A1 = 2e-3, ALPHA1_DEG = 120;

let fx: string;
let run: CliResult;
let out: string;

function dipoleMap(nside: number, scale = 1): Float64Array {
  const c = pixelCentres(nside);
  const a = (ALPHA1_DEG * Math.PI) / 180;
  return Float64Array.from({ length: 12 * nside * nside }, (_, p) => 1 + scale * A1 * (Math.cos(a) * c[3 * p] + Math.sin(a) * c[3 * p + 1]) + 1e-3 * c[3 * p + 2]);
}

beforeAll(async () => {
  fx = makeTempDir('crsky-cli-observe-');
  const map = dipoleMap(NSIDE);
  writeHealpixFits(path.join(fx, 'sky.fits'), { ordering: 'RING', coordsys: 'C', columns: [{ name: 'I', data: map }] });
  writeHealpixFits(path.join(fx, 'other.fits'), { ordering: 'RING', coordsys: 'C', columns: [{ name: 'I', data: dipoleMap(NSIDE, 2) }] });
  writeHealpixFits(path.join(fx, 'galactic.fits'), { ordering: 'RING', coordsys: 'G', columns: [{ name: 'I', data: map }] });
  const neg = Float64Array.from(map);
  neg[3] = -0.5;
  writeHealpixFits(path.join(fx, 'negative.fits'), { ordering: 'RING', coordsys: 'C', columns: [{ name: 'I', data: neg }] });
  // a finished run directory as simulate leaves it (manifest with its maps), two snapshots, one NESTED
  const rd = path.join(fx, 'run');
  fs.mkdirSync(path.join(rd, 'maps'), { recursive: true });
  writeHealpixFits(path.join(rd, 'maps', 'mean_t00.fits'), { ordering: 'NESTED', coordsys: 'C', columns: [{ name: 'I', data: reorder(dipoleMap(NSIDE, 0.5), 'r2n') }] });
  fs.copyFileSync(path.join(fx, 'sky.fits'), path.join(rd, 'maps', 'mean_t01.fits'));
  fs.writeFileSync(
    path.join(rd, 'manifest.json'),
    JSON.stringify({ status: 'complete', maps: [{ label: 't00', files: { meanMap: 'maps/mean_t00.fits' } }, { label: 't01', files: { meanMap: 'maps/mean_t01.fits' } }] }),
  );
  fs.mkdirSync(path.join(fx, 'unfinished'));
  fs.writeFileSync(path.join(fx, 'unfinished', 'manifest.json'), JSON.stringify({ status: 'running', maps: null }));
  fs.writeFileSync(path.join(fx, 'mine.json'), JSON.stringify({ name: 'my-array', latitudeDeg: 45, zenithMaxDeg: 40, acceptance: { kind: 'table', zenithDeg: [0, 20, 40], value: [1, 0.8, 0.3] } }));
  fs.writeFileSync(path.join(fx, 'badlat.json'), JSON.stringify({ name: 'x', latitudeDeg: 100, zenithMaxDeg: 40 }));
  fs.writeFileSync(path.join(fx, 'broken.json'), '{ "name": ');
  fs.mkdirSync(path.join(fx, 'occupied'));
  fs.writeFileSync(path.join(fx, 'occupied', 'cl.csv'), 'l,cl\n1,2\n');
  out = path.join(fx, 'obs');
  run = await runCli(['observe', path.join(fx, 'sky.fits'), '--observatory', 'hawc,icecube', '--out', out, '--iterations', '200'], { timeoutMs: 120_000 });
}, 180_000);

afterAll(cleanupCli);

describe('crsky observe: a dipole sky through HAWC and IceCube', () => {
  it('exits 0 and writes the maps, spectra and dipoles of each observatory, the side-by-side figure and the record', () => {
    expect(run.stderr).not.toMatch(/crsky:/);
    expect(run.code).toBe(0);
    const perObs = ['cl.csv', 'dipole_east_west.csv', 'dipole_input.csv', 'dipole_kprime.csv', 'dipole_ra_projection.csv', 'east_west_ratio.csv', 'observed.fits', 'observed.png'];
    expect(listFiles(out)).toEqual([...perObs.map((f) => `hawc/${f}`), ...perObs.map((f) => `icecube/${f}`), 'observe.json', 'side-by-side.png', 'summary.txt'].sort());
    expect(csvHeader(path.join(out, 'hawc', 'cl.csv'))).toEqual(['l', 'cl_pseudo', 'noise', 'cl_full_sky', 'bin_first', 'cl_input', 'cl_input_pseudo']);
  });

  it('prints every method\'s dipole amplitude and phase in degrees, and they recover the input (K′ to 1e-3, East–West to 1e-2, phases to 1°)', () => {
    for (const name of ['hawc', 'icecube']) {
      const block = run.stdout.split(/\n(?=icecube )/)[name === 'hawc' ? 0 : 1];
      for (const label of ['input map', 'RA projection, Eq. 24', 'RA projection rescaled, Eq. 25', 'K′-corrected, Eq. 27-28', 'East-West, Eq. 20-23']) {
        expect(block).toMatch(new RegExp(`${label.replace(/[.()]/g, '\\$&')}.*A1 = [0-9.]+e-3  α1 = 1[12][0-9]\\.[0-9]°`));
      }
      const kp = readCsv(path.join(out, name, 'dipole_kprime.csv')).columns;
      const inp = readCsv(path.join(out, name, 'dipole_input.csv')).columns;
      const ew = readCsv(path.join(out, name, 'dipole_east_west.csv')).columns;
      expect(Math.abs(inp.a1[0] / A1 - 1)).toBeLessThan(1e-6);
      expect(Math.abs(kp.a1[1] / A1 - 1)).toBeLessThan(1e-3); // row 1: maximum likelihood
      expect(Math.abs(kp.alpha1_deg[1] - ALPHA1_DEG)).toBeLessThan(1);
      expect(Math.abs(ew.a1[0] / A1 - 1)).toBeLessThan(1e-2);
      expect(Math.abs(ew.alpha1_deg[0] - ALPHA1_DEG)).toBeLessThan(1);
      const ra = readCsv(path.join(out, name, 'dipole_ra_projection.csv')).columns;
      expect(Math.abs(ra.a1_reported[1] / (A1 * ra.factor_pixels[1]) - 1)).toBeLessThan(1e-3);
    }
  });

  it('the observed FITS map has I on the field of view (mean 1 per ring), UNSEEN outside, and its exposure and counts', () => {
    const f = readHealpixFits(path.join(out, 'hawc', 'observed.fits'));
    expect(f.coordsys).toBe('C');
    expect(f.columns.map((c) => c.name)).toEqual(['INTENSITY', 'INTENSITY_DI', 'EXPOSURE', 'COUNTS']);
    const I = f.columns[0].data;
    const seen = I.filter((v) => v !== UNSEEN);
    expect(seen.length).toBeGreaterThan(0.6 * I.length);
    expect(seen.length).toBeLessThan(0.75 * I.length);
    expect(Math.abs(seen.reduce((a, v) => a + v, 0) / seen.length - 1)).toBeLessThan(1e-12);
    expect(f.header.values.OBSERVAT).toBe('hawc');
    const rec = JSON.parse(fs.readFileSync(path.join(out, 'observe.json'), 'utf8'));
    expect(rec.command).toBe('observe');
    expect(rec.observatories.map((o: { name: string }) => o.name)).toEqual(['hawc', 'icecube']);
  });
});

describe('crsky observe: a joint view (hawc+icecube) next to its members', () => {
  let joint: CliResult, noisy: CliResult;
  let oj: string, on: string;
  beforeAll(async () => {
    oj = path.join(fx, 'obs-joint');
    on = path.join(fx, 'obs-joint-events');
    [joint, noisy] = await runCliAll(
      [
        ['observe', path.join(fx, 'sky.fits'), '--observatory', 'hawc+icecube,hawc', '--out', oj, '--iterations', '300'],
        ['observe', path.join(fx, 'sky.fits'), '--observatory', 'hawc,icecube,hawc+icecube', '--events', 'hawc=1e6,icecube=2e6', '--seed', '5', '--out', on, '--iterations', '30'],
      ],
      2,
      { timeoutMs: 120_000 },
    );
  }, 240_000);

  it('writes hawc+icecube/ with the files of a single observatory and prints it like the others, East–West per detector', () => {
    expect(joint.stderr).not.toMatch(/crsky:/);
    expect(joint.code).toBe(0);
    const perObs = ['cl.csv', 'dipole_east_west.csv', 'dipole_input.csv', 'dipole_kprime.csv', 'dipole_ra_projection.csv', 'east_west_ratio.csv', 'observed.fits', 'observed.png'];
    expect(listFiles(oj)).toEqual([...perObs.map((f) => `hawc/${f}`), ...perObs.map((f) => `hawc+icecube/${f}`), 'observe.json', 'side-by-side.png', 'summary.txt'].sort());
    expect(joint.stdout).toMatch(/^hawc\+icecube jointly \(hawc: Φ = 19°, θ_max = 45°; icecube: Φ = -90°, θ_max = 65°\): union FOV -90\.0° < δ < 64\.0° /m);
    expect(joint.stdout).toMatch(/East-West, Eq\. 20-23 \(hawc alone\) .*A1 = [0-9.]+e-3  α1 = 1[12][0-9]\.[0-9]°/);
    expect(joint.stdout).toMatch(/East-West, Eq\. 20-23 \(icecube alone\) .*A1 = [0-9.]+e-3  α1 = 1[12][0-9]\.[0-9]°/);
    const ew = readCsv(path.join(oj, 'hawc+icecube', 'dipole_east_west.csv')).columns;
    expect(Array.from(ew.detector)).toEqual([0, 1]);
    expect(csvHeader(path.join(oj, 'hawc+icecube', 'east_west_ratio.csv'))).toEqual(['step', 'meridian_ra_deg', 'ratio_hawc', 'ratio_icecube']);
    const rec = JSON.parse(fs.readFileSync(path.join(oj, 'observe.json'), 'utf8'));
    expect(rec.views).toEqual(['hawc+icecube', 'hawc']);
    expect(rec.observatories.map((o: { name: string }) => o.name)).toEqual(['hawc', 'icecube']);
  });

  it('the joint map covers the union field of view (~95 % of the sky at N_side 8), mean 1 per ring; K′ and Eq. 25 on it give the input dipole', () => {
    const f = readHealpixFits(path.join(oj, 'hawc+icecube', 'observed.fits'));
    expect(f.header.values.OBSERVAT).toBe('hawc+icecube');
    expect(f.header.values.OBS1).toBe('hawc');
    expect(f.header.values.OBS2).toBe('icecube');
    const I = f.columns[0].data;
    const seen = I.filter((v) => v !== UNSEEN);
    expect(seen.length / I.length).toBeGreaterThan(0.9);
    expect(Math.abs(seen.reduce((a, v) => a + v, 0) / seen.length - 1)).toBeLessThan(1e-12);
    // the sky's north component (1e-3) divides each ring by 1 + 1e-3 sin δ: the amplitude is exact to 1e-3, the phase exactly
    const kp = readCsv(path.join(oj, 'hawc+icecube', 'dipole_kprime.csv')).columns;
    expect(Math.abs(kp.a1[1] / A1 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(kp.alpha1_deg[1] - ALPHA1_DEG)).toBeLessThan(1e-3);
    const ra = readCsv(path.join(oj, 'hawc+icecube', 'dipole_ra_projection.csv')).columns;
    expect(Math.abs(ra.a1_rescaled[1] / A1 - 1)).toBeLessThan(1e-3);
    // Eq. 25 on the union band (−90°, 64°) and on its rings agree to the ring discretization
    expect(Math.abs(ra.factor_eq25[1] / ra.factor_pixels[1] - 1)).toBeLessThan(0.02);
    // at N_side 8 the two fields of view share no ring: the joint map is HAWC's own on HAWC's rings (both converged)
    const h = readHealpixFits(path.join(oj, 'hawc', 'observed.fits')).columns[0].data;
    for (let p = 0; p < h.length; p++) if (h[p] !== UNSEEN) expect(Math.abs(I[p] - h[p])).toBeLessThan(1e-6);
  });

  it('with --events name=N each detector draws its own count (the same Poisson stream as alone): the joint counts are the sum of the members\'', () => {
    expect(noisy.stderr).not.toMatch(/crsky:/);
    expect(noisy.code).toBe(0);
    expect(noisy.stdout).toMatch(/[0-9.]+e\+6 Poisson events \(hawc [0-9.]+e\+6, icecube [0-9.]+e\+6\)/);
    const c = (name: string) => readHealpixFits(path.join(on, name, 'observed.fits'));
    const j = c('hawc+icecube'), h = c('hawc').columns[3].data, i = c('icecube').columns[3].data;
    const n1 = Number(j.header.values.NEVENTS1), n2 = Number(j.header.values.NEVENTS2);
    expect(Math.abs(n1 - 1e6)).toBeLessThan(5e3);
    expect(Math.abs(n2 - 2e6)).toBeLessThan(7e3);
    expect(Number(j.header.values.NEVENTS)).toBe(n1 + n2);
    const jc = j.columns[3].data;
    for (let p = 0; p < jc.length; p++) {
      if (jc[p] === UNSEEN) continue;
      expect(jc[p]).toBe((h[p] === UNSEEN ? 0 : h[p]) + (i[p] === UNSEEN ? 0 : i[p]));
    }
  });
});

describe('crsky observe: inputs, records and re-runs', () => {
  it('takes a run directory (last map by default, --label for another), a JSON definition, Poisson events, and re-runs into its own output', async () => {
    const o2 = path.join(fx, 'obs2');
    const a = await runCli(['observe', path.join(fx, 'run'), '--observatory', `${path.join(fx, 'mine.json')},lhaaso-km2a`, '--events', '1e7', '--label', 't00', '--out', o2, '--iterations', '20'], { timeoutMs: 120_000 });
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('run [t00]');
    expect(a.stdout).toMatch(/my-array \(Φ = 45°, θ_max = 40°\)/);
    expect(a.stdout).toMatch(/1\.000e\+7 Poisson events|[0-9.]+e\+6 Poisson events/);
    expect(a.stdout).toMatch(/note: lhaaso-km2a: NOT VERIFIED/);
    expect(listFiles(o2)).toContain('my-array/observed.png');
    // the same inputs again: allowed, overwrites its own files
    const again = await runCli(['observe', path.join(fx, 'run'), '--observatory', `${path.join(fx, 'mine.json')},lhaaso-km2a`, '--label', 't00', '--out', o2, '--iterations', '5'], { timeoutMs: 120_000 });
    expect(again.code).toBe(0);
    // another map into it: refused
    const other = await runCli(['observe', path.join(fx, 'run'), '--observatory', `${path.join(fx, 'mine.json')},lhaaso-km2a`, '--out', o2], { timeoutMs: 60_000 });
    expect(other.code).toBe(2);
    expect(other.stderr.trim()).toMatch(/^crsky: observe --out .*obs2: .*holds the observe output of other inputs/);
  }, 240_000);
});

interface BadCase {
  readonly name: string;
  readonly args: (o: string) => string[];
  readonly stderr: RegExp;
}

const SKY = () => path.join(fx, 'sky.fits');
const BAD: readonly BadCase[] = [
  { name: 'an unknown observatory', args: (o) => ['observe', SKY(), '--observatory', 'hawc,milagro', '--out', o], stderr: /^crsky: observe --observatory milagro: unknown observatory; allowed: icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a or a \.json definition$/ },
  { name: 'an observatory named twice', args: (o) => ['observe', SKY(), '--observatory', 'hawc,hawc', '--out', o], stderr: /^crsky: observe --observatory hawc,hawc: hawc is named twice$/ },
  { name: 'an unknown observatory in a joint view', args: (o) => ['observe', SKY(), '--observatory', 'hawc+milagro', '--out', o], stderr: /^crsky: observe --observatory hawc\+milagro: unknown observatory milagro; allowed: icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a or a \.json definition$/ },
  { name: 'a joint view of one', args: (o) => ['observe', SKY(), '--observatory', 'icecube,hawc+', '--out', o], stderr: /^crsky: observe --observatory icecube,hawc\+: "hawc\+" is not a joint view; join two or more of icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a or \.json definitions with \+, e\.g\. hawc\+icecube$/ },
  { name: 'an observatory twice in a joint view', args: (o) => ['observe', SKY(), '--observatory', 'hawc+hawc', '--out', o], stderr: /^crsky: observe --observatory hawc\+hawc: hawc is named twice in the joint view hawc\+hawc; a joint view needs two or more different observatories$/ },
  { name: 'the same joint view twice', args: (o) => ['observe', SKY(), '--observatory', 'hawc+icecube,icecube+hawc', '--out', o], stderr: /^crsky: observe --observatory hawc\+icecube,icecube\+hawc: the joint view icecube\+hawc is named twice$/ },
  { name: 'events for some detectors only', args: (o) => ['observe', SKY(), '--observatory', 'hawc+icecube', '--events', 'hawc=1e6', '--out', o], stderr: /^crsky: observe --events hawc=1e6: no event count for icecube; give name=N for each of hawc, icecube$/ },
  { name: 'events for an observatory not observed', args: (o) => ['observe', SKY(), '--observatory', 'hawc+icecube', '--events', 'hawc=1e6,tibet=1e6', '--out', o], stderr: /^crsky: observe --events hawc=1e6,tibet=1e6: "tibet=1e6" names no observatory of --observatory; allowed: name=N for each of hawc, icecube$/ },
  { name: 'reference events for a preset without them', args: (o) => ['observe', SKY(), '--observatory', 'icecube+icetop', '--events', 'reference', '--out', o], stderr: /^crsky: observe --events reference: icetop has no reference data-set size; allowed for icecube, hawc, tibet, or give name=N for every observatory$/ },
  { name: 'zero events', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--events', '0', '--out', o], stderr: /^crsky: observe --events 0: must be a number in \[1, 1e16\]$/ },
  { name: 'N_side not a power of two', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--nside', '6', '--out', o], stderr: /^crsky: observe --nside 6: must be a power of 2 in \[4, 8\] \(the map has N_side 8\)$/ },
  { name: 'N_side finer than the map', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--nside', '16', '--out', o], stderr: /^crsky: observe --nside 16: must be a power of 2 in \[4, 8\]/ },
  { name: 'lmax 0', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--lmax', '0', '--out', o], stderr: /^crsky: observe --lmax 0: must be an integer in \[1, 23\]$/ },
  { name: 'too few sidereal steps', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--times', '5', '--out', o], stderr: /^crsky: observe --times 5: must be an integer in \[8, 4096\]$/ },
  { name: 'negative iterations', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--iterations', '-1', '--out', o], stderr: /^crsky: observe --iterations -1: must be an integer in \[0, 10000\]$/ },
  { name: 'a JSON definition with a latitude out of range', args: (o) => ['observe', SKY(), '--observatory', path.join(fx, 'badlat.json'), '--out', o], stderr: /^crsky: observe --observatory .*badlat\.json: latitudeDeg = 100: must be a number in \[-90, 90\]$/ },
  { name: 'a JSON definition that is not JSON', args: (o) => ['observe', SKY(), '--observatory', path.join(fx, 'broken.json'), '--out', o], stderr: /^crsky: observe --observatory .*broken\.json: not valid JSON/ },
  { name: 'a missing JSON definition', args: (o) => ['observe', SKY(), '--observatory', path.join(fx, 'none.json'), '--out', o], stderr: /^crsky: observe --observatory .*none\.json: no such file$/ },
  { name: 'a galactic map', args: (o) => ['observe', path.join(fx, 'galactic.fits'), '--observatory', 'hawc', '--out', o], stderr: /^crsky: observe .*galactic\.fits: COORDSYS G: an observatory needs an equatorial map \(C\)/ },
  { name: 'a map with a negative pixel', args: (o) => ['observe', path.join(fx, 'negative.fits'), '--observatory', 'hawc', '--out', o], stderr: /^crsky: observe .*negative\.fits: 1 pixels are not a positive relative intensity \(pixel 3 is -0\.5\)/ },
  { name: 'a missing input', args: (o) => ['observe', path.join(fx, 'nothing.fits'), '--observatory', 'hawc', '--out', o], stderr: /^crsky: observe .*nothing\.fits: no such file or directory/ },
  { name: '--label for a map file', args: (o) => ['observe', SKY(), '--observatory', 'hawc', '--label', 't00', '--out', o], stderr: /^crsky: observe --label t00: only for a run directory/ },
  { name: 'an unknown label of a run directory', args: (o) => ['observe', path.join(fx, 'run'), '--observatory', 'hawc', '--label', 't09', '--out', o], stderr: /^crsky: observe --label t09: not a map of .*run; allowed: t00, t01$/ },
  { name: 'an unfinished run directory', args: (o) => ['observe', path.join(fx, 'unfinished'), '--observatory', 'hawc', '--out', o], stderr: /^crsky: observe .*unfinished: the run is not finished \(status running\)/ },
  { name: 'a directory that is not a run', args: (o) => ['observe', path.join(fx, 'occupied'), '--observatory', 'hawc', '--out', o], stderr: /^crsky: observe .*occupied: a directory must be a crsky run directory/ },
];

describe('crsky observe: bad input exits 2 with one line and writes nothing', () => {
  let results: CliResult[];
  let outs: string[];
  beforeAll(async () => {
    outs = BAD.map((_c, i) => path.join(fx, `bad-${i}`));
    results = await runCliAll(BAD.map((c, i) => c.args(outs[i])), 2, { timeoutMs: 60_000 });
  }, 240_000);

  BAD.forEach((c, i) => {
    it(c.name, () => {
      const r = results[i];
      expect(r.stderr.trim()).toMatch(c.stderr);
      expect(r.stderr.trim().split('\n').length).toBe(1);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(fs.existsSync(outs[i])).toBe(false);
    });
  });

  it('another command\'s outputs are never overwritten: a non-empty directory without an observe record is refused and left as it was', async () => {
    const occupied = path.join(fx, 'occupied');
    const r = await runCli(['observe', SKY(), '--observatory', 'hawc', '--out', occupied]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crsky: observe --out .*occupied: .*occupied is not empty and holds no observe\.json: not an observe output; choose an empty or new directory$/);
    expect(listFiles(occupied)).toEqual(['cl.csv']);
    expect(fs.readFileSync(path.join(occupied, 'cl.csv'), 'utf8')).toBe('l,cl\n1,2\n');
  });
});
