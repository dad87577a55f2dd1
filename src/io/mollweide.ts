/**
 * HEALPix maps as Mollweide figures (PNG or SVG), in the astronomical convention of healpy's
 * mollview: longitude (right ascension) increases to the LEFT, the centre meridian is lon0
 * (default 0°), north up.
 *
 * The map is rasterized with our own inverse Mollweide projection: every image pixel inside the
 * ellipse is turned into (lon, lat) and looked up with src/analysis/healpix.ts ang2pix (the pixel
 * that contains it; exact at the poles and on pixel edges, unlike @hscmap's ang2pix),
 * coloured through a colormap into an RGBA image (pngjs). That image is embedded in an SVG
 * document with the vector parts (graticule, labels, colour bar, title), which resvg rasterizes to
 * the PNG; the same SVG is the .svg output.
 *
 * Mollweide projection (Snyder 1987, "Map Projections: A Working Manual", p. 249-252), with
 * auxiliary angle θ defined by 2θ + sin 2θ = π sin(lat):
 *   X = −(2√2/π) (lon − lon0) cos θ,   Y = √2 sin θ         (the minus: longitude to the left)
 * normalized here to x = X / 2√2 ∈ [−1, 1] (right positive), y = Y / √2 ∈ [−1, 1] (up positive).
 * The forward direction needs θ from lat (Newton's method); the inverse is closed-form:
 *   θ = asin y,  lat = asin((2θ + sin 2θ)/π),  lon = lon0 − π x / cos θ.
 */
import { PNG } from 'pngjs';
import { formatTickValues, niceLinearTicks, powerOfTen } from './axes.ts';
import { type Colormap, colormapByName, colormapLut, type ColormapName, isBadPixel, resolveRange } from './colormap.ts';
import type { HealpixOrdering } from './fits.ts';
import { escapeXml, num, svgOpen, svgText, svgToPng, writeFigure } from './svg.ts';
import { DEG } from '../config/units.ts';
import { ang2pix } from '../analysis/healpix.ts';


/** The Mollweide auxiliary angle θ for latitude `lat` (radians): 2θ + sin 2θ = π sin lat, by Newton's method. */
export function mollweideTheta(lat: number): number {
  if (Math.abs(lat) >= Math.PI / 2 - 1e-12) return Math.sign(lat) * (Math.PI / 2);
  const target = Math.PI * Math.sin(lat);
  // start from lat itself; f(θ) = 2θ + sin 2θ − target, f'(θ) = 2 + 2 cos 2θ ≥ 0
  let t = lat;
  for (let k = 0; k < 60; k++) {
    const f = 2 * t + Math.sin(2 * t) - target;
    const d = 2 + 2 * Math.cos(2 * t);
    if (d < 1e-15) break;
    const step = f / d;
    t -= step;
    if (Math.abs(step) < 1e-14) break;
  }
  return t;
}

/** Wraps an angle in degrees into (−180, 180]. */
function wrap180(deg: number): number {
  const w = ((((deg + 180) % 360) + 360) % 360) - 180;
  return w === -180 ? 180 : w;
}

/**
 * Normalized Mollweide coordinates of (lon, lat) in degrees, centre meridian lon0: x ∈ [−1, 1]
 * with longitude increasing to the left (x < 0 for lon slightly above lon0), y ∈ [−1, 1] up.
 */
export function mollweideForward(lonDeg: number, latDeg: number, lon0Deg = 0): { x: number; y: number } {
  const t = mollweideTheta(latDeg * DEG);
  const dl = wrap180(lonDeg - lon0Deg) * DEG;
  return { x: -(dl / Math.PI) * Math.cos(t), y: Math.sin(t) };
}

/** Inverse of {@link mollweideForward}: (lon ∈ [0, 360), lat) in degrees, or null outside the ellipse. */
export function mollweideInverse(x: number, y: number, lon0Deg = 0): { lonDeg: number; latDeg: number } | null {
  if (x * x + y * y > 1) return null;
  const t = Math.asin(y);
  const lat = Math.asin(Math.max(-1, Math.min(1, (2 * t + Math.sin(2 * t)) / Math.PI)));
  const c = Math.cos(t);
  const dl = c > 0 ? (-Math.PI * x) / c : 0;
  const lon = (((lon0Deg * DEG + dl) / DEG) % 360 + 360) % 360;
  return { lonDeg: lon, latDeg: lat / DEG };
}

export interface MollweideOptions {
  readonly ordering: HealpixOrdering;
  /** Image width in px (default 1200). */
  readonly width?: number;
  /** Image height in px (default: what the width needs); the map shrinks to fit a given height. */
  readonly height?: number;
  /** Title with the run parameters; '\n' starts a new line (the first line is bold). */
  readonly title?: string;
  /** Colour-bar label, e.g. "I − 1" or "relative intensity" (markup _{} ^{} allowed). */
  readonly label?: string;
  /** Unit appended to the label in brackets, e.g. "K". */
  readonly unit?: string;
  /** Default: 'rdbu' when `center` is given, else 'viridis'. */
  readonly colormap?: ColormapName | Colormap;
  readonly min?: number;
  readonly max?: number;
  /** Symmetric colour range about this value (0 for I − 1 maps, 1 for I maps). */
  readonly center?: number;
  /** Longitude at the centre of the map, degrees (default 0). */
  readonly lonCenterDeg?: number;
  /** Draw the graticule (default true). */
  readonly graticule?: boolean;
  /** Graticule spacing in degrees: one number for both, or separate (default 30). */
  readonly graticuleDeg?: number | { readonly lon: number; readonly lat: number };
  /** Colour of UNSEEN / non-finite pixels (default grey #a0a0a0). */
  readonly badColor?: string;
  /** Small note under the map's lower left, e.g. "equatorial (α, δ)". */
  readonly frameLabel?: string;
  /** Parallels drawn as solid lines, e.g. the declination limits of an observatory's field of view. */
  readonly outlineLatsDeg?: readonly number[];
}

export interface MollweideLayout {
  readonly width: number;
  readonly height: number;
  /** Map raster (the ellipse's bounding box), integer pixels; ellipse centre = box centre. */
  readonly map: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Colour bar, integer pixels. */
  readonly colorbar: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly fontSize: number;
  readonly titleLines: readonly string[];
}

/** Where everything goes in the figure (exported so tests can find the map and colour bar). */
export function mollweideLayout(o: Pick<MollweideOptions, 'width' | 'height' | 'title' | 'frameLabel'>): MollweideLayout {
  const width = Math.round(o.width ?? 1200);
  if (!(width >= 200)) throw new Error(`Mollweide figure: width ${o.width} too small (at least 200 px)`);
  const s = width / 1000;
  const fs = Math.max(9, 16 * s);
  const titleLines = o.title ? o.title.split('\n') : [];
  const titleH = titleLines.reduce((h, _l, i) => h + (i === 0 ? 1.3 : 1.05) * fs * 1.3, 0);
  const top = Math.round(fs * 0.8 + titleH);
  const side = Math.round(fs * 3.4);
  const below = Math.round(fs * (o.frameLabel ? 2.2 : 1.3)); // room for the equator's outer label and the frame note
  const barH = Math.round(fs * 1.0);
  const bottom = Math.round(below + barH + fs * 4.0);
  let mapW = Math.floor((width - 2 * side) / 2) * 2;
  if (o.height !== undefined) {
    const avail = Math.floor(o.height - top - bottom);
    if (avail < 50) throw new Error(`Mollweide figure: height ${o.height} leaves no room for the map`);
    mapW = Math.min(mapW, avail * 2);
  }
  const mapH = mapW / 2;
  const height = Math.round(o.height ?? top + mapH + bottom);
  const mapX = Math.round((width - mapW) / 2);
  const barW = Math.round(mapW * 0.6);
  return {
    width,
    height,
    map: { x: mapX, y: top, width: mapW, height: mapH },
    colorbar: { x: Math.round((width - barW) / 2), y: top + mapH + below, width: barW, height: barH },
    fontSize: fs,
    titleLines,
  };
}

/** Image pixel coordinates (px right, py down) of (lon, lat) in a layout. */
export function mollweidePixel(layout: MollweideLayout, lonDeg: number, latDeg: number, lon0Deg = 0): { px: number; py: number } {
  const { x, y } = mollweideForward(lonDeg, latDeg, lon0Deg);
  const m = layout.map;
  return { px: m.x + m.width / 2 + (x * m.width) / 2, py: m.y + m.height / 2 - (y * m.height) / 2 };
}

function parseHexColor(c: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(c.trim());
  if (!m) throw new Error(`colour ${JSON.stringify(c)}: expected #rrggbb`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function pngDataUrl(png: PNG): string {
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function checkMap(map: ArrayLike<number>, ordering: HealpixOrdering): number {
  const nside = Math.round(Math.sqrt(map.length / 12));
  if (!(nside >= 1) || 12 * nside * nside !== map.length) throw new Error(`Mollweide: ${map.length} values is not a HEALPix map (12·nside²)`);
  if ((nside & (nside - 1)) !== 0) throw new Error(`Mollweide: nside ${nside} is not a power of 2 (needed for the pixel lookup)`);
  if (ordering !== 'RING' && ordering !== 'NESTED') throw new Error(`Mollweide: ordering must be 'RING' or 'NESTED'`);
  return nside;
}

/**
 * The map rasterized into a w × (w/2) RGBA image of the ellipse (transparent outside): pixel
 * (i, j) shows the HEALPix pixel containing the direction at the centre of image pixel (i, j).
 */
export function rasterizeMollweide(
  map: ArrayLike<number>,
  ordering: HealpixOrdering,
  widthPx: number,
  color: { min: number; max: number; colormap: Colormap; badColor: string },
  lon0Deg = 0,
): PNG {
  const nside = checkMap(map, ordering);
  const w = widthPx;
  const h = w / 2;
  if (!Number.isInteger(h)) throw new Error('Mollweide raster width must be even');
  const png = new PNG({ width: w, height: h });
  const data = png.data;
  data.fill(0);
  const nLut = 1024;
  const lut = colormapLut(color.colormap, nLut);
  const bad = parseHexColor(color.badColor);
  const span = color.max - color.min;
  const nest = ordering === 'NESTED';
  const a = w / 2;
  const b = h / 2;
  const lon0 = lon0Deg * DEG;
  for (let j = 0; j < h; j++) {
    const y = (b - j - 0.5) / b;
    const t = Math.asin(y);
    const lat = Math.asin(Math.max(-1, Math.min(1, (2 * t + Math.sin(2 * t)) / Math.PI)));
    const colat = Math.PI / 2 - lat;
    const ct = Math.cos(t);
    const xMax = Math.sqrt(Math.max(0, 1 - y * y));
    for (let i = 0; i < w; i++) {
      const x = (i + 0.5 - a) / a;
      if (Math.abs(x) > xMax) continue;
      let phi = (lon0 - (Math.PI * x) / ct) % (2 * Math.PI);
      if (phi < 0) phi += 2 * Math.PI;
      const v = map[ang2pix(nside, colat, phi, { nest })];
      const o = 4 * (j * w + i);
      if (isBadPixel(v)) {
        data[o] = bad[0];
        data[o + 1] = bad[1];
        data[o + 2] = bad[2];
      } else {
        const f = (v - color.min) / span;
        const k = f <= 0 ? 0 : f >= 1 ? nLut - 1 : Math.round(f * (nLut - 1));
        data[o] = lut[3 * k];
        data[o + 1] = lut[3 * k + 1];
        data[o + 2] = lut[3 * k + 2];
      }
      data[o + 3] = 255;
    }
  }
  return png;
}

function colorbarImage(cmap: Colormap, w: number): PNG {
  const png = new PNG({ width: w, height: 1 });
  const lut = colormapLut(cmap, 1024);
  for (let i = 0; i < w; i++) {
    // column i shows the value at its centre; the two outermost columns the exact ends
    const t = w === 1 ? 0 : i === 0 ? 0 : i === w - 1 ? 1 : (i + 0.5) / w;
    const k = Math.round(t * 1023);
    png.data[4 * i] = lut[3 * k];
    png.data[4 * i + 1] = lut[3 * k + 1];
    png.data[4 * i + 2] = lut[3 * k + 2];
    png.data[4 * i + 3] = 255;
  }
  return png;
}

function graticuleSvg(L: MollweideLayout, lon0: number, dLon: number, dLat: number, fs: number): string {
  const m = L.map;
  const cx = m.x + m.width / 2;
  const cy = m.y + m.height / 2;
  const a = m.width / 2;
  const b = m.height / 2;
  const paths: string[] = [];
  const labels: string[] = [];
  // meridians: every dLon from lon0, not the two that form the boundary (lon0 ± 180)
  for (let k = -Math.floor(180 / dLon); k <= Math.floor(180 / dLon); k++) {
    const off = k * dLon;
    if (Math.abs(off) >= 180 - 1e-9) continue;
    const lon = lon0 + off;
    let d = '';
    for (let lat = -90; lat <= 90; lat += 2) {
      const p = mollweidePixel(L, lon, lat, lon0);
      d += `${d ? 'L' : 'M'}${num(p.px)} ${num(p.py)}`;
    }
    paths.push(d);
    const p = mollweidePixel(L, lon, 0, lon0);
    const text = `${(((Math.round(lon) % 360) + 360) % 360).toString()}°`;
    labels.push(svgText(p.px + fs * 0.2, p.py + fs * 0.2, text, { size: fs * 0.8, baseline: 'hanging', halo: true, className: 'lon-label' }));
  }
  // the boundary meridian lon0 + 180: label outside the right edge of the equator
  const edge = `${(((Math.round(lon0 + 180) % 360) + 360) % 360).toString()}°`;
  labels.push(svgText(cx + a + fs * 0.35, cy, edge, { size: fs * 0.8, baseline: 'middle', className: 'lon-label' }));
  // parallels: horizontal lines across the ellipse at the latitude's height
  for (let k = -Math.floor(90 / dLat); k <= Math.floor(90 / dLat); k++) {
    const lat = k * dLat;
    if (Math.abs(lat) >= 90 - 1e-9) continue;
    const t = mollweideTheta(lat * DEG);
    const py = cy - Math.sin(t) * b;
    const hw = Math.cos(t) * a;
    paths.push(`M${num(cx - hw)} ${num(py)}H${num(cx + hw)}`);
    const text = `${lat < 0 ? '\u2212' : ''}${Math.abs(lat)}°`;
    labels.push(svgText(cx - hw - fs * 0.35, py, text, { size: fs * 0.8, anchor: 'end', baseline: 'middle', className: 'lat-label' }));
  }
  return (
    `<path class="graticule" d="${paths.join('')}" fill="none" stroke="#000000" stroke-opacity="0.45" ` +
    `stroke-width="${num(fs * 0.055)}" stroke-dasharray="${num(fs * 0.25)} ${num(fs * 0.2)}"/>\n` +
    labels.join('\n')
  );
}

/** The Mollweide figure as a standalone SVG document (the map embedded as a PNG data URL). */
export function mollweideSvg(map: ArrayLike<number>, o: MollweideOptions): string {
  const L = mollweideLayout(o);
  const fs = L.fontSize;
  const lon0 = o.lonCenterDeg ?? 0;
  const cmap = colormapByName(o.colormap ?? (o.center !== undefined ? 'rdbu' : 'viridis'));
  const { min, max } = resolveRange(map, { min: o.min, max: o.max, center: o.center });
  const raster = rasterizeMollweide(map, o.ordering, L.map.width, { min, max, colormap: cmap, badColor: o.badColor ?? '#a0a0a0' }, lon0);
  const m = L.map;
  const cb = L.colorbar;
  const out: string[] = [svgOpen(L.width, L.height)];

  // title
  let ty = fs * 0.5;
  L.titleLines.forEach((line, i) => {
    const size = (i === 0 ? 1.3 : 1.05) * fs;
    ty += size * 1.3;
    out.push(svgText(L.width / 2, ty - size * 0.3, line, { size, anchor: 'middle', weight: i === 0 ? 'bold' : 'normal', className: 'title' }));
  });

  // map, graticule, outline
  out.push(
    `<image x="${m.x}" y="${m.y}" width="${m.width}" height="${m.height}" preserveAspectRatio="none" ` +
      `image-rendering="optimizeSpeed" xlink:href="${pngDataUrl(raster)}"/>`,
  );
  if (o.graticule ?? true) {
    const g = o.graticuleDeg ?? 30;
    const dLon = typeof g === 'number' ? g : g.lon;
    const dLat = typeof g === 'number' ? g : g.lat;
    if (!(dLon > 0 && dLat > 0)) throw new Error('Mollweide: graticule spacing must be positive');
    out.push(graticuleSvg(L, lon0, dLon, dLat, fs));
  }
  for (const lat of o.outlineLatsDeg ?? []) {
    if (!(Math.abs(lat) < 90)) continue; // a pole is a point, nothing to draw
    const p = mollweidePixel(L, lon0, lat, lon0);
    const hw = Math.cos(mollweideTheta(lat * DEG)) * (m.width / 2);
    out.push(`<path class="outline" d="M${num(p.px - hw)} ${num(p.py)}H${num(p.px + hw)}" stroke="#000000" stroke-width="${num(fs * 0.14)}"/>`);
  }
  out.push(
    `<ellipse cx="${num(m.x + m.width / 2)}" cy="${num(m.y + m.height / 2)}" rx="${num(m.width / 2)}" ry="${num(m.height / 2)}" ` +
      `fill="none" stroke="#333333" stroke-width="${num(fs * 0.09)}"/>`,
  );
  if (o.frameLabel) out.push(svgText(m.x, m.y + m.height + fs * 1.4, o.frameLabel, { size: fs * 0.8, className: 'frame-label' }));

  // colour bar: image, frame, ticks, label
  out.push(
    `<image x="${cb.x}" y="${cb.y}" width="${cb.width}" height="${cb.height}" preserveAspectRatio="none" ` +
      `image-rendering="optimizeSpeed" xlink:href="${pngDataUrl(colorbarImage(cmap, cb.width))}"/>`,
  );
  out.push(`<rect x="${cb.x}" y="${cb.y}" width="${cb.width}" height="${cb.height}" fill="none" stroke="#000000" stroke-width="${num(fs * 0.06)}"/>`);
  const ticks = niceLinearTicks(min, max, 5);
  const { labels, exponent } = formatTickValues(ticks);
  let tickPath = '';
  ticks.forEach((v, i) => {
    const px = cb.x + ((v - min) / (max - min)) * cb.width;
    tickPath += `M${num(px)} ${num(cb.y + cb.height)}v${num(fs * 0.35)}`;
    out.push(svgText(px, cb.y + cb.height + fs * 0.5, labels[i], { size: fs * 0.9, anchor: 'middle', baseline: 'hanging', className: 'cbar-tick' }));
  });
  out.push(`<path d="${tickPath}" stroke="#000000" stroke-width="${num(fs * 0.06)}"/>`);
  let label = o.label ?? '';
  if (o.unit) label += `${label ? ' ' : ''}[${o.unit}]`;
  if (exponent !== 0) label += `${label ? '  ' : ''}(×${powerOfTen(exponent)})`;
  if (label) out.push(svgText(cb.x + cb.width / 2, cb.y + cb.height + fs * 2.0, label, { size: fs, anchor: 'middle', baseline: 'hanging', className: 'cbar-label' }));

  out.push(`<desc>${escapeXml(`crsky Mollweide map; colour range [${min}, ${max}]; colormap ${cmap.name}; lon0 ${lon0}`)}</desc>`);
  out.push('</svg>\n');
  return out.join('\n');
}

/** The Mollweide figure as PNG bytes. */
export function mollweidePng(map: ArrayLike<number>, o: MollweideOptions): Buffer {
  return svgToPng(mollweideSvg(map, o));
}

/** Writes the Mollweide figure as .png or .svg (by extension), atomically. */
export function writeMollweide(path: string, map: ArrayLike<number>, o: MollweideOptions): void {
  writeFigure(path, mollweideSvg(map, o));
}
