/**
 * The map's diverging colour map, RdBu reversed (ColorBrewer: blue below, red above zero), and
 * the RGBA image of a raster through it, symmetric around zero. Shared by the engine, which
 * colours rasters, and the page, which draws the colour bar.
 */
const RDBU_R: readonly (readonly [number, number, number])[] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/** RGB of t ∈ [0, 1] on the colour map. */
export function colour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RDBU_R.length - 1);
  const i = Math.min(RDBU_R.length - 2, Math.floor(x));
  const f = x - i;
  const a = RDBU_R[i];
  const b = RDBU_R[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/** The colour stops, for a canvas gradient. */
export const COLOUR_STOPS: readonly string[] = RDBU_R.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`);

const LUT_SIZE = 1024;
let lut: Uint8ClampedArray | null = null;

/** RGBA of each value on [-range, range] (transparent where NaN), row-major as the values. */
export function colourize(values: Float32Array, range: number): Uint8ClampedArray {
  if (!lut) {
    lut = new Uint8ClampedArray(4 * LUT_SIZE);
    for (let i = 0; i < LUT_SIZE; i++) lut.set([...colour(i / (LUT_SIZE - 1)), 255], 4 * i);
  }
  const out = new Uint8ClampedArray(4 * values.length);
  const s = (LUT_SIZE - 1) / (2 * range);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (Number.isNaN(v)) continue;
    const i = 4 * Math.min(LUT_SIZE - 1, Math.max(0, Math.round((LUT_SIZE - 1) / 2 + v * s)));
    out[4 * k] = lut[i];
    out[4 * k + 1] = lut[i + 1];
    out[4 * k + 2] = lut[i + 2];
    out[4 * k + 3] = 255;
  }
  return out;
}
