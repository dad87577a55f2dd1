/**
 * Axes for SVG figures: linear and logarithmic scales, "nice" ticks, tick labels, and drawing a
 * framed plot area with ticks and axis labels. Shared by the C_l plots, the parameter-scan line
 * plots and the colour bar of the Mollweide maps.
 */
import { minusSign, num, svgText } from './svg.ts';

export interface Tick {
  readonly value: number;
  /** Label with markup (see svg.ts); empty for minor ticks. */
  readonly label: string;
  readonly major: boolean;
}

export interface Scale {
  readonly log: boolean;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Data value → pixel coordinate (log scales: NaN for v ≤ 0). */
  map(v: number): number;
  ticks(): Tick[];
  /** A common factor of the tick labels, e.g. "×10^{−4}", drawn once at the end of the axis; '' if none. */
  multiplier(): string;
}

/** Linear ticks at 1, 2, 2.5 or 5 × 10^k steps, about `target` of them inside [min, max]. */
export function niceLinearTicks(min: number, max: number, target = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10) * mag;
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last; k++) {
    const v = Number((k * step).toPrecision(12)); // 3 × 0.2 is 0.6, not 0.6000000000000001
    out.push(v === 0 ? 0 : v);
  }
  return out;
}

function trimNumber(v: number, decimals: number): string {
  return v.toFixed(Math.max(0, Math.min(20, decimals)));
}

/**
 * Labels for a set of evenly spaced values with as few decimals as needed. Values with a magnitude
 * below 1e-2 or from 1e4 up share one power of ten, returned as `exponent` (labels scaled by
 * 10^-exponent) so the caller can put "×10^{n}" once next to the axis.
 */
export function formatTickValues(values: readonly number[]): { labels: string[]; exponent: number } {
  const big = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let exponent = 0;
  if (big > 0 && (big < 1e-2 || big >= 1e4)) exponent = Math.floor(Math.log10(big));
  const scaled = values.map((v) => v / 10 ** exponent);
  let decimals = 0;
  for (; decimals < 12; decimals++) {
    if (scaled.every((v) => Math.abs(Number(trimNumber(v, decimals)) - v) <= 1e-9 * Math.max(1, Math.abs(v)))) break;
  }
  const labels = scaled.map((v) => {
    const s = trimNumber(v, decimals);
    return Number(s) === 0 ? '0' : minusSign(s);
  });
  return { labels, exponent };
}

/** "10^{n}" markup. */
export function powerOfTen(n: number): string {
  return n === 0 ? '1' : n === 1 ? '10' : `10^{${minusSign(String(n))}}`;
}

/**
 * Log ticks: decades labelled 10^n (every k-th decade when there are many), minor ticks at
 * 2..9 × 10^n; within less than about a decade, 1, 2, 5 × 10^n are labelled as plain numbers.
 */
export function logTicks(min: number, max: number): Tick[] {
  if (!(min > 0) || !(max > min)) return [];
  const d0 = Math.floor(Math.log10(min) + 1e-9);
  const d1 = Math.ceil(Math.log10(max) - 1e-9);
  const decades = Math.log10(max / min);
  const every = decades > 12 ? Math.ceil(decades / 6) : decades > 7 ? 2 : 1;
  const ticks: Tick[] = [];
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9);
  for (let d = d0; d <= d1; d++) {
    for (let m = 1; m <= 9; m++) {
      const v = m * 10 ** d;
      if (!inside(v)) continue;
      if (m === 1) {
        const labelled = d % every === 0;
        ticks.push({ value: v, label: labelled ? powerOfTen(d) : '', major: labelled });
      } else if (decades < 2.2 && (m === 2 || m === 5)) {
        // short ranges: 2 and 5 × 10^n labelled too, as plain numbers where short enough
        const plain = d >= -2 && d <= 3;
        ticks.push({ value: v, label: plain ? formatTickValues([v]).labels[0] : `${m}×${powerOfTen(d)}`, major: true });
      } else if (decades <= 8) {
        ticks.push({ value: v, label: '', major: false });
      }
    }
  }
  return ticks;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number], target = 6): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 !== d0 ? (r1 - r0) / (d1 - d0) : 0;
  return {
    log: false,
    domain,
    range,
    map: (v) => r0 + (v - d0) * k,
    ticks: () => {
      const values = niceLinearTicks(Math.min(d0, d1), Math.max(d0, d1), target);
      const { labels } = formatTickValues(values);
      return values.map((value, i) => ({ value, label: labels[i], major: true }));
    },
    multiplier: () => {
      const { exponent } = formatTickValues(niceLinearTicks(Math.min(d0, d1), Math.max(d0, d1), target));
      return exponent === 0 ? '' : `×${powerOfTen(exponent)}`;
    },
  };
}

export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0)) throw new Error(`log scale needs a positive domain, got [${d0}, ${d1}]`);
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = l1 !== l0 ? (r1 - r0) / (l1 - l0) : 0;
  return {
    log: true,
    domain,
    range,
    map: (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN),
    ticks: () => logTicks(Math.min(d0, d1), Math.max(d0, d1)),
    multiplier: () => '',
  };
}

/**
 * A data range padded for plotting: linear ranges widened by `pad` of their span on both sides,
 * log ranges by `pad` of their span in decades. Only positive values count for log ranges.
 */
export function paddedDomain(values: readonly number[], log: boolean, pad = 0.05): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (v.length === 0) return log ? [0.1, 10] : [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (log) {
    let a = Math.log10(lo);
    let b = Math.log10(hi);
    if (b - a < 1e-9) {
      a -= 0.5;
      b += 0.5;
    }
    const p = (b - a) * pad;
    return [10 ** (a - p), 10 ** (b + p)];
  }
  if (hi - lo < 1e-300) {
    const w = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= w;
    hi += w;
  }
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

export interface Frame {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface AxesOptions {
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly fontSize: number;
  /** Light grid lines at the major ticks. */
  readonly grid?: boolean;
}

/** Frame, ticks inside the frame on all four sides, tick labels and axis labels (SVG fragment). */
export function drawAxes(frame: Frame, xs: Scale, ys: Scale, o: AxesOptions): string {
  const { x, y, width: w, height: h } = frame;
  const fs = o.fontSize;
  const major = fs * 0.5;
  const minor = fs * 0.28;
  const parts: string[] = [];
  const lines: string[] = [];
  const grid: string[] = [];
  for (const t of xs.ticks()) {
    const px = xs.map(t.value);
    if (!(px >= x - 0.5 && px <= x + w + 0.5)) continue;
    const len = t.major ? major : minor;
    lines.push(`M${num(px)} ${num(y + h)}v${num(-len)}M${num(px)} ${num(y)}v${num(len)}`);
    if (o.grid && t.major) grid.push(`M${num(px)} ${num(y)}V${num(y + h)}`);
    if (t.label) parts.push(svgText(px, y + h + fs * 0.45, t.label, { size: fs, anchor: 'middle', baseline: 'hanging', className: 'xtick' }));
  }
  let maxLabel = 0;
  for (const t of ys.ticks()) {
    const py = ys.map(t.value);
    if (!(py >= y - 0.5 && py <= y + h + 0.5)) continue;
    const len = t.major ? major : minor;
    lines.push(`M${num(x)} ${num(py)}h${num(len)}M${num(x + w)} ${num(py)}h${num(-len)}`);
    if (o.grid && t.major) grid.push(`M${num(x)} ${num(py)}H${num(x + w)}`);
    if (t.label) {
      parts.push(svgText(x - fs * 0.4, py, t.label, { size: fs, anchor: 'end', baseline: 'middle', className: 'ytick' }));
      maxLabel = Math.max(maxLabel, t.label.replace(/[_^{}]/g, '').length);
    }
  }
  const out: string[] = [];
  if (grid.length) out.push(`<path d="${grid.join('')}" stroke="#d9d9d9" stroke-width="${num(fs * 0.05)}" fill="none"/>`);
  out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="none" stroke="#000000" stroke-width="${num(fs * 0.07)}"/>`);
  out.push(`<path d="${lines.join('')}" stroke="#000000" stroke-width="${num(fs * 0.06)}" fill="none"/>`);
  out.push(...parts);
  const xm = xs.multiplier();
  if (xm) out.push(svgText(x + w, y + h + fs * 1.75, xm, { size: fs * 0.9, anchor: 'end', baseline: 'hanging', className: 'xmultiplier' }));
  const ym = ys.multiplier();
  if (ym) out.push(svgText(x, y - fs * 0.4, ym, { size: fs * 0.9, anchor: 'start', className: 'ymultiplier' }));
  if (o.xLabel) out.push(svgText(x + w / 2, y + h + fs * 2.2, o.xLabel, { size: fs * 1.1, anchor: 'middle', baseline: 'hanging', className: 'xlabel' }));
  if (o.yLabel) {
    const lx = x - fs * (0.9 + 0.6 * Math.max(2, maxLabel));
    out.push(svgText(lx, y + h / 2, o.yLabel, { size: fs * 1.1, anchor: 'middle', rotate: -90, className: 'ylabel' }));
  }
  return out.join('\n');
}
