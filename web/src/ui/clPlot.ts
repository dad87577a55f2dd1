/**
 * The angular power spectrum on a canvas, log-log over l = 1 .. l_max: the C_l of realization 1
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

export function drawClPlot(canvas: HTMLCanvasElement, data: ClPlotData): void {
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
  const lmax = data.lmax;
  const all: number[] = [];
  for (const s of data.stages) all.push(...s.cl.slice(1), s.noise);
  if (data.ensemble) all.push(...data.ensemble.mean.slice(1), ...data.ensemble.clHat.slice(1), data.ensemble.noise);
  const positive = all.filter((v) => v > 0 && Number.isFinite(v));
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  if (lmax < 1 || positive.length === 0) {
    ctx.fillText('C_l appear here when the first stage has finished', MARGIN.left, cssH / 2);
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

  const line = (cl: readonly number[], colour: string, width: number) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
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
  };
  const points = (cl: readonly number[], err: readonly number[], colour: string, square: boolean) => {
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1;
    for (let l = 1; l <= lmax && l < cl.length; l++) {
      if (!(cl[l] > 0)) continue;
      const x = lx(l);
      const lo = cl[l] - err[l];
      const hi = cl[l] + err[l];
      if (Number.isFinite(err[l]) && err[l] > 0) {
        ctx.beginPath();
        ctx.moveTo(x, ly(lo > 0 ? lo : 10 ** yMin));
        ctx.lineTo(x, ly(hi));
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

  const legend: [string, string, string][] = [];
  data.stages.forEach((s, i) => {
    const c = stageColour(i, data.stages.length);
    line(s.cl, c, 1.2);
    legend.push([c, 'line', `realization 1, ${s.label}`]);
  });
  const e = data.ensemble;
  if (e) {
    ctx.setLineDash([5, 4]);
    ctx.strokeStyle = '#666';
    ctx.beginPath();
    ctx.moveTo(x0, ly(e.noise));
    ctx.lineTo(x1, ly(e.noise));
    ctx.stroke();
    ctx.setLineDash([]);
    points(e.mean, e.stderr, '#111', false);
    points(e.clHat, e.error, '#0072B2', true);
    const when = e.omegaT !== null ? `Ω·T = ${+e.omegaT.toPrecision(3)}` : 'sphere';
    legend.push(['#111', 'dot', `<C_l>, ${e.realizations} realization${e.realizations > 1 ? 's' : ''}, ${when}`], ['#0072B2', 'square', 'Ĉ_l = <C_l> − noise'], ['#666', 'dash', 'noise (shuffled sky)']);
  }
  // legend, right of the axes
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let y = y1 + 6;
  for (const [c, kind, text] of legend) {
    ctx.strokeStyle = c;
    ctx.fillStyle = c;
    const x = x1 + 10;
    if (kind === 'dot') {
      ctx.beginPath();
      ctx.arc(x + 10, y, 2.8, 0, 2 * Math.PI);
      ctx.fill();
    } else if (kind === 'square') ctx.fillRect(x + 7.5, y - 2.5, 5, 5);
    else {
      ctx.setLineDash(kind === 'dash' ? [5, 4] : []);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 20, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = '#222';
    ctx.fillText(text, x + 26, y);
    y += 15;
  }
}
