/**
 * Regenerates the example figures in docs/img/ from synthetic data (no simulation needed):
 *
 *   npx tsx scripts/docs-figures.ts [outDir]        (default docs/img)
 *
 * example-map.png: I − 1 for a dipole of amplitude 1e-3 towards (α, δ) = (60°, 30°) plus
 * small-scale structure (a fixed set of ±Gaussian spots), southern cap δ < −60° masked.
 * example-cl.png: an ensemble-mean C_l with its scatter, the noise-subtracted Ĉ_l with the error of
 * the mean (negative values drawn as upper limits) and the shot-noise level (made-up numbers shaped
 * like a 10 PV run, not computed from a simulation).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pix2vec_ring } from '@hscmap/healpix';
import { writeClPlot } from '../src/io/clPlot.ts';
import { UNSEEN } from '../src/io/fits.ts';
import { writeMollweide } from '../src/io/mollweide.ts';

const DEG = Math.PI / 180;

function unit(lonDeg: number, latDeg: number): [number, number, number] {
  return [Math.cos(lonDeg * DEG) * Math.cos(latDeg * DEG), Math.sin(lonDeg * DEG) * Math.cos(latDeg * DEG), Math.sin(latDeg * DEG)];
}

/** The synthetic I − 1 map (RING) described in the module comment. */
export function exampleSkyMap(nside = 64): Float64Array {
  const npix = 12 * nside * nside;
  const d = unit(60, 30);
  // deterministic spots: golden-angle spiral positions, alternating signs, 6°-12° widths
  const spots: { c: [number, number, number]; a: number; w: number }[] = [];
  for (let k = 0; k < 48; k++) {
    const z = 1 - (2 * (k + 0.5)) / 48;
    const lon = (k * 137.508) % 360;
    spots.push({ c: unit(lon, Math.asin(z) / DEG), a: (k % 2 ? -1 : 1) * 2.5e-4 * (0.5 + ((k * 7) % 5) / 8), w: (6 + ((k * 5) % 7)) * DEG });
  }
  const m = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    const v = pix2vec_ring(nside, p);
    if (v[2] < Math.sin(-60 * DEG)) {
      m[p] = UNSEEN;
      continue;
    }
    let s = 1e-3 * (v[0] * d[0] + v[1] * d[1] + v[2] * d[2]);
    for (const sp of spots) {
      const cos = v[0] * sp.c[0] + v[1] * sp.c[1] + v[2] * sp.c[2];
      const ang = Math.acos(Math.max(-1, Math.min(1, cos)));
      s += sp.a * Math.exp(-(ang * ang) / (2 * sp.w * sp.w));
    }
    m[p] = s;
  }
  return m;
}

export function writeDocsFigures(outDir: string): void {
  writeMollweide(join(outDir, 'example-map.png'), exampleSkyMap(64), {
    ordering: 'RING',
    width: 1200,
    title: 'Relative intensity: dipole + small-scale structure (synthetic example)\nN_side = 64, dipole 10^{−3} towards (α, δ) = (60°, 30°), δ < −60° masked',
    label: 'I − 1',
    center: 0,
    frameLabel: 'equatorial (α, δ)',
  });
  // <C_l> = C_l(true) + N + (error of the mean) · g_l with a fixed sequence g_l; Ĉ_l = <C_l> − N
  const nReal = 8;
  const noise = 1e-9;
  const l = Float64Array.from({ length: 32 }, (_, i) => i + 1);
  const truth = l.map((x) => 4e-7 / (x * (x + 1)) ** 1.1);
  const std = l.map((x, i) => (truth[i] + noise) * Math.sqrt(2 / (2 * x + 1)));
  const errMean = std.map((s) => s / Math.sqrt(nReal));
  const g = l.map((x) => 1.3 * Math.sin(2.3 * x + 0.7) * Math.cos(0.9 * x));
  const mean = l.map((_, i) => truth[i] + noise + errMean[i] * g[i]);
  const hat = mean.map((m) => m - noise);
  writeClPlot(
    join(outDir, 'example-cl.png'),
    [
      { label: '<C_{ℓ}> over 8 realizations ± std', l, cl: mean, error: std },
      { label: 'Ĉ_{ℓ} = <C_{ℓ}> − N ± error of the mean', l, cl: hat, error: errMean },
    ],
    {
      noise,
      noiseLabel: 'shot noise N',
      width: 900,
      height: 600,
      title: 'Angular power spectrum (synthetic example)\nR = 10 PV, B_rms = 4 uG, sphere 100 pc, N_side = 64, 8 realizations',
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2] ?? 'docs/img';
  writeDocsFigures(out);
  process.stdout.write(`wrote ${out}/example-map.png and ${out}/example-cl.png\n`);
}
