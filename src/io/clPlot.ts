/**
 * Angular power spectra and parameter scans as SVG/PNG figures.
 *
 * - clPlotSvg: C_l against l, log y (log x by default, linear on request), points with error bars
 *   (mean ± error), optional noise level (a constant or one value per l) as a dashed line,
 *   several series with a legend.
 * - linePlotSvg: "quantity vs parameter" (e.g. dipole amplitude vs rigidity) with optional log
 *   axes, lines and/or markers, error bars, legend.
 *
 * On a log y axis a point whose value is ≤ 0 (a noise-subtracted Ĉ_l can be negative) cannot be
 * drawn; when value + error > 0 it is shown as an upper limit (a downward arrow from value + error),
 * otherwise it is left out. Error bars that reach ≤ 0 are drawn down to the bottom of the frame.
 * Both plots share the axes module (axes.ts) and the SVG helpers (svg.ts).
 */
import { drawAxes, type Frame, linearScale, logScale, paddedDomain, type Scale } from './axes.ts';
import { escapeXml, num, plainText, svgOpen, svgText, svgToPng, textWidth, writeFigure } from './svg.ts';

/** Okabe & Ito (2008) colour-blind-safe palette, without its yellow (too light on white). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'none';
const SHAPES: MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];

export interface LineSeries {
  /** Legend text (markup _{} ^{} allowed); series without a label are not in the legend. */
  readonly label?: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Symmetric error on y (one value per point). */
  readonly error?: ArrayLike<number>;
  /** Default: from the palette in order. */
  readonly color?: string;
  /** Default 'none' for line plots; cycles circle, square, ... when `markers` is true. */
  readonly marker?: MarkerShape;
  /** Join the points with a line (default true for line plots). */
  readonly line?: boolean;
  readonly dashed?: boolean;
}

export interface PlotOptions {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** Figure size in px (default 800 × 560). */
  readonly width?: number;
  readonly height?: number;
  readonly xMin?: number;
  readonly xMax?: number;
  readonly yMin?: number;
  readonly yMax?: number;
  /** Light grid at the major ticks (default true). */
  readonly grid?: boolean;
  /** Legend corner; default 'auto': the corner that hides the fewest points (top-right on ties). */
  readonly legend?: 'auto' | 'top-right' | 'top-left' | 'bottom-left' | 'bottom-right' | 'none';
  /** Shift series sideways by a few pixels so points at the same x do not hide each other. */
  readonly dodge?: boolean;
}

interface Prepared {
  readonly series: LineSeries;
  readonly color: string;
  readonly marker: MarkerShape;
  readonly line: boolean;
}

function markerSvg(shape: MarkerShape, x: number, y: number, r: number, color: string): string {
  const common = `class="marker" fill="${color}" stroke="${color}"`;
  switch (shape) {
    case 'circle':
      return `<circle ${common} cx="${num(x)}" cy="${num(y)}" r="${num(r)}"/>`;
    case 'square':
      return `<rect ${common} x="${num(x - r * 0.88)}" y="${num(y - r * 0.88)}" width="${num(r * 1.76)}" height="${num(r * 1.76)}"/>`;
    case 'triangle':
      return `<path ${common} d="M${num(x)} ${num(y - r * 1.15)}L${num(x + r)} ${num(y + r * 0.6)}L${num(x - r)} ${num(y + r * 0.6)}Z"/>`;
    case 'diamond':
      return `<path ${common} d="M${num(x)} ${num(y - r * 1.2)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r * 1.2)}L${num(x - r)} ${num(y)}Z"/>`;
    default:
      return '';
  }
}

function checkSeries(s: LineSeries, i: number): void {
  if (s.x.length !== s.y.length) throw new Error(`plot series ${i + 1}${s.label ? ` (${plainText(s.label)})` : ''}: ${s.x.length} x values, ${s.y.length} y values`);
  if (s.error && s.error.length !== s.y.length) throw new Error(`plot series ${i + 1}: ${s.error.length} errors for ${s.y.length} points`);
}

/** Values that decide an axis range: x, y and y ± error where drawable. */
function extents(series: readonly LineSeries[], axis: 'x' | 'y', log: boolean): number[] {
  const out: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const xv = s.x[i];
      const yv = s.y[i];
      if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
      if (axis === 'x') {
        out.push(xv);
        continue;
      }
      const e = s.error ? Math.abs(s.error[i]) : 0;
      if (!log || yv > 0) out.push(yv);
      if (Number.isFinite(e) && e > 0) {
        out.push(yv + e);
        if (!log || yv - e > 0) out.push(yv - e);
      }
    }
  }
  return out;
}

function axisDomain(values: number[], log: boolean, lo?: number, hi?: number): [number, number] {
  const [a, b] = paddedDomain(values, log);
  const d: [number, number] = [lo ?? a, hi ?? b];
  if (!(d[1] > d[0])) throw new Error(`plot axis range [${d[0]}, ${d[1]}] is empty`);
  if (log && !(d[0] > 0)) throw new Error(`log axis needs a positive lower limit, got ${d[0]}`);
  return d;
}

/** The generic plot engine behind clPlotSvg and linePlotSvg. */
function plotSvg(series: readonly Prepared[], hlines: readonly { y: ArrayLike<number> | number; x?: ArrayLike<number>; label?: string }[], o: PlotOptions): string {
  const width = Math.round(o.width ?? 800);
  const height = Math.round(o.height ?? 560);
  if (width < 200 || height < 150) throw new Error(`plot size ${width}×${height} too small`);
  const fs = Math.max(9, Math.min(width / 800, height / 560) * 15);
  const xLog = o.xLog ?? false;
  const yLog = o.yLog ?? false;
  const all = series.map((p) => p.series);
  const hlineSeries: LineSeries[] = hlines.map((h) => ({
    x: h.x ?? [],
    y: typeof h.y === 'number' ? [] : h.y,
  }));
  const xVals = extents([...all, ...hlineSeries.filter((h) => h.x.length > 0)], 'x', xLog);
  const yVals = [...extents([...all, ...hlineSeries.filter((h) => h.x.length > 0)], 'y', yLog), ...hlines.filter((h) => typeof h.y === 'number').map((h) => h.y as number)];
  const xd = axisDomain(xVals.filter((v) => !xLog || v > 0), xLog, o.xMin, o.xMax);
  const yd = axisDomain(yVals, yLog, o.yMin, o.yMax);

  const titleLines = o.title ? o.title.split('\n') : [];
  const top = fs * (1.2 + titleLines.length * 1.5);
  const left = fs * 6.2;
  const right = fs * 1.4;
  const bottom = fs * (o.xLabel ? 4.2 : 2.6);
  const frame: Frame = { x: left, y: top, width: width - left - right, height: height - top - bottom };
  const xs: Scale = xLog ? logScale(xd, [frame.x, frame.x + frame.width]) : linearScale(xd, [frame.x, frame.x + frame.width], 7);
  const ys: Scale = yLog ? logScale(yd, [frame.y + frame.height, frame.y]) : linearScale(yd, [frame.y + frame.height, frame.y], 6);

  const out: string[] = [svgOpen(width, height)];
  titleLines.forEach((line, i) => {
    out.push(svgText(width / 2, fs * (1.6 + 1.5 * i), line, { size: fs * (i === 0 ? 1.2 : 1.0), anchor: 'middle', weight: i === 0 ? 'bold' : 'normal', className: 'title' }));
  });
  out.push(drawAxes(frame, xs, ys, { xLabel: o.xLabel, yLabel: o.yLabel, fontSize: fs, grid: o.grid ?? true }));
  out.push(`<clipPath id="plot-area"><rect x="${num(frame.x)}" y="${num(frame.y)}" width="${num(frame.width)}" height="${num(frame.height)}"/></clipPath>`);
  out.push('<g clip-path="url(#plot-area)">');
  const bottomPx = frame.y + frame.height;
  const stroke = fs * 0.1;

  // reference lines (noise): dashed grey
  hlines.forEach((h) => {
    let d = '';
    if (typeof h.y === 'number') {
      const py = ys.map(h.y);
      if (Number.isFinite(py)) d = `M${num(frame.x)} ${num(py)}H${num(frame.x + frame.width)}`;
    } else if (h.x) {
      let pen = false;
      for (let i = 0; i < h.y.length; i++) {
        const px = xs.map(h.x[i]);
        const py = ys.map(h.y[i]);
        if (!Number.isFinite(px) || !Number.isFinite(py)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${num(px)} ${num(py)}`;
        pen = true;
      }
    }
    if (d) out.push(`<path class="noise-line" d="${d}" fill="none" stroke="#555555" stroke-width="${num(stroke * 1.2)}" stroke-dasharray="${num(fs * 0.5)} ${num(fs * 0.3)}"/>`);
  });

  const r = fs * 0.3;
  const drawn: [number, number][] = []; // point positions, for placing the legend
  const nMarked = series.filter((p) => p.marker !== 'none').length;
  series.forEach((p, k) => {
    const s = p.series;
    const shift = o.dodge && nMarked > 1 ? (k - (series.length - 1) / 2) * r * 1.2 : 0;
    let line = '';
    let pen = false;
    const bars: string[] = [];
    const marks: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const px = xs.map(s.x[i]) + shift;
      const yv = s.y[i];
      const e = s.error ? Math.abs(s.error[i]) : 0;
      if (!Number.isFinite(px) || !Number.isFinite(yv)) {
        pen = false;
        continue;
      }
      const py = ys.map(yv);
      if (Number.isFinite(py)) drawn.push([px, py]);
      if (!Number.isFinite(py)) {
        // log axis, value ≤ 0: an upper limit at value + error when that is positive
        pen = false;
        if (Number.isFinite(e) && yv + e > 0) {
          const pu = ys.map(yv + e);
          const len = fs * 1.3;
          bars.push(
            `<path class="upper-limit" d="M${num(px - r)} ${num(pu)}H${num(px + r)}M${num(px)} ${num(pu)}V${num(pu + len)}` +
              `M${num(px - r * 0.8)} ${num(pu + len - r)}L${num(px)} ${num(pu + len)}L${num(px + r * 0.8)} ${num(pu + len - r)}" ` +
              `fill="none" stroke="${p.color}" stroke-width="${num(stroke)}"/>`,
          );
        }
        continue;
      }
      if (p.line) {
        line += `${pen ? 'L' : 'M'}${num(px)} ${num(py)}`;
        pen = true;
      }
      if (Number.isFinite(e) && e > 0) {
        const hi = ys.map(yv + e);
        const loRaw = ys.map(yv - e);
        const lo = Number.isFinite(loRaw) ? loRaw : bottomPx + 2;
        const cap = r * 0.9;
        bars.push(
          `<path class="errorbar" d="M${num(px)} ${num(lo)}V${num(hi)}M${num(px - cap)} ${num(hi)}h${num(2 * cap)}` +
            `${Number.isFinite(loRaw) ? `M${num(px - cap)} ${num(lo)}h${num(2 * cap)}` : ''}" stroke="${p.color}" stroke-width="${num(stroke)}" fill="none"/>`,
        );
      }
      if (p.marker !== 'none') marks.push(markerSvg(p.marker, px, py, r, p.color));
    }
    if (line) out.push(`<path class="series-line" d="${line}" fill="none" stroke="${p.color}" stroke-width="${num(stroke * 1.5)}"${s.dashed ? ` stroke-dasharray="${num(fs * 0.6)} ${num(fs * 0.3)}"` : ''}/>`);
    out.push(...bars, ...marks);
  });
  out.push('</g>');

  // legend
  const entries: { label: string; draw: (x: number, y: number) => string }[] = [];
  for (const p of series) {
    if (!p.series.label) continue;
    entries.push({
      label: p.series.label,
      draw: (x, y) =>
        (p.line ? `<path d="M${num(x)} ${num(y)}h${num(fs * 1.8)}" stroke="${p.color}" stroke-width="${num(stroke * 1.5)}"${p.series.dashed ? ` stroke-dasharray="${num(fs * 0.5)} ${num(fs * 0.25)}"` : ''}/>` : '') +
        (p.series.error && p.marker !== 'none' ? `<path d="M${num(x + fs * 0.9)} ${num(y - r * 2)}v${num(r * 4)}" stroke="${p.color}" stroke-width="${num(stroke)}"/>` : '') +
        (p.marker !== 'none' ? markerSvg(p.marker, x + fs * 0.9, y, r, p.color).replace('class="marker"', 'class="legend-marker"') : ''),
    });
  }
  hlines.forEach((h) => {
    if (h.label) {
      entries.push({
        label: h.label,
        draw: (x, y) => `<path d="M${num(x)} ${num(y)}h${num(fs * 1.8)}" stroke="#555555" stroke-width="${num(stroke * 1.2)}" stroke-dasharray="${num(fs * 0.5)} ${num(fs * 0.3)}"/>`,
      });
    }
  });
  const where = o.legend ?? 'auto';
  if (entries.length > 0 && where !== 'none') {
    const lfs = fs * 0.95;
    const rowH = lfs * 1.45;
    const boxW = fs * 3 + Math.max(...entries.map((e) => textWidth(e.label, lfs))) + fs * 0.8;
    const boxH = rowH * entries.length + fs * 0.6;
    const corner = (c: string): [number, number] => [
      c.endsWith('right') ? frame.x + frame.width - boxW - fs * 0.6 : frame.x + fs * 0.6,
      c.startsWith('top') ? frame.y + fs * 0.6 : frame.y + frame.height - boxH - fs * 0.6,
    ];
    let chosen: string = where;
    if (where === 'auto') {
      let best = Infinity;
      for (const c of ['top-right', 'top-left', 'bottom-left', 'bottom-right']) {
        const [x0, y0] = corner(c);
        const hidden = drawn.filter(([px, py]) => px > x0 - r && px < x0 + boxW + r && py > y0 - r && py < y0 + boxH + r).length;
        if (hidden < best) {
          best = hidden;
          chosen = c;
        }
      }
    }
    const [bx, by] = corner(chosen);
    out.push(`<g class="legend"><rect x="${num(bx)}" y="${num(by)}" width="${num(boxW)}" height="${num(boxH)}" fill="#ffffff" fill-opacity="0.9" stroke="#999999" stroke-width="${num(fs * 0.05)}"/>`);
    entries.forEach((e, i) => {
      const cy = by + fs * 0.3 + rowH * (i + 0.5);
      out.push(e.draw(bx + fs * 0.5, cy));
      out.push(svgText(bx + fs * 2.8, cy, e.label, { size: lfs, baseline: 'middle', className: 'legend-label' }));
    });
    out.push('</g>');
  }
  out.push(`<desc>${escapeXml(`crsky plot; x ${xLog ? 'log' : 'linear'} [${xd[0]}, ${xd[1]}]; y ${yLog ? 'log' : 'linear'} [${yd[0]}, ${yd[1]}]`)}</desc>`);
  out.push('</svg>\n');
  return out.join('\n');
}

function prepare(series: readonly LineSeries[], defaults: { line: boolean; markers: boolean }): Prepared[] {
  series.forEach(checkSeries);
  return series.map((s, i) => ({
    series: s,
    color: s.color ?? PALETTE[i % PALETTE.length],
    marker: s.marker ?? (defaults.markers ? SHAPES[i % SHAPES.length] : 'none'),
    line: s.line ?? defaults.line,
  }));
}

// ---------------------------------------------------------------------------------------------
// C_l plots

export interface ClSeries {
  readonly label?: string;
  /** Multipoles (l = 0 is left out on a log x axis). */
  readonly l: ArrayLike<number>;
  /** C_l, or the ensemble mean <C_l>. */
  readonly cl: ArrayLike<number>;
  /** Error per l (e.g. the standard deviation over realizations, or the error of Ĉ_l). */
  readonly error?: ArrayLike<number>;
  readonly color?: string;
  readonly marker?: MarkerShape;
  /** Also join the points with a line (default false). */
  readonly line?: boolean;
}

export interface ClPlotOptions extends Omit<PlotOptions, 'yLog'> {
  /** Noise level N: one number (a flat line) or one value per l of the first series. */
  readonly noise?: number | ArrayLike<number>;
  /** Legend text of the noise line (default "shot noise"). */
  readonly noiseLabel?: string;
}

/** The C_l figure as an SVG document: log y; x log unless `xLog: false`; labels ℓ and C_ℓ by default. */
export function clPlotSvg(series: ClSeries | readonly ClSeries[], o: ClPlotOptions = {}): string {
  const list = Array.isArray(series) ? (series as readonly ClSeries[]) : [series as ClSeries];
  if (list.length === 0) throw new Error('C_l plot: no series');
  const lines: LineSeries[] = list.map((s) => ({ label: s.label, x: s.l, y: s.cl, error: s.error, color: s.color, marker: s.marker, line: s.line ?? false }));
  const prepared = prepare(lines, { line: false, markers: true });
  const hl: { y: ArrayLike<number> | number; x?: ArrayLike<number>; label?: string }[] = [];
  if (o.noise !== undefined) {
    if (typeof o.noise === 'number') hl.push({ y: o.noise, label: o.noiseLabel ?? 'shot noise' });
    else {
      if (o.noise.length !== list[0].l.length) throw new Error(`C_l plot: ${o.noise.length} noise values for ${list[0].l.length} multipoles`);
      hl.push({ y: o.noise, x: list[0].l, label: o.noiseLabel ?? 'shot noise' });
    }
  }
  return plotSvg(prepared, hl, {
    ...o,
    xLog: o.xLog ?? true,
    yLog: true,
    xLabel: o.xLabel ?? 'ℓ',
    yLabel: o.yLabel ?? 'C_{ℓ}',
    dodge: o.dodge ?? true,
  });
}

export function clPlotPng(series: ClSeries | readonly ClSeries[], o: ClPlotOptions = {}): Buffer {
  return svgToPng(clPlotSvg(series, o));
}

/** Writes the C_l figure as .png or .svg (by extension), atomically. */
export function writeClPlot(path: string, series: ClSeries | readonly ClSeries[], o: ClPlotOptions = {}): void {
  writeFigure(path, clPlotSvg(series, o));
}

// ---------------------------------------------------------------------------------------------
// Quantity vs parameter

export interface LinePlotOptions extends PlotOptions {
  /** Draw markers on every series without an explicit marker (default true). */
  readonly markers?: boolean;
}

/** A line plot ("quantity vs parameter") as an SVG document, optional log axes. */
export function linePlotSvg(series: LineSeries | readonly LineSeries[], o: LinePlotOptions = {}): string {
  const list = Array.isArray(series) ? (series as readonly LineSeries[]) : [series as LineSeries];
  if (list.length === 0) throw new Error('line plot: no series');
  return plotSvg(prepare(list, { line: true, markers: o.markers ?? true }), [], o);
}

export function linePlotPng(series: LineSeries | readonly LineSeries[], o: LinePlotOptions = {}): Buffer {
  return svgToPng(linePlotSvg(series, o));
}

/** Writes the line plot as .png or .svg (by extension), atomically. */
export function writeLinePlot(path: string, series: LineSeries | readonly LineSeries[], o: LinePlotOptions = {}): void {
  writeFigure(path, linePlotSvg(series, o));
}
