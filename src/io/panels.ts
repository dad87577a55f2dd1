/**
 * Several SVG figures as panels of one figure, in a grid of `columns` columns. Each panel's ids
 * (the plots' clip paths) get a panel prefix, so equal ids of different panels cannot clash.
 */
import { svgOpen } from './svg.ts';

function size(svg: string): { w: number; h: number } {
  const m = /<svg [^>]*width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  if (!m) throw new Error('panels: a panel is not an SVG document');
  return { w: Number(m[1]), h: Number(m[2]) };
}

export function composePanels(panels: readonly string[], columns: number): string {
  if (panels.length === 0) throw new Error('panels: none');
  const sizes = panels.map(size);
  const rows = Math.ceil(panels.length / columns);
  const colW = Array.from({ length: columns }, (_, c) => Math.max(0, ...sizes.filter((_s, i) => i % columns === c).map((s) => s.w)));
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...sizes.filter((_s, i) => Math.floor(i / columns) === r).map((s) => s.h)));
  const width = colW.reduce((a, w) => a + w, 0);
  const height = rowH.reduce((a, h) => a + h, 0);
  const body = panels.map((svg, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const x = colW.slice(0, c).reduce((a, w) => a + w, 0);
    const y = rowH.slice(0, r).reduce((a, h) => a + h, 0);
    const renamed = svg.replace(/\bid="([^"]+)"/g, `id="p${i}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#p${i}-$1)`);
    return renamed.replace('<svg ', `<svg x="${x}" y="${y}" `);
  });
  return `${svgOpen(width, height)}${body.join('\n')}\n</svg>\n`;
}
