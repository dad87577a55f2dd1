/**
 * The map the page shows, made in the engine: δI = I − ⟨I⟩ of a relative-intensity map, or its
 * residual after removing the monopole and dipole (removeMultipoles, l ≤ 1), optionally top-hat
 * smoothed (smoothTopHat), both the analysis floor's functions; then rasterized in Mollweide for
 * the display frame through a cached table of HEALPix pixels (vec2pix, RING).
 */
import { fromEquatorial, lonLatToVec, npix2nside, removeMultipoles, smoothTopHat, toEquatorial, vec2pix, type Frame } from '../../../src/core.ts';
import { colourize } from '../view/colour.ts';
import { mollweideInverse, pixelToNormalized } from '../view/mollweide.ts';
import type { Raster, ViewOptions } from './protocol.ts';

/** The map to show: deviations from the mean, or the residual without l ≤ 1; smoothed if asked. */
export function displayedMap(map: Float64Array, view: Pick<ViewOptions, 'removeDipole' | 'smoothDeg'>): Float64Array {
  let out: Float64Array;
  if (view.removeDipole) out = removeMultipoles(map, { lmax: 1 }).residual;
  else {
    let mean = 0;
    for (const v of map) mean += v;
    mean /= map.length;
    out = Float64Array.from(map, (v) => v - mean);
  }
  return view.smoothDeg > 0 ? smoothTopHat(out, { radiusDeg: view.smoothDeg }) : out;
}

const tables = new Map<string, Int32Array>();

/** HEALPix pixel (RING, map frame) of every raster pixel, −1 outside the ellipse. */
export function rasterPixels(nside: number, mapFrame: Frame, displayFrame: Frame, width: number, height: number): Int32Array {
  const key = `${nside}|${mapFrame}|${displayFrame}|${width}|${height}`;
  let table = tables.get(key);
  if (table) return table;
  table = new Int32Array(width * height).fill(-1);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const { x, y } = pixelToNormalized(i, j, width, height);
      const ll = mollweideInverse(x, y);
      if (!ll) continue;
      const v = fromEquatorial(toEquatorial(lonLatToVec(ll.lonDeg, ll.latDeg), displayFrame), mapFrame);
      table[j * width + i] = vec2pix(nside, v[0], v[1], v[2]);
    }
  }
  if (tables.size > 4) tables.clear();
  tables.set(key, table);
  return table;
}

export function rasterize(map: Float64Array, mapFrame: Frame, view: ViewOptions, title: string): Raster {
  const shown = displayedMap(map, view);
  const nside = npix2nside(shown.length);
  const pixels = rasterPixels(nside, mapFrame, view.frame, view.width, view.height);
  const values = new Float32Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) values[k] = pixels[k] < 0 ? NaN : shown[pixels[k]];
  let range = 0;
  for (const v of shown) if (Number.isFinite(v)) range = Math.max(range, Math.abs(v));
  if (!(range > 0)) range = 1;
  return { width: view.width, height: view.height, values, rgba: colourize(values, range), range, title, frame: view.frame };
}

/** Pixels inside the sky but outside an observatory's field of view. */
const UNSEEN_RGBA = [215, 215, 215, 255] as const;

/**
 * An observed relative-intensity map (observeMap's maximum likelihood, RING, equatorial): I − 1
 * inside the field of view, grey outside, always in equatorial coordinates (the observatory's
 * frame), with the nominal declination limits δ1, δ2 to outline.
 */
export function rasterizeObserved(intensity: Float64Array, mask: Uint8Array, size: { readonly width: number; readonly height: number }, title: string, decLimitsDeg: readonly number[]): Raster {
  const nside = npix2nside(intensity.length);
  const pixels = rasterPixels(nside, 'equatorial', 'equatorial', size.width, size.height);
  const values = new Float32Array(pixels.length);
  let range = 0;
  for (let p = 0; p < intensity.length; p++) if (mask[p]) range = Math.max(range, Math.abs(intensity[p] - 1));
  if (!(range > 0)) range = 1;
  for (let k = 0; k < pixels.length; k++) {
    const p = pixels[k];
    values[k] = p >= 0 && mask[p] ? intensity[p] - 1 : NaN;
  }
  const rgba = colourize(values, range);
  for (let k = 0; k < pixels.length; k++) if (pixels[k] >= 0 && !mask[pixels[k]]) rgba.set(UNSEEN_RGBA, 4 * k);
  // a limit at a pole is a point, not a line
  const outlineLatsDeg = decLimitsDeg.filter((d) => Math.abs(d) < 90);
  return { width: size.width, height: size.height, values, rgba, range, title, frame: 'equatorial', outlineLatsDeg, barLabel: 'I − 1' };
}
