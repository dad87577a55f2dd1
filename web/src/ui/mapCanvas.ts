/**
 * The Mollweide map on a canvas: the engine's raster through a diverging colour map (blue below,
 * red above zero, symmetric range), a 30° graticule, a colour bar with its range, and the value
 * and sky coordinates under the pointer. Drawing is a few array passes over W·H pixels: cheap
 * enough for the main thread at any size the page uses.
 */
import type { Raster } from '../engine/protocol.ts';
import { mollweideForward, mollweideInverse, pixelToNormalized } from '../view/mollweide.ts';

/** RdBu (ColorBrewer, reversed: red for excess), 11 stops. */
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

/** The colour map sampled at 1024 steps, RGBA bytes: one table look-up per pixel. */
const LUT_SIZE = 1024;
const LUT = (() => {
  const t = new Uint8ClampedArray(4 * LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i++) {
    const [r, g, b] = colour(i / (LUT_SIZE - 1));
    t.set([r, g, b, 255], 4 * i);
  }
  return t;
})();

/** Height of the colour bar strip under the map, device pixels. */
export const BAR_HEIGHT = 56;

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return v.toExponential(2).replace('e', '×10^').replace('^+', '^').replace('-', '−');
}

function drawGraticule(ctx: CanvasRenderingContext2D, w: number, h: number): void {
  const toCanvas = (x: number, y: number): [number, number] => [((x + 1) / 2) * w, ((1 - y) / 2) * h];
  ctx.save();
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.35)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let lat = -60; lat <= 60; lat += 30) {
    for (let lon = -180; lon <= 180; lon += 2) {
      const p = mollweideForward(lon, lat);
      const [cx, cy] = toCanvas(p.x, p.y);
      if (lon === -180) ctx.moveTo(cx, cy);
      else ctx.lineTo(cx, cy);
    }
  }
  for (let lon = -150; lon <= 150; lon += 30) {
    for (let lat = -90; lat <= 90; lat += 2) {
      // just inside ±180 so the meridian's side of the seam is unambiguous
      const p = mollweideForward(lon, lat);
      const [cx, cy] = toCanvas(p.x, p.y);
      if (lat === -90) ctx.moveTo(cx, cy);
      else ctx.lineTo(cx, cy);
    }
  }
  ctx.stroke();
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.7)';
  ctx.beginPath();
  ctx.ellipse(w / 2, h / 2, w / 2 - 0.5, h / 2 - 0.5, 0, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.restore();
}

function drawColourBar(ctx: CanvasRenderingContext2D, raster: Raster, top: number, w: number, scale: number): void {
  const barW = Math.round(w * 0.6);
  const x0 = Math.round((w - barW) / 2);
  const barH = Math.round(12 * scale);
  for (let i = 0; i < barW; i++) {
    const [r, g, b] = colour(i / (barW - 1));
    ctx.fillStyle = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
    ctx.fillRect(x0 + i, top + 6 * scale, 1, barH);
  }
  ctx.strokeStyle = '#444';
  ctx.strokeRect(x0 + 0.5, top + 6 * scale + 0.5, barW - 1, barH - 1);
  ctx.fillStyle = '#222';
  ctx.font = `${Math.round(12 * scale)}px sans-serif`;
  ctx.textBaseline = 'top';
  const y = top + 6 * scale + barH + 4 * scale;
  ctx.textAlign = 'left';
  ctx.fillText(formatValue(-raster.range), x0, y);
  ctx.textAlign = 'center';
  ctx.fillText(raster.title.includes('removed') ? 'residual δI' : 'δI = I − ⟨I⟩', w / 2, y);
  ctx.textAlign = 'right';
  ctx.fillText(formatValue(raster.range), x0 + barW, y);
}

export class MapCanvas {
  private raster: Raster | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly readout: HTMLElement,
  ) {
    canvas.addEventListener('pointermove', (e) => this.pointer(e));
    canvas.addEventListener('pointerleave', () => (this.readout.textContent = ''));
  }

  /** Raster size for the canvas's current CSS width (device pixels, 2:1). */
  rasterSize(): { width: number; height: number } {
    const scale = Math.min(2, window.devicePixelRatio || 1);
    const width = Math.max(200, Math.round((this.canvas.clientWidth || 720) * scale));
    return { width, height: Math.round(width / 2) };
  }

  draw(raster: Raster): void {
    this.raster = raster;
    const { width: w, height: h, values, range } = raster;
    const scale = w / (this.canvas.clientWidth || w);
    this.canvas.width = w;
    this.canvas.height = h + Math.round(BAR_HEIGHT * scale);
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    const image = ctx.createImageData(w, h);
    const px = image.data;
    const s = (LUT_SIZE - 1) / (2 * range);
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (Number.isNaN(v)) continue;
      const i = 4 * Math.min(LUT_SIZE - 1, Math.max(0, Math.round((LUT_SIZE - 1) / 2 + v * s)));
      px[4 * k] = LUT[i];
      px[4 * k + 1] = LUT[i + 1];
      px[4 * k + 2] = LUT[i + 2];
      px[4 * k + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    drawGraticule(ctx, w, h);
    drawColourBar(ctx, raster, h, w, scale);
    this.canvas.dataset.drawn = String(Date.now());
  }

  private pointer(e: PointerEvent): void {
    const r = this.raster;
    if (!r) return;
    const rect = this.canvas.getBoundingClientRect();
    const i = Math.floor(((e.clientX - rect.left) / rect.width) * r.width);
    const j = Math.floor(((e.clientY - rect.top) / rect.width) * r.width);
    if (j >= r.height || i < 0 || j < 0 || i >= r.width) {
      this.readout.textContent = '';
      return;
    }
    const { x, y } = pixelToNormalized(i, j, r.width, r.height);
    const ll = mollweideInverse(x, y);
    if (!ll) {
      this.readout.textContent = '';
      return;
    }
    const [a, b] = r.frame === 'galactic' ? ['l', 'b'] : ['RA', 'Dec'];
    this.readout.textContent = `${a} ${ll.lonDeg.toFixed(1)}°, ${b} ${ll.latDeg.toFixed(1)}°: ${formatValue(r.values[j * r.width + i])}`;
  }
}
