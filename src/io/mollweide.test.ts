import { ang2pix_ring, nest2ring, pix2vec_nest, pix2vec_ring } from '@hscmap/healpix';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { colormapLut, RDBU, resolveRange, sampleColormap, VIRIDIS } from './colormap.ts';
import { UNSEEN } from './fits.ts';
import {
  mollweideForward,
  mollweideInverse,
  mollweideLayout,
  mollweidePixel,
  mollweidePng,
  mollweideSvg,
  mollweideTheta,
  rasterizeMollweide,
} from './mollweide.ts';
import { DEG } from '../config/units.ts';


/** Independent solution of 2θ + sin 2θ = π sin(lat) by bisection (the renderer uses Newton). */
function thetaByBisection(latDeg: number): number {
  const target = Math.PI * Math.sin(latDeg * DEG);
  let lo = -Math.PI / 2;
  let hi = Math.PI / 2;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (2 * mid + Math.sin(2 * mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A map that is 1 within `radiusDeg` of (lon, lat) and 0 elsewhere. */
function spotMap(nside: number, nested: boolean, lonDeg: number, latDeg: number, radiusDeg: number): Float64Array {
  const npix = 12 * nside * nside;
  const c = [Math.cos(lonDeg * DEG) * Math.cos(latDeg * DEG), Math.sin(lonDeg * DEG) * Math.cos(latDeg * DEG), Math.sin(latDeg * DEG)];
  const m = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    const v = nested ? pix2vec_nest(nside, p) : pix2vec_ring(nside, p);
    if (v[0] * c[0] + v[1] * c[1] + v[2] * c[2] > Math.cos(radiusDeg * DEG)) m[p] = 1;
  }
  return m;
}

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

function rgbAt(img: PNG, x: number, y: number): [number, number, number] {
  const o = 4 * (Math.round(y) * img.width + Math.round(x));
  return [img.data[o], img.data[o + 1], img.data[o + 2]];
}

function colorDistance(a: readonly number[], b: readonly number[]): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

/** Centroid of the image pixels within `tol` of `rgb` inside the map box. */
function centroidOf(img: PNG, box: { x: number; y: number; width: number; height: number }, rgb: readonly number[], tol: number) {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      if (colorDistance(rgbAt(img, x, y), rgb) <= tol) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
    }
  }
  return { x: sx / n, y: sy / n, n };
}

describe('Mollweide projection', () => {
  it('the auxiliary angle solves 2θ + sin 2θ = π sin(lat) to 1e-12 (Newton agrees with bisection)', () => {
    for (let lat = -89.75; lat <= 89.75; lat += 0.5) {
      const t = mollweideTheta(lat * DEG);
      expect(Math.abs(2 * t + Math.sin(2 * t) - Math.PI * Math.sin(lat * DEG))).toBeLessThan(1e-12);
      // f'(θ) = 4cos²θ is small near the poles, so θ is known less well than f there: 1e-9
      expect(Math.abs(t - thetaByBisection(lat))).toBeLessThan(1e-9);
    }
    expect(mollweideTheta(90 * DEG)).toBe(Math.PI / 2);
    expect(mollweideTheta(-90 * DEG)).toBe(-Math.PI / 2);
  });

  it('forward then inverse returns (lon, lat) to 1e-9 degrees, for several centre meridians', () => {
    for (const lon0 of [0, 90, 180, 266.4]) {
      for (let lat = -85; lat <= 85; lat += 17) {
        for (let lon = 0; lon < 360; lon += 23) {
          const { x, y } = mollweideForward(lon, lat, lon0);
          const back = mollweideInverse(x, y, lon0)!;
          expect(Math.abs(back.latDeg - lat)).toBeLessThan(1e-9);
          const dl = Math.abs(((back.lonDeg - lon + 540) % 360) - 180);
          expect(dl).toBeLessThan(1e-9);
        }
      }
    }
    expect(mollweideInverse(0.9, 0.9)).toBeNull();
  });

  it('longitude increases to the left: lon = +60° maps to x < 0, lon = −60° (300°) to x > 0', () => {
    expect(mollweideForward(60, 0).x).toBeCloseTo(-1 / 3, 12);
    expect(mollweideForward(300, 0).x).toBeCloseTo(1 / 3, 12);
    expect(mollweideForward(0, 90).y).toBe(1);
  });
});

describe('Mollweide rendering', () => {
  it('a map hot only near (lon, lat) = (60°, 30°) is coloured where the Mollweide formula says, left of centre and above the equator', () => {
    const o = { ordering: 'RING' as const, width: 800, graticule: false, min: 0, max: 1, colormap: 'viridis' as const };
    const img = decode(mollweidePng(spotMap(32, false, 60, 30, 6), o));
    const L = mollweideLayout(o);
    expect([img.width, img.height]).toEqual([L.width, L.height]);
    // expected position computed here from the formula: x = −(Δλ/π) cos θ, y = sin θ
    const t = thetaByBisection(30);
    const ex = L.map.x + L.map.width / 2 + (-(60 / 180) * Math.cos(t) * L.map.width) / 2;
    const ey = L.map.y + L.map.height / 2 - (Math.sin(t) * L.map.height) / 2;
    const hot = sampleColormap(VIRIDIS, 1);
    const c = centroidOf(img, L.map, hot, 3);
    // a 6° disc at nside 32 (1.8° pixels) is about 60 image pixels across: its centroid to 1.5 px
    expect(c.n).toBeGreaterThan(500);
    expect(Math.abs(c.x - ex)).toBeLessThan(1.5);
    expect(Math.abs(c.y - ey)).toBeLessThan(1.5);
    expect(c.x).toBeLessThan(L.map.x + L.map.width / 2);
    expect(c.y).toBeLessThan(L.map.y + L.map.height / 2);
    expect(colorDistance(rgbAt(img, ex, ey), hot)).toBeLessThanOrEqual(3);
    // and the same helper the figure uses agrees
    const p = mollweidePixel(L, 60, 30);
    expect(Math.abs(p.px - ex) + Math.abs(p.py - ey)).toBeLessThan(1e-6);
    // elsewhere the low end of the colormap
    expect(colorDistance(rgbAt(img, L.map.x + L.map.width * 0.75, L.map.y + L.map.height / 2), sampleColormap(VIRIDIS, 0))).toBeLessThanOrEqual(3);
  });

  it('lonCenterDeg moves the centre meridian: with lon0 = 90° the spot at lon 60° is right of centre', () => {
    const o = { ordering: 'NESTED' as const, width: 600, graticule: false, min: 0, max: 1, lonCenterDeg: 90 };
    const img = decode(mollweidePng(spotMap(16, true, 60, 30, 8), o));
    const L = mollweideLayout(o);
    const p = mollweidePixel(L, 60, 30, 90);
    expect(p.px).toBeGreaterThan(L.map.x + L.map.width / 2);
    const c = centroidOf(img, L.map, sampleColormap(VIRIDIS, 1), 3);
    expect(Math.abs(c.x - p.px)).toBeLessThan(2);
    expect(Math.abs(c.y - p.py)).toBeLessThan(2);
  });

  it('RING and NESTED versions of the same sky give the same raster', () => {
    const nside = 8;
    const nest = spotMap(nside, true, 200, -40, 25);
    const ring = new Float64Array(nest.length);
    for (let p = 0; p < nest.length; p++) ring[nest2ring(nside, p)] = nest[p];
    const color = { min: 0, max: 1, colormap: VIRIDIS, badColor: '#a0a0a0' };
    const a = rasterizeMollweide(ring, 'RING', 300, color);
    const b = rasterizeMollweide(nest, 'NESTED', 300, color);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('UNSEEN and NaN pixels are grey; pixels outside the ellipse are transparent in the raster', () => {
    const nside = 16;
    const m = new Float64Array(12 * nside * nside).fill(0.5);
    const south = ang2pix_ring(nside, (90 + 80) * DEG, 10 * DEG);
    m[south] = UNSEEN;
    const north = ang2pix_ring(nside, (90 - 45) * DEG, 100 * DEG);
    m[north] = NaN;
    const r = rasterizeMollweide(m, 'RING', 400, { min: 0, max: 1, colormap: VIRIDIS, badColor: '#a0a0a0' });
    const at = (lon: number, lat: number) => {
      const { x, y } = mollweideForward(lon, lat);
      const i = Math.floor(200 + x * 200);
      const j = Math.floor(100 - y * 100);
      return Array.from(r.data.subarray(4 * (j * 400 + i), 4 * (j * 400 + i) + 4));
    };
    expect(at(10, -80)).toEqual([160, 160, 160, 255]);
    expect(at(100, 45)).toEqual([160, 160, 160, 255]);
    expect(at(0, 0).slice(0, 3)).toEqual(Array.from(sampleColormap(VIRIDIS, 0.5)));
    expect(r.data[3]).toBe(0); // corner pixel (0, 0) is outside the ellipse
  });

  it('colour bar extremes show the two ends of the colormap', () => {
    for (const cmap of ['viridis', 'rdbu'] as const) {
      const o = { ordering: 'RING' as const, width: 700, colormap: cmap, label: 'I − 1', center: 0 };
      const m = spotMap(8, false, 0, 0, 30).map((v) => v - 0.3);
      const img = decode(mollweidePng(m, o));
      const cb = mollweideLayout(o).colorbar;
      const table = cmap === 'viridis' ? VIRIDIS : RDBU;
      const yMid = cb.y + cb.height / 2;
      // column 1 and column w−2 (the outermost columns sit under the bar's frame line)
      expect(colorDistance(rgbAt(img, cb.x + 1, yMid), sampleColormap(table, 0))).toBeLessThanOrEqual(6);
      expect(colorDistance(rgbAt(img, cb.x + cb.width - 2, yMid), sampleColormap(table, 1))).toBeLessThanOrEqual(6);
      expect(colorDistance(rgbAt(img, cb.x + cb.width / 2, yMid), sampleColormap(table, 0.5))).toBeLessThanOrEqual(6);
    }
  });

  it('the PNG has the requested size, and the SVG is well-formed with the map embedded', () => {
    const o = { ordering: 'RING' as const, width: 640, height: 400, title: 'line one\nline two', label: 'I', unit: '1' };
    const m = spotMap(4, false, 0, 0, 40);
    const img = decode(mollweidePng(m, o));
    expect([img.width, img.height]).toEqual([640, 400]);
    const svg = mollweideSvg(m, o);
    expect(() => new Resvg(svg)).not.toThrow(); // resvg's XML parser is strict
    expect(svg.match(/<image /g)?.length).toBe(2); // the map and the colour bar
    expect(svg).toContain('data:image/png;base64,');
    expect(svg).toContain('line two');
    expect(svg.match(/class="lat-label"/g)?.length).toBe(5); // ±60°, ±30°, 0°
  });

  it('outline parallels (a field of view\'s declination limits) are solid lines across the ellipse at their latitude; poles are skipped', () => {
    const m = spotMap(8, false, 0, 0, 20);
    const o = { ordering: 'RING' as const, width: 640, outlineLatsDeg: [-26, 64, -90] };
    const svg = mollweideSvg(m, o);
    const lines = [...svg.matchAll(/class="outline" d="M([\d.]+) ([\d.]+)H([\d.]+)"/g)];
    expect(lines.length).toBe(2);
    const L = mollweideLayout(o);
    for (const [i, lat] of [-26, 64].entries()) {
      const [, x0, y, x1] = lines[i].map(Number);
      expect(y).toBeCloseTo(mollweidePixel(L, 0, lat).py, 1);
      // ends on the ellipse's edge: the points at lon0 ± 180° of that latitude
      expect(x0).toBeCloseTo(mollweidePixel(L, 179.999999, lat).px, 1);
      expect(x1).toBeCloseTo(mollweidePixel(L, -179.999999, lat).px, 1);
    }
    expect(() => new Resvg(svg)).not.toThrow();
  });
});

describe('colormaps and ranges', () => {
  it('control points are hit exactly and interpolation is monotone between them (viridis luminance increases)', () => {
    expect(sampleColormap(VIRIDIS, 0)).toEqual([0x44, 0x01, 0x54]);
    expect(sampleColormap(VIRIDIS, 1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(sampleColormap(RDBU, 0.5)).toEqual([0xf7, 0xf7, 0xf7]);
    expect(sampleColormap(RDBU, 0)[2]).toBeGreaterThan(sampleColormap(RDBU, 0)[0]); // blue low end
    expect(sampleColormap(RDBU, 1)[0]).toBeGreaterThan(sampleColormap(RDBU, 1)[2]); // red high end
    const lut = colormapLut(VIRIDIS, 256);
    let prev = -1;
    for (let i = 0; i < 256; i++) {
      const lum = 0.2126 * lut[3 * i] + 0.7152 * lut[3 * i + 1] + 0.0722 * lut[3 * i + 2];
      expect(lum).toBeGreaterThanOrEqual(prev - 0.5); // rounding to 8 bit may wobble by < 1 level
      prev = lum;
    }
  });

  it('ranges: min/max of good pixels, symmetric about a centre, UNSEEN and NaN ignored', () => {
    const v = [UNSEEN, -1, 3, NaN, 0.5];
    expect(resolveRange(v)).toEqual({ min: -1, max: 3 });
    expect(resolveRange(v, { center: 0 })).toEqual({ min: -3, max: 3 });
    expect(resolveRange(v, { center: 1 })).toEqual({ min: -1, max: 3 });
    expect(resolveRange(v, { center: 0, max: 2 })).toEqual({ min: -2, max: 2 });
    expect(resolveRange(v, { min: 0, max: 10 })).toEqual({ min: 0, max: 10 });
    const flat = resolveRange([2, 2, 2]);
    expect(flat.max).toBeGreaterThan(flat.min);
  });
});
