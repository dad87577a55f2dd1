/**
 * `crsky analyze` on maps written by healpy (Debian's /usr/bin/python3): a full-sky NESTED map,
 * whose C_l must equal healpy.anafast's, and a NESTED map with UNSEEN pixels (a masked band);
 * `analyze A B`, the cross-spectrum of two maps, against healpy.anafast(m1, m2).
 * Maps written by crsky itself are analyzed in simulate.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { readHealpixFits, UNSEEN } from '../../src/io/fits.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, runCli, type CliResult } from '../helpers/cli.ts';
import { requireHealpy, runPython } from '../helpers/python.ts';

const NSIDE = 16;
const LMAX = 3 * NSIDE - 1;

let dir: string;
let full: CliResult;
let masked: CliResult;
let cross: CliResult;
let crossMasked: CliResult;

beforeAll(async () => {
  requireHealpy();
  dir = makeTempDir('crsky-cli-analyze-');
  runPython(
    `
import numpy as np, healpy as hp
nside = ${NSIDE}
np.random.seed(7)
ell = np.arange(3 * nside)
cl = 1e-4 / (ell + 1.0) ** 2
m = 1.0 + hp.synfast(cl, nside, lmax=3 * nside - 1, new=True)
hp.write_map(${JSON.stringify(path.join(dir, 'full.fits'))}, hp.reorder(m, r2n=True), nest=True, coord='G', dtype=np.float64, overwrite=True)
theta, _ = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
band = np.abs(np.pi / 2 - theta) < np.radians(20)
mm = m.copy()
mm[band] = hp.UNSEEN
hp.write_map(${JSON.stringify(path.join(dir, 'masked.fits'))}, hp.reorder(mm, r2n=True), nest=True, coord='G', dtype=np.float64, overwrite=True)
# a second sky correlated with the first (rho = 0.6 per alm), RING order
alm = hp.synalm(cl, lmax=3 * nside - 1, new=True)
m2 = 1.0 + 0.6 * (m - 1.0) + 0.8 * hp.alm2map(alm, nside, lmax=3 * nside - 1)
hp.write_map(${JSON.stringify(path.join(dir, 'second.fits'))}, m2, coord='G', dtype=np.float64, overwrite=True)
mm2 = m2.copy()
mm2[np.abs(np.pi / 2 - theta) > np.radians(70)] = hp.UNSEEN
hp.write_map(${JSON.stringify(path.join(dir, 'second-masked.fits'))}, mm2, coord='G', dtype=np.float64, overwrite=True)
`,
    { timeoutMs: 60_000 },
  );
  [full, masked, cross, crossMasked] = await Promise.all([
    runCli(['analyze', path.join(dir, 'full.fits'), '--out', path.join(dir, 'a-full')]),
    runCli(['analyze', path.join(dir, 'masked.fits'), '--remove-multipoles', '1', '--smooth', '20', '--out', path.join(dir, 'a-masked')]),
    runCli(['analyze', path.join(dir, 'full.fits'), path.join(dir, 'second.fits'), '--out', path.join(dir, 'a-cross')]),
    runCli(['analyze', path.join(dir, 'masked.fits'), path.join(dir, 'second-masked.fits'), '--out', path.join(dir, 'a-cross-masked')]),
  ]);
  expect(full.code, full.stderr).toBe(0);
  expect(masked.code, masked.stderr).toBe(0);
  expect(cross.code, cross.stderr).toBe(0);
  expect(crossMasked.code, crossMasked.stderr).toBe(0);
});

afterAll(cleanupCli);

describe('analyze a map written by healpy', () => {
  it('full sky: C_l in cl.csv (l,cl) equals healpy.anafast (iter=3) within 1e-6 for l <= 2 N_side; the dipole equals healpy.fit_dipole', () => {
    const out = path.join(dir, 'a-full');
    expect(full.stdout).toMatch(new RegExp(`N_side ${NSIDE}, NESTED, galactic \\(l, b\\), column `));
    expect(full.stdout).toContain('f_sky = 1.0000');
    expect(listFiles(out)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'full.png']);
    expect(csvHeader(path.join(out, 'cl.csv'))).toEqual(['l', 'cl']);
    const ours = readCsv(path.join(out, 'cl.csv')).columns;
    expect(Array.from(ours.l)).toEqual(Array.from({ length: LMAX + 1 }, (_, l) => l));
    const dip = readCsv(path.join(out, 'dipole.csv')).columns;
    // analyze takes the C_l of the map minus its fitted monopole; healpy gets the same map
    const ref = JSON.parse(
      runPython(`
import json, numpy as np, healpy as hp
m = hp.read_map(${JSON.stringify(path.join(dir, 'full.fits'))}, dtype=np.float64)
cl = hp.anafast(m - ${String(dip.monopole[0])}, lmax=${LMAX}, iter=3)
mono, d = hp.fit_dipole(m)
print(json.dumps({"cl": cl.tolist(), "mono": float(mono), "dipole": (np.asarray(d) / mono).tolist()}))
`),
    ) as { cl: number[]; mono: number; dipole: number[] };
    for (let l = 1; l <= 2 * NSIDE; l++) {
      expect(Math.abs(ours.cl[l] - ref.cl[l]) / ref.cl[l], `l = ${l}: ${ours.cl[l]} vs healpy ${ref.cl[l]}`).toBeLessThan(1e-6);
    }
    expect(dip.monopole[0]).toBeCloseTo(ref.mono, 10);
    expect(dip.dx[0]).toBeCloseTo(ref.dipole[0], 8);
    expect(dip.dy[0]).toBeCloseTo(ref.dipole[1], 8);
    expect(dip.dz[0]).toBeCloseTo(ref.dipole[2], 8);
  });

  it('UNSEEN pixels are masked: f_sky < 1, pseudo-C_l, and residual.fits/PNG after --remove-multipoles 1 --smooth 20 keep them UNSEEN', () => {
    const out = path.join(dir, 'a-masked');
    const fsky = Number(/f_sky = ([\d.]+)/.exec(masked.stdout)?.[1]);
    expect(fsky).toBeGreaterThan(0.5);
    expect(fsky).toBeLessThan(0.8);
    expect(listFiles(out)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'masked.png', 'residual.fits', 'residual.png']);
    const cl = readCsv(path.join(out, 'cl.csv'));
    expect(cl.names).toEqual(['l', 'cl']);
    expect(cl.comments.join('\n')).toContain('masked sky: pseudo-C_l / f_sky');
    for (let l = 2; l <= LMAX; l++) expect(cl.columns.cl[l]).toBeGreaterThan(0);
    const input = readHealpixFits(path.join(dir, 'masked.fits'));
    expect(input.ordering).toBe('NESTED');
    const res = readHealpixFits(path.join(out, 'residual.fits'));
    expect(res.nside).toBe(NSIDE);
    expect(res.coordsys).toBe('G');
    expect(res.ordering).toBe('RING');
    const data = res.columns[0].data;
    let unseen = 0;
    for (const v of data) if (v === UNSEEN) unseen++;
    let inputUnseen = 0;
    for (const v of input.columns[0].data) if (v === UNSEEN) inputUnseen++;
    expect(unseen).toBe(inputUnseen);
    const png = fs.readFileSync(path.join(out, 'residual.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

describe('analyze A B: the cross-spectrum of two maps', () => {
  /** healpy's anafast(m1, m2) of the two maps minus their fit_dipole monopoles over the pixels unmasked in both, / f_sky. */
  function healpyCross(a: string, b: string): { xy: number[]; xx: number[]; yy: number[]; fsky: number } {
    return JSON.parse(
      runPython(`
import json, numpy as np, healpy as hp
m1 = hp.read_map(${JSON.stringify(a)}, dtype=np.float64)
m2 = hp.read_map(${JSON.stringify(b)}, dtype=np.float64)
good = (m1 != hp.UNSEEN) & (m2 != hp.UNSEEN)
fsky = good.mean()
def dev(m):
    mm = np.where(good, m, hp.UNSEEN)
    mono, _ = hp.fit_dipole(mm)
    return np.where(good, m - mono, 0.0)
d1, d2 = dev(m1), dev(m2)
kw = dict(lmax=${LMAX}, iter=3)
print(json.dumps({"xy": (hp.anafast(d1, d2, **kw) / fsky).tolist(), "xx": (hp.anafast(d1, **kw) / fsky).tolist(), "yy": (hp.anafast(d2, **kw) / fsky).tolist(), "fsky": float(fsky)}))
`),
    ) as { xy: number[]; xx: number[]; yy: number[]; fsky: number };
  }

  function check(out: string, ref: { xy: number[]; xx: number[]; yy: number[] }): void {
    expect(csvHeader(path.join(out, 'cross.csv'))).toEqual(['l', 'cl_xy', 'cl_xx', 'cl_yy', 'r']);
    const t = readCsv(path.join(out, 'cross.csv')).columns;
    expect(Array.from(t.l)).toEqual(Array.from({ length: LMAX + 1 }, (_, l) => l));
    for (let l = 1; l <= LMAX; l++) {
      const scale = Math.sqrt(ref.xx[l] * ref.yy[l]);
      expect(Math.abs(t.cl_xy[l] - ref.xy[l]) / scale, `l = ${l}: C^XY ${t.cl_xy[l]} vs healpy ${ref.xy[l]}`).toBeLessThan(1e-6);
      expect(Math.abs(t.cl_xx[l] - ref.xx[l]) / ref.xx[l]).toBeLessThan(1e-6);
      expect(Math.abs(t.cl_yy[l] - ref.yy[l]) / ref.yy[l]).toBeLessThan(1e-6);
      expect(Math.abs(t.r[l] - ref.xy[l] / scale)).toBeLessThan(1e-6);
    }
  }

  it('full sky, one map NESTED and one RING: cross.csv equals healpy.anafast(m1, m2) and r_l is near the built-in 0.6', () => {
    const out = path.join(dir, 'a-cross');
    expect(listFiles(out)).toEqual(['analysis.json', 'cross.csv', 'cross.png']);
    expect(cross.stdout).toContain('f_sky = 1.0000');
    expect(cross.stdout).toMatch(/^r_1\.\.r_5 = /m);
    const ref = healpyCross(path.join(dir, 'full.fits'), path.join(dir, 'second.fits'));
    check(out, ref);
    // ρ = 0.6 per alm: the mean of r_l over l = 2..47 is 0.6 within its scatter
    const r = readCsv(path.join(out, 'cross.csv')).columns.r;
    const mean = Array.from(r.subarray(2)).reduce((a, v) => a + v, 0) / (LMAX - 1);
    expect(mean).toBeGreaterThan(0.5);
    expect(mean).toBeLessThan(0.7);
    const marker = JSON.parse(fs.readFileSync(path.join(out, 'analysis.json'), 'utf8'));
    expect(marker.maps).toHaveLength(2);
    expect(marker.files).toEqual(['cross.csv', 'cross.png']);
  });

  it('masked: pixels UNSEEN in either map drop out of both, pseudo-C_l / f_sky as healpy gives them', () => {
    const ref = healpyCross(path.join(dir, 'masked.fits'), path.join(dir, 'second-masked.fits'));
    expect(ref.fsky).toBeLessThan(0.6);
    expect(crossMasked.stdout).toContain(`f_sky = ${ref.fsky.toFixed(4)}`);
    check(path.join(dir, 'a-cross-masked'), ref);
  });

  it('refuses maps of different N_side, different frames, and --smooth, in one line before writing', async () => {
    const low = path.join(dir, 'low.fits');
    const eq = path.join(dir, 'eq.fits');
    runPython(`
import numpy as np, healpy as hp
hp.write_map(${JSON.stringify(low)}, np.ones(hp.nside2npix(8)), dtype=np.float64, coord='G', overwrite=True)
hp.write_map(${JSON.stringify(eq)}, np.ones(hp.nside2npix(${NSIDE})), dtype=np.float64, coord='C', overwrite=True)
`);
    const cases: [string[], RegExp][] = [
      [[path.join(dir, 'full.fits'), low], /^crsky: analyze: .*full\.fits, .*low\.fits: the two maps have N_side 16 and 8; a cross-spectrum needs the same N_side/],
      [[path.join(dir, 'full.fits'), eq], /^crsky: analyze: .*full\.fits is galactic \(l, b\), .*eq\.fits is equatorial \(α, δ\): rotate one map/],
      [[path.join(dir, 'full.fits'), path.join(dir, 'second.fits'), '--smooth', '10'], /^crsky: analyze --smooth 10: smooths the residual map of one map/],
    ];
    for (const [args, re] of cases) {
      const out = path.join(dir, `refused-${cases.findIndex((c) => c[0] === args)}`);
      const r = await runCli(['analyze', ...args, '--out', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(re);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});
