/**
 * The Mollweide map on a canvas: the engine's raster, coloured there (view/colour.ts), put on
 * the canvas with a 30° graticule (drawn once per size and kept), a colour bar with its range,
 * and the value and sky coordinates under the pointer. Per raster the main thread only copies
 * pixels: a few ms.
 */
import type { Raster } from '../engine/protocol.ts';
import { COLOUR_STOPS } from '../view/colour.ts';
import { mollweideForward, mollweideInverse, pixelToNormalized } from '../view/mollweide.ts';

/** Height of the colour bar strip under the map, CSS pixels. */
export const BAR_HEIGHT = 56;

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  return v.toExponential(2).replace('e', '×10^').replace('^+', '^').replaceAll('-', '−');
}

function drawGraticule(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, w: number, h: number): void {
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

/** Lines of constant latitude (an observatory's declination limits), dashed: straight in Mollweide. */
function drawOutlines(ctx: CanvasRenderingContext2D, latsDeg: readonly number[], w: number, h: number, scale: number): void {
  ctx.save();
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1.5 * scale;
  ctx.setLineDash([6 * scale, 4 * scale]);
  ctx.beginPath();
  for (const lat of latsDeg) {
    const p = mollweideForward(0, lat);
    const half = Math.sqrt(Math.max(0, 1 - p.y * p.y)); // x at the ellipse's edge
    const cy = ((1 - p.y) / 2) * h;
    ctx.moveTo(((1 - half) / 2) * w, cy);
    ctx.lineTo(((1 + half) / 2) * w, cy);
  }
  ctx.stroke();
  ctx.restore();
}

function drawColourBar(ctx: CanvasRenderingContext2D, raster: Raster, top: number, w: number, scale: number): void {
  const barW = Math.round(w * 0.6);
  const x0 = Math.round((w - barW) / 2);
  const barH = Math.round(12 * scale);
  const gradient = ctx.createLinearGradient(x0, 0, x0 + barW, 0);
  COLOUR_STOPS.forEach((c, i) => gradient.addColorStop(i / (COLOUR_STOPS.length - 1), c));
  ctx.fillStyle = gradient;
  ctx.fillRect(x0, top + 6 * scale, barW, barH);
  ctx.strokeStyle = '#444';
  ctx.strokeRect(x0 + 0.5, top + 6 * scale + 0.5, barW - 1, barH - 1);
  ctx.fillStyle = '#222';
  ctx.font = `${Math.round(12 * scale)}px sans-serif`;
  ctx.textBaseline = 'top';
  const y = top + 6 * scale + barH + 4 * scale;
  ctx.textAlign = 'left';
  ctx.fillText(formatValue(-raster.range), x0, y);
  ctx.textAlign = 'center';
  ctx.fillText(raster.barLabel ?? (raster.title.includes('removed') ? 'residual δI' : 'δI = I − ⟨I⟩'), w / 2, y);
  ctx.textAlign = 'right';
  ctx.fillText(formatValue(raster.range), x0 + barW, y);
}

export class MapCanvas {
  private raster: Raster | null = null;
  /** The graticule of the last size drawn, kept for the next rasters. */
  private overlay: { width: number; height: number; canvas: OffscreenCanvas } | null = null;

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
    const { width: w, height: h } = raster;
    const scale = w / (this.canvas.clientWidth || w);
    this.canvas.width = w;
    this.canvas.height = h + Math.round(BAR_HEIGHT * scale);
    // willReadFrequently: a canvas in main memory, which never waits for the GPU process (busy
    // with the WebGL or WebGPU draws of the simulation on a CPU driver)
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.putImageData(new ImageData(raster.rgba as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
    ctx.drawImage(this.graticule(w, h), 0, 0);
    if (raster.outlineLatsDeg?.length) drawOutlines(ctx, raster.outlineLatsDeg, w, h, scale);
    drawColourBar(ctx, raster, h, w, scale);
    this.canvas.dataset.drawn = String(Date.now());
  }

  private graticule(w: number, h: number): OffscreenCanvas {
    if (this.overlay?.width !== w || this.overlay.height !== h) {
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d');
      if (ctx) drawGraticule(ctx, w, h);
      this.overlay = { width: w, height: h, canvas };
    }
    return this.overlay.canvas;
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
