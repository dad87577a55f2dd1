/**
 * Small SVG toolkit shared by the Mollweide maps and the plots: XML escaping, text with a tiny
 * sub/superscript markup, numbers for attributes, rasterization with resvg, and writing a figure
 * as .svg or .png by its extension (atomically).
 *
 * Text markup (for labels, legends, titles): `_{...}` subscript, `^{...}` superscript; a bare
 * `_` or `^` is literal, so titles such as "B_rms = 4 uG" print as written.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { writeFileAtomic } from './atomic.ts';

/** Font family used in every figure (Debian: fonts-dejavu-core). */
export const FONT_FAMILY = "'DejaVu Sans', sans-serif";
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map((f) => `${FONT_DIR}/${f}`);

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number for an SVG attribute: at most 2 decimals, no "-0". */
export function num(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Typographic minus for negative numbers in labels. */
export function minusSign(s: string): string {
  return s.replace(/^-/, '\u2212').replace(/e-/, 'e\u2212');
}

interface Run {
  readonly text: string;
  readonly shift: 0 | 1 | -1; // 1 superscript, -1 subscript
}

/** Splits markup into runs of normal, subscript and superscript text. */
export function parseMarkup(text: string): Run[] {
  const runs: Run[] = [];
  let buf = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === '_' || c === '^') && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close > 0) {
        if (buf) runs.push({ text: buf, shift: 0 });
        buf = '';
        runs.push({ text: text.slice(i + 2, close), shift: c === '^' ? 1 : -1 });
        i = close + 1;
        continue;
      }
    }
    buf += c;
    i++;
  }
  if (buf) runs.push({ text: buf, shift: 0 });
  return runs;
}

/** Markup without the braces, for width estimates and plain-text uses. */
export function plainText(text: string): string {
  return parseMarkup(text).map((r) => r.text).join('');
}

/** Rough width of text in DejaVu Sans (average advance ≈ 0.6 em; scripts at 70%). */
export function textWidth(text: string, fontSize: number): number {
  return parseMarkup(text).reduce((w, r) => w + r.text.length * 0.6 * fontSize * (r.shift === 0 ? 1 : 0.7), 0);
}

/** The content of a <text> element for `text` with markup, at base font size `fontSize`. */
export function richText(text: string, fontSize: number): string {
  const runs = parseMarkup(text);
  if (runs.every((r) => r.shift === 0)) return escapeXml(text);
  let out = '';
  let level = 0; // current baseline offset in px (positive = down)
  for (const r of runs) {
    const target = r.shift === 0 ? 0 : r.shift === 1 ? -0.38 * fontSize : 0.22 * fontSize;
    const dy = target - level;
    level = target;
    const size = r.shift === 0 ? '' : ` font-size="${num(0.7 * fontSize)}"`;
    out += `<tspan${dy !== 0 ? ` dy="${num(dy)}"` : ''}${size}>${escapeXml(r.text)}</tspan>`;
  }
  return out;
}

export interface TextOptions {
  readonly size: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly weight?: 'normal' | 'bold';
  readonly fill?: string;
  /** Rotation in degrees about (x, y). */
  readonly rotate?: number;
  /** Draws a white outline under the text so it stays legible on top of a map. */
  readonly halo?: boolean;
  /** Vertical alignment of y: 'baseline' (default), 'middle' or 'hanging' (top). */
  readonly baseline?: 'baseline' | 'middle' | 'hanging';
  readonly className?: string;
}

/** A <text> element; resvg's support for dominant-baseline is avoided by shifting y ourselves. */
export function svgText(x: number, y: number, text: string, o: TextOptions): string {
  const dy = o.baseline === 'middle' ? 0.35 * o.size : o.baseline === 'hanging' ? 0.75 * o.size : 0;
  const attrs = [
    `x="${num(x)}"`,
    `y="${num(y + dy)}"`,
    `font-size="${num(o.size)}"`,
    `text-anchor="${o.anchor ?? 'start'}"`,
    o.weight === 'bold' ? 'font-weight="bold"' : '',
    o.rotate ? `transform="rotate(${num(o.rotate)} ${num(x)} ${num(y)})"` : '',
    o.className ? `class="${o.className}"` : '',
  ].filter(Boolean).join(' ');
  const content = richText(text, o.size);
  const halo = o.halo
    ? `<text ${attrs} fill="none" stroke="#ffffff" stroke-width="${num(o.size * 0.22)}" stroke-linejoin="round" opacity="0.85">${content}</text>`
    : '';
  return `${halo}<text ${attrs} fill="${o.fill ?? '#000000'}">${content}</text>`;
}

/** Opening tag of a standalone SVG document of the given pixel size, white background. */
export function svgOpen(width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">\n` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>\n`
  );
}

/**
 * resvg is a native module: loaded on the first figure, not at start-up, so commands that draw
 * nothing (--help, bench, a run on a machine without its binary) do not pay for or need it.
 */
let resvgModule: typeof import('@resvg/resvg-js') | null = null;
function resvg(): typeof import('@resvg/resvg-js') {
  resvgModule ??= createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  return resvgModule;
}

let renderOptions: ResvgRenderOptions | null = null;

function resvgOptions(): ResvgRenderOptions {
  if (renderOptions) return renderOptions;
  const files = FONT_FILES.filter((f) => existsSync(f));
  renderOptions = {
    font:
      files.length > 0
        ? { loadSystemFonts: false, fontFiles: files, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' }
        : { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 1, // embedded rasters are drawn at 1:1 or as flat colour bars: no smoothing
    background: '#ffffff',
    logLevel: 'error',
  };
  return renderOptions;
}

/** Rasterizes an SVG document with resvg at its own pixel size (DejaVu Sans for text). */
export function svgToPng(svg: string): Buffer {
  return new (resvg().Resvg)(svg, resvgOptions()).render().asPng();
}

/** Writes an SVG figure as `.svg` (the document) or `.png` (rasterized), chosen by the extension. */
export function writeFigure(path: string, svg: string): void {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg') writeFileAtomic(path, svg);
  else if (ext === '.png') writeFileAtomic(path, svgToPng(svg));
  else throw new Error(`cannot write ${path}: figures are written as .png or .svg`);
}
