/**
 * Angular power spectra on a canvas, log-log over l = 1 .. l_max (drawSpectraPlot, also the
 * observatory view's plot). The run's plot: the C_l of realization 1
 * at each sky-forming stage (thin lines, light to dark as Ω·T grows), the ensemble's <C_l> of the
 * chosen snapshot with its standard error, the noise-subtracted Ĉ_l with its error, and the
 * shuffled-sky noise level (dashed). Non-positive values (Ĉ_l below the noise) are left out.
 */
import type { EnsembleSpectrum, StageSpectrum } from '../engine/protocol.ts';

export interface ClPlotData {
  readonly lmax: number;
  readonly stages: readonly StageSpectrum[];
  readonly ensemble: EnsembleSpectrum | null;
}

const MARGIN = { left: 64, right: 16, top: 16, bottom: 44 };

function stageColour(i: number, n: number): string {
  const t = n <= 1 ? 1 : i / (n - 1);
  // light orange to dark red
  return `rgb(${Math.round(253 - 120 * t)}, ${Math.round(174 - 150 * t)}, ${Math.round(97 - 70 * t)})`;
}

function superscript(n: number): string {
  const map: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
  return String(n)
    .split('')
    .map((c) => map[c] ?? c)
    .join('');
}

/** One thing on a log-log spectrum plot. */
export interface PlotSeries {
  /** Values by l (entry 0 unused), or one value for a 'level' (a dashed horizontal line). */
  readonly values: readonly number[];
  /** Error bars by l ('dot' and 'square'). */
  readonly errors?: readonly number[];
  readonly colour: string;
  readonly kind: 'line' | 'dashed' | 'dot' | 'square' | 'level';
  readonly width?: number;
  readonly label: string;
}

/**
 * Draws series over l = 1 .. lmax on log-log axes, legend right of the axes. Non-positive values
 * are left out (a line breaks there). `empty` is shown when nothing can be drawn.
 */
export function drawSpectraPlot(canvas: HTMLCanvasElement, lmax: number, series: readonly PlotSeries[], empty: string): void {
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const cssW = canvas.clientWidth || 720;
  const cssH = Math.round(cssW * 0.5);
  canvas.width = Math.round(cssW * scale);
  canvas.height = Math.round(cssH * scale);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, cssW, cssH);
  const all: number[] = [];
  for (const s of series) all.push(...(s.kind === 'level' ? s.values : s.values.slice(1, lmax + 1)));
  const positive = all.filter((v) => v > 0 && Number.isFinite(v));
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  if (lmax < 1 || positive.length === 0) {
    ctx.fillText(empty, MARGIN.left, cssH / 2);
    return;
  }
  const yMin = Math.floor(Math.log10(Math.min(...positive)));
  const yMax = Math.ceil(Math.log10(Math.max(...positive)));
  // the legend sits right of the axes, where it hides no point
  ctx.font = '11px sans-serif';
  const legendWidth = Math.min(cssW * 0.4, 250);
  const x0 = MARGIN.left;
  const x1 = cssW - MARGIN.right - legendWidth;
  const y0 = cssH - MARGIN.bottom;
  const y1 = MARGIN.top;
  const lx = (l: number) => x0 + ((x1 - x0) * Math.log10(l)) / Math.max(Math.log10(lmax), 1e-9);
  const ly = (v: number) => y0 + ((y1 - y0) * (Math.log10(v) - yMin)) / Math.max(yMax - yMin, 1);

  // axes: decades of C_l, l = 1, 2, 5, 10, ...
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let e = yMin; e <= yMax; e++) {
    ctx.beginPath();
    ctx.moveTo(x0, ly(10 ** e));
    ctx.lineTo(x1, ly(10 ** e));
    ctx.stroke();
    ctx.fillText(`10${superscript(e)}`, x0 - 6, ly(10 ** e));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const l of [1, 2, 5, 10, 20, 50, 100, 200, 500]) {
    if (l > lmax) break;
    ctx.beginPath();
    ctx.moveTo(lx(l), y0);
    ctx.lineTo(lx(l), y1);
    ctx.stroke();
    ctx.fillText(String(l), lx(l), y0 + 4);
  }
  ctx.strokeStyle = '#333';
  ctx.strokeRect(x0, y1, x1 - x0, y0 - y1);
  ctx.fillText('multipole l', (x0 + x1) / 2, y0 + 22);
  ctx.save();
  ctx.translate(14, (y0 + y1) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('C_l', 0, -6);
  ctx.restore();

  const line = (cl: readonly number[], colour: string, width: number, dash: number[]) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let pen = false;
    for (let l = 1; l <= lmax && l < cl.length; l++) {
      if (!(cl[l] > 0)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(lx(l), ly(cl[l]));
      else ctx.moveTo(lx(l), ly(cl[l]));
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  const points = (cl: readonly number[], err: readonly number[] | undefined, colour: string, square: boolean) => {
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1;
    for (let l = 1; l <= lmax && l < cl.length; l++) {
      if (!(cl[l] > 0)) continue;
      const x = lx(l);
      const e = err?.[l] ?? NaN;
      if (Number.isFinite(e) && e > 0) {
        const lo = cl[l] - e;
        ctx.beginPath();
        ctx.moveTo(x, ly(lo > 0 ? lo : 10 ** yMin));
        ctx.lineTo(x, ly(cl[l] + e));
        ctx.stroke();
      }
      if (square) ctx.fillRect(x - 2.5, ly(cl[l]) - 2.5, 5, 5);
      else {
        ctx.beginPath();
        ctx.arc(x, ly(cl[l]), 2.8, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  };

  // levels first: the points stay on top of them
  for (const s of [...series.filter((t) => t.kind === 'level'), ...series.filter((t) => t.kind !== 'level')]) {
    if (s.kind === 'line' || s.kind === 'dashed') line(s.values, s.colour, s.width ?? 1.2, s.kind === 'dashed' ? [5, 4] : []);
    else if (s.kind === 'level') {
      if (!(s.values[0] > 0)) continue;
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = s.colour;
      ctx.lineWidth = s.width ?? 1;
      ctx.beginPath();
      ctx.moveTo(x0, ly(s.values[0]));
      ctx.lineTo(x1, ly(s.values[0]));
      ctx.stroke();
      ctx.setLineDash([]);
    } else points(s.values, s.errors, s.colour, s.kind === 'square');
  }
  // legend, right of the axes
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let y = y1 + 6;
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.fillStyle = s.colour;
    const x = x1 + 10;
    if (s.kind === 'dot') {
      ctx.beginPath();
      ctx.arc(x + 10, y, 2.8, 0, 2 * Math.PI);
      ctx.fill();
    } else if (s.kind === 'square') ctx.fillRect(x + 7.5, y - 2.5, 5, 5);
    else {
      ctx.lineWidth = s.width ?? 1.2;
      ctx.setLineDash(s.kind === 'line' ? [] : [5, 4]);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 20, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = '#222';
    ctx.fillText(s.label, x + 26, y);
    y += 15;
  }
}

export function drawClPlot(canvas: HTMLCanvasElement, data: ClPlotData): void {
  const series: PlotSeries[] = data.stages.map((s, i) => ({ values: s.cl, colour: stageColour(i, data.stages.length), kind: 'line', label: `realization 1, ${s.label}` }));
  const e = data.ensemble;
  if (e) {
    const when = e.omegaT !== null ? `Ω·T = ${+e.omegaT.toPrecision(3)}` : 'sphere';
    series.push(
      { values: e.mean, errors: e.stderr, colour: '#111', kind: 'dot', label: `<C_l>, ${e.realizations} realization${e.realizations > 1 ? 's' : ''}, ${when}` },
      { values: e.clHat, errors: e.error, colour: '#0072B2', kind: 'square', label: 'Ĉ_l = <C_l> − noise' },
      { values: [e.noise], colour: '#666', kind: 'level', label: 'noise (shuffled sky)' },
    );
  }
  drawSpectraPlot(canvas, data.lmax, series, 'C_l appear here when the first stage has finished');
}
