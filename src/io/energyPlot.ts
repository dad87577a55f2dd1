/**
 * The energy-dependence figure of a spectrum run, one map label, from its tables (the columns of
 * energy_<label>.csv, energy_cl_<label>.csv and cross_<label>.csv, so `crsky plot` can redraw it
 * from the files): four panels,
 *   (a) dipole amplitude vs rigidity: of the ensemble-mean map, and <|δ|> ± standard error;
 *   (b) dipole phase α1 (ground-array right ascension, Eq. 19) of the ensemble-mean map vs rigidity,
 *       error bars the circular scatter over realizations / sqrt(n), unwrapped along rigidity;
 *   (c) <C_l> ± standard error vs rigidity for l = 1..4;
 *   (d) r_l = <C^XY>/sqrt(<C^XX><C^YY>) vs l between the lowest bin and each other bin.
 */
import { linePlotSvg, type LineSeries } from './clPlot.ts';
import { composePanels } from './panels.ts';
import { writeFigure } from './svg.ts';

export type Table = Readonly<Record<string, ArrayLike<number>>>;

export interface EnergyTables {
  readonly energy: Table;
  readonly energyCl: Table;
  readonly cross: Table;
}

function rows(t: Table, keep: (i: number) => boolean): number[] {
  const n = t[Object.keys(t)[0]].length;
  return Array.from({ length: n }, (_, i) => i).filter(keep);
}

/** Angles (degrees) shifted by multiples of 360 so that each is within 180 of the one before. */
export function unwrapDeg(a: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of a) {
    if (out.length === 0 || !Number.isFinite(v)) {
      out.push(v);
      continue;
    }
    const prev = out.filter(Number.isFinite).at(-1) ?? v;
    out.push(v + 360 * Math.round((prev - v) / 360));
  }
  return out;
}

export interface EnergyFigureOptions {
  /** Heading of every panel, e.g. "t01: Ω·T = 10, 8 realizations". */
  readonly heading: string;
  /** Figure width in px (two panels side by side); default 1600. */
  readonly width?: number;
}

export function energyFigureSvg(t: EnergyTables, o: EnergyFigureOptions): string {
  const e = t.energy;
  const bins = rows(e, (i) => e.bin[i] >= 0);
  const R = bins.map((i) => e.rigidity_pv[i]);
  const n = bins.map((i) => e.realizations[i]);
  const pick = (name: string) => bins.map((i) => e[name][i]);
  const w = Math.round((o.width ?? 1600) / 2);
  const h = Math.round(w * 0.7);
  const panel = (letter: string, what: string, series: LineSeries[], opts: { xLabel: string; yLabel: string; xLog?: boolean; yLog?: boolean; yMin?: number; yMax?: number }) =>
    linePlotSvg(series, { title: `(${letter}) ${what}\n${o.heading}`, width: w, height: h, ...opts });

  const amplitude = panel(
    'a',
    'Dipole amplitude vs rigidity',
    [
      { label: '|δ| of the ensemble-mean map', x: R, y: pick('amplitude') },
      { label: '⟨|δ|⟩ ± standard error', x: R, y: pick('amplitude_mean'), error: pick('amplitude_stderr'), dashed: true },
    ],
    { xLabel: 'rigidity R [PV]', yLabel: 'dipole amplitude', xLog: true, yLog: true },
  );
  const phaseErr = bins.map((i, k) => e.alpha1_std_deg[i] / Math.sqrt(n[k]));
  const phase = panel(
    'b',
    'Dipole phase vs rigidity',
    [{ label: 'α_{1} of the ensemble-mean map ± circular scatter/√n', x: R, y: unwrapDeg(pick('alpha1_deg')), error: phaseErr }],
    { xLabel: 'rigidity R [PV]', yLabel: 'phase α_{1} [deg] (unwrapped)', xLog: true },
  );
  const c = t.energyCl;
  const cl: LineSeries[] = [1, 2, 3, 4].map((l) => {
    const idx = rows(c, (i) => c.realization[i] === -1 && c.l[i] === l);
    return { label: `ℓ = ${l}`, x: idx.map((i) => c.rigidity_pv[i]), y: idx.map((i) => c.cl[i]), error: idx.map((i) => c.stderr[i]) };
  });
  const clPanel = panel('c', '⟨C_{ℓ}⟩ vs rigidity', cl, { xLabel: 'rigidity R [PV]', yLabel: '⟨C_{ℓ}⟩ ± standard error', xLog: true, yLog: true });
  const x = t.cross;
  const others = [...new Set(rows(x, (i) => x.realization[i] === -1 && x.bin_x[i] === 0).map((i) => x.bin_y[i]))].slice(0, 6);
  const r: LineSeries[] = others.map((by) => {
    const idx = rows(x, (i) => x.realization[i] === -1 && x.bin_x[i] === 0 && x.bin_y[i] === by && x.l[i] >= 1);
    const rx = x.rigidity_x_pv[idx[0]];
    const ry = x.rigidity_y_pv[idx[0]];
    return { label: `${rx.toPrecision(3)} PV × ${ry.toPrecision(3)} PV`, x: idx.map((i) => x.l[i]), y: idx.map((i) => x.r[i]) };
  });
  const rPanel =
    r.length > 0
      ? panel('d', 'Cross-rigidity correlation r_{ℓ} = ⟨C^{XY}⟩/√(⟨C^{XX}⟩⟨C^{YY}⟩)', r, { xLabel: 'ℓ', yLabel: 'r_{ℓ}', xLog: true, yMin: -1, yMax: 1.05 })
      : panel('d', 'Cross-rigidity correlation (one bin: none)', [{ x: [1], y: [1], line: false, marker: 'none' }], { xLabel: 'ℓ', yLabel: 'r_{ℓ}', yMin: -1, yMax: 1.05 });
  return composePanels([amplitude, phase, clPanel, rPanel], 2);
}

export function writeEnergyFigure(file: string, t: EnergyTables, o: EnergyFigureOptions): void {
  writeFigure(file, energyFigureSvg(t, o));
}
