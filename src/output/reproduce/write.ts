/**
 * Writes a reproduction (src/pipeline/reproduce/) into a folder: one CSV per table, one PNG per
 * figure, the configs that ran (configs/<name>.json), summary.json (target, backend, device,
 * wall time, particle-steps, checks, notes, files, crsky version and commit) and summary.txt
 * (the same for people).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { writeLinePlot } from '../../io/clPlot.ts';
import { writeCsv } from '../../io/csv.ts';
import { writeMollweide } from '../../io/mollweide.ts';
import type { Check, FigureSpec, ReproduceResult } from '../../pipeline/reproduce/types.ts';
import { crskyVersion, gitCommit } from '../version.ts';

interface ReproductionFiles {
  readonly summaryJson: string;
  readonly summaryText: string;
  readonly files: readonly string[];
}

function writeFigureSpec(file: string, f: FigureSpec): void {
  if (f.kind === 'map') {
    writeMollweide(file, f.map, { ordering: 'RING', title: f.title, label: f.label, center: 0, frameLabel: f.frame === 'galactic' ? 'galactic (l, b)' : 'equatorial (α, δ)' });
    return;
  }
  writeLinePlot(file, f.series, { title: f.title, xLabel: f.xLabel, yLabel: f.yLabel, xLog: f.xLog, yLog: f.yLog, yMin: f.yMin, yMax: f.yMax, markers: true });
}

/** One line per check: PASS/FAIL, name, numbers. */
export function checkLine(c: Check): string {
  const rel = c.kind === 'equal' ? `|${c.value.toPrecision(4)} − ${c.reference.toPrecision(4)}| ≤ ${c.tolerance.toPrecision(3)}` : `${c.value.toPrecision(4)} > ${c.reference.toPrecision(4)} + ${c.tolerance.toPrecision(3)}`;
  const verdict = c.comparison ? (c.pass ? 'AGREE' : 'DISAGREE') : c.pass ? 'PASS' : 'FAIL';
  return `${verdict} ${c.name}: ${rel}`;
}

export function summaryText(res: ReproduceResult, files: readonly string[]): string {
  const lines = [
    `crsky reproduce ${res.target}${res.quick ? ' --quick' : ''}: ${res.description}`,
    `backend: ${res.backend} (${res.device}); ${res.particleSteps.toExponential(3)} particle-steps; wall time ${res.seconds.toFixed(1)} s`,
    '',
    'checks:',
    ...res.checks.map((c) => `  ${checkLine(c)}\n      ${c.statement}\n      tolerance: ${c.toleranceFrom}`),
    '',
    'numbers:',
    ...res.notes.map((n) => `  ${n}`),
    '',
    `files: ${files.join(', ')}`,
  ];
  return lines.join('\n');
}

/** Writes everything into `out` (created if needed; existing files of the same names are replaced). */
export function writeReproduction(res: ReproduceResult, out: string, argv: readonly string[] = []): ReproductionFiles {
  fs.mkdirSync(path.join(out, 'configs'), { recursive: true });
  const files: string[] = [];
  for (const [name, cfg] of Object.entries(res.configs)) {
    const f = path.join('configs', `${name}.json`);
    writeFileAtomic(path.join(out, f), JSON.stringify(cfg, null, 2) + '\n');
    files.push(f);
  }
  for (const t of res.tables) {
    const f = `${t.name}.csv`;
    writeCsv(path.join(out, f), t.columns, t.comments);
    files.push(f);
  }
  for (const fig of res.figures) {
    const f = `${fig.name}.png`;
    writeFigureSpec(path.join(out, f), fig);
    files.push(f);
  }
  const summary = {
    target: res.target,
    quick: res.quick,
    description: res.description,
    backend: res.backend,
    device: res.device,
    particleSteps: res.particleSteps,
    wallSeconds: res.seconds,
    checks: res.checks,
    allChecksPass: res.checks.every((c) => c.pass || c.comparison === true),
    notes: res.notes,
    files,
    crsky: crskyVersion(),
    commit: gitCommit(),
    argv,
  };
  const summaryJson = path.join(out, 'summary.json');
  writeFileAtomic(summaryJson, JSON.stringify(summary, null, 2) + '\n');
  const text = summaryText(res, files);
  const summaryTxt = path.join(out, 'summary.txt');
  writeFileAtomic(summaryTxt, text + '\n');
  return { summaryJson, summaryText: text, files: [...files, 'summary.json', 'summary.txt'] };
}
