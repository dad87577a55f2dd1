import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { formatTickValues, linearScale, logScale, logTicks, niceLinearTicks } from './axes.ts';
import { clPlotPng, clPlotSvg, linePlotPng, linePlotSvg, writeClPlot } from './clPlot.ts';
import { parseMarkup, richText } from './svg.ts';

const count = (svg: string, re: RegExp) => svg.match(re)?.length ?? 0;

/** Opening and closing tags balance (resvg's strict XML parser is the other half of "well-formed"). */
function expectWellFormed(svg: string): void {
  expect(() => new Resvg(svg)).not.toThrow();
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
    else stack.push(m[2]);
  }
  expect(stack).toEqual([]);
}

/** cx, cy of the circle markers in document order. */
function circles(svg: string): { cx: number; cy: number }[] {
  return [...svg.matchAll(/<circle class="marker"[^>]*cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => ({ cx: Number(m[1]), cy: Number(m[2]) }));
}

describe('axes and ticks', () => {
  it('log ticks label every decade as 10^{n} with minor ticks at 2..9', () => {
    const t = logTicks(1e-10, 1e-7);
    expect(t.filter((k) => k.major).map((k) => k.label)).toEqual(['10^{−10}', '10^{−9}', '10^{−8}', '10^{−7}']);
    expect(t.filter((k) => !k.major).length).toBe(3 * 8);
    // short ranges also label 2 and 5
    expect(logTicks(1, 30).filter((k) => k.label).map((k) => k.label)).toEqual(['1', '2', '5', '10', '20']);
    // very long ranges label every k-th decade only
    expect(logTicks(1e-20, 1).filter((k) => k.label).length).toBeLessThanOrEqual(11);
  });

  it('linear ticks are 1, 2, 2.5, 5 × 10^k steps; small values share one ×10^n', () => {
    expect(niceLinearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceLinearTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceLinearTicks(-6.4e-4, 6.4e-4, 5).length).toBeGreaterThanOrEqual(4);
    const f = formatTickValues([-5e-4, -2.5e-4, 0, 2.5e-4, 5e-4]);
    expect(f.exponent).toBe(-4);
    expect(f.labels).toEqual(['−5.0', '−2.5', '0', '2.5', '5.0']);
    expect(formatTickValues([0, 10, 20]).labels).toEqual(['0', '10', '20']);
  });

  it('scales map data to pixels (log: decades evenly spaced; y grows upwards)', () => {
    const ys = logScale([1e-10, 1e-6], [400, 0]);
    expect(ys.map(1e-10)).toBeCloseTo(400, 9);
    expect(ys.map(1e-8)).toBeCloseTo(200, 9);
    expect(Number.isNaN(ys.map(-1))).toBe(true);
    expect(linearScale([0, 10], [50, 150]).map(2.5)).toBeCloseTo(75, 12);
  });

  it('markup: _{} subscript, ^{} superscript, bare _ and ^ literal', () => {
    expect(parseMarkup('C_{ℓ}')).toEqual([{ text: 'C', shift: 0 }, { text: 'ℓ', shift: -1 }]);
    expect(parseMarkup('B_rms^2')).toEqual([{ text: 'B_rms^2', shift: 0 }]);
    expect(richText('a < b & c', 10)).toBe('a &lt; b &amp; c');
  });
});

describe('C_l plots', () => {
  const l = Float64Array.from({ length: 20 }, (_, i) => i + 1);
  const mean = l.map((x) => 1e-7 * x ** -2 + 3e-11);
  const std = mean.map((m) => 0.3 * m);
  // noise-subtracted: the last 4 multipoles go negative (2 of them with value + error > 0)
  const hat = mean.map((m, i) => (i < 16 ? m - 3e-11 : [-1e-12, -5e-13, -5e-11, -8e-11][i - 16]));
  const hatErr = hat.map((_, i) => (i < 16 ? 1e-11 : 4e-12));

  it('one series: one marker and one error bar per point, log y, ℓ and C_ℓ axis labels', () => {
    const svg = clPlotSvg({ l, cl: mean, error: std, label: 'mean' }, { title: 'test' });
    expectWellFormed(svg);
    expect(count(svg, /class="marker"/g)).toBe(20);
    expect(count(svg, /class="errorbar"/g)).toBe(20);
    expect(svg).toContain('y log');
    expect(svg).toContain('x log');
    expect(svg).toMatch(/class="xlabel"[^>]*>ℓ</);
    expect(svg).toMatch(/class="ylabel"[^>]*><tspan>C<\/tspan><tspan dy="[\d.]+" font-size="[\d.]+">ℓ<\/tspan>/);
    // larger C_l is drawn higher, larger l further right
    const c = circles(svg);
    expect(c[0].cy).toBeLessThan(c[5].cy);
    expect(c[0].cx).toBeLessThan(c[5].cx);
  });

  it('several series with legend, noise line, negative Ĉ_l as upper limits or left out', () => {
    const svg = clPlotSvg(
      [
        { l, cl: mean, error: std, label: '<C_{ℓ}>' },
        { l, cl: hat, error: hatErr, label: 'Ĉ_{ℓ}' },
      ],
      { noise: 3e-11, xLog: false },
    );
    expectWellFormed(svg);
    expect(count(svg, /class="marker"/g)).toBe(20 + 16);
    expect(count(svg, /class="upper-limit"/g)).toBe(2);
    expect(count(svg, /class="noise-line"/g)).toBe(1);
    expect(count(svg, /class="legend-label"/g)).toBe(3); // two series + noise
    expect(svg).toContain('x linear');
  });

  it('noise per l is drawn as a polyline through every multipole', () => {
    const svg = clPlotSvg({ l, cl: mean }, { noise: l.map((x) => 1e-11 * x) });
    const d = /class="noise-line" d="([^"]+)"/.exec(svg)![1];
    expect(count(d, /[ML]/g)).toBe(20);
  });

  it('PNG output decodes and has the requested size; writeClPlot picks the format by extension', () => {
    const img = PNG.sync.read(clPlotPng({ l, cl: mean, error: std }, { width: 640, height: 420 }));
    expect([img.width, img.height]).toEqual([640, 420]);
    const dir = mkdtempSync(join(tmpdir(), 'crsky-clplot-'));
    try {
      writeClPlot(join(dir, 'cl.svg'), { l, cl: mean });
      writeClPlot(join(dir, 'cl.png'), { l, cl: mean });
      expect(readFileSync(join(dir, 'cl.svg'), 'utf8').startsWith('<svg')).toBe(true);
      expect(readFileSync(join(dir, 'cl.png')).subarray(1, 4).toString()).toBe('PNG');
      expect(() => writeClPlot(join(dir, 'cl.pdf'), { l, cl: mean })).toThrow(/\.png or \.svg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects mismatched arrays', () => {
    expect(() => clPlotSvg({ l, cl: mean.subarray(1) })).toThrow(/20 x values, 19 y values/);
  });
});

describe('line plots (quantity vs parameter)', () => {
  it('linear and log axes, lines with markers, error bars, legend', () => {
    const x = [1, 2, 5, 10, 20, 50];
    const y = x.map((v) => 1e-4 * v ** 0.9);
    const lin = linePlotSvg({ x, y, label: 'δ' }, { xLabel: 'R [PV]', yLabel: 'δ' });
    expectWellFormed(lin);
    expect(count(lin, /class="marker"/g)).toBe(6);
    expect(count(lin, /class="series-line"/g)).toBe(1);
    expect(lin).toContain('x linear');
    const log = linePlotSvg(
      [
        { x, y, error: y.map((v) => 0.1 * v), label: 'simulation' },
        { x: [1, 50], y: [1e-4, 3.4e-3], marker: 'none', dashed: true, label: 'theory' },
      ],
      { xLog: true, yLog: true },
    );
    expectWellFormed(log);
    expect(count(log, /class="marker"/g)).toBe(6);
    expect(count(log, /class="errorbar"/g)).toBe(6);
    expect(count(log, /class="series-line"/g)).toBe(2);
    expect(log).toContain('x log');
    const img = PNG.sync.read(linePlotPng({ x, y }, { width: 500, height: 300 }));
    expect([img.width, img.height]).toEqual([500, 300]);
  });
});
