/**
 * Colormaps for sky maps, defined by a few control points and interpolated linearly in sRGB.
 *
 * - 'viridis' (perceptually uniform, for intensities and counts): 17 control points sampled at
 *   t = 0, 1/16, ..., 1 from matplotlib's viridis (van der Walt & Smith 2015, public domain CC0),
 *   rounded to 8-bit. Linear interpolation between them stays within 5/255 of the original table
 *   (0.7/255 on average).
 * - 'rdbu' (diverging, for I − 1 centred on 0): ColorBrewer's 11-class RdBu scheme (Cynthia
 *   Brewer, colorbrewer2.org), ordered blue (low) → near-white (centre) → red (high), i.e. excess
 *   in red as in the anisotropy literature (matplotlib calls this order 'RdBu_r').
 *
 * Also: choosing the value range of a map (min/max, or symmetric about a centre value), ignoring
 * UNSEEN and non-finite pixels.
 */
import { isUnseen } from './fits.ts';

/** 8-bit sRGB. */
export type Rgb = readonly [number, number, number];

export interface Colormap {
  readonly name: string;
  /** Control points [t, r, g, b], t increasing from 0 to 1, channels 0..255. */
  readonly stops: readonly (readonly [number, number, number, number])[];
}

function evenStops(hex: readonly string[]): [number, number, number, number][] {
  return hex.map((h, i) => {
    const v = parseInt(h.slice(1), 16);
    return [i / (hex.length - 1), (v >> 16) & 255, (v >> 8) & 255, v & 255];
  });
}

export const VIRIDIS: Colormap = {
  name: 'viridis',
  stops: evenStops([
    '#440154', '#48186a', '#472d7b', '#424086', '#3b528b', '#33638d', '#2c728e', '#26828e', '#21918c',
    '#1fa088', '#28ae80', '#3fbc73', '#5ec962', '#84d44b', '#addc30', '#d8e219', '#fde725',
  ]),
};

export const RDBU: Colormap = {
  name: 'rdbu',
  stops: evenStops([
    '#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f',
  ]),
};

export type ColormapName = 'viridis' | 'rdbu';

export function colormapByName(name: ColormapName | Colormap): Colormap {
  if (typeof name !== 'string') return name;
  if (name === 'viridis') return VIRIDIS;
  if (name === 'rdbu') return RDBU;
  throw new Error(`unknown colormap ${JSON.stringify(name)} (known: viridis, rdbu)`);
}

/** The colour at t ∈ [0, 1] (clamped; NaN gives the low end). */
export function sampleColormap(cmap: Colormap, t: number): Rgb {
  const s = cmap.stops;
  const x = t > 0 ? (t < 1 ? t : 1) : 0;
  let k = 1;
  while (k < s.length - 1 && s[k][0] < x) k++;
  const a = s[k - 1];
  const b = s[k];
  const f = b[0] > a[0] ? (x - a[0]) / (b[0] - a[0]) : 0;
  return [
    Math.round(a[1] + f * (b[1] - a[1])),
    Math.round(a[2] + f * (b[2] - a[2])),
    Math.round(a[3] + f * (b[3] - a[3])),
  ];
}

/** `n` colours at t = i/(n−1) as packed RGB bytes (a lookup table for rasterizing). */
export function colormapLut(cmap: Colormap, n = 1024): Uint8Array {
  const lut = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) lut.set(sampleColormap(cmap, n === 1 ? 0 : i / (n - 1)), 3 * i);
  return lut;
}

export function rgbHex(c: Rgb): string {
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

export interface RangeOptions {
  /** Fixed lower end (wins over the data). */
  readonly min?: number;
  /** Fixed upper end (wins over the data). */
  readonly max?: number;
  /** Centre of a symmetric range: [centre − h, centre + h] with h the largest |v − centre| (or from min/max). */
  readonly center?: number;
}

/** True for pixels that carry no value: UNSEEN (healpy's tolerance) or not finite. */
export function isBadPixel(v: number): boolean {
  return !Number.isFinite(v) || isUnseen(v);
}

/**
 * The colour range of a map. Without options: [min, max] of the good pixels. With `center`: symmetric
 * about it. A degenerate range (constant map) is widened so the scale stays usable.
 */
export function resolveRange(values: ArrayLike<number>, o: RangeOptions = {}): { min: number; max: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isBadPixel(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  let min = o.min ?? lo;
  let max = o.max ?? hi;
  if (o.center !== undefined) {
    const c = o.center;
    const h = o.min !== undefined || o.max !== undefined
      ? Math.max(o.max !== undefined ? Math.abs(o.max - c) : 0, o.min !== undefined ? Math.abs(c - o.min) : 0)
      : Math.max(Math.abs(hi - c), Math.abs(c - lo));
    min = c - h;
    max = c + h;
  }
  if (!(max > min)) {
    const w = Math.abs(min) > 0 ? Math.abs(min) * 1e-3 : 1;
    min -= w;
    max += w;
  }
  return { min, max };
}
