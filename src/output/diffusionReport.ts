/**
 * The report of a diffusion run: the table `crsky diffusion` prints and the CSV it writes.
 */
import { PC_C_IN_CM2_PER_S, type DiffusionRow } from '../analysis/diffusion.ts';
import { writeCsv } from '../io/csv.ts';
import type { DiffusionResult } from '../pipeline/diffusion.ts';

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : 'nan';
}

/** The printed table; `backendReason` says which tracker ran and why. */
export function diffusionTable(res: DiffusionResult, backendReason: string): string {
  const lc = res.field.correlationLengthPc;
  const lines = [
    `field: ${res.field.description}`,
    `L_c = ${fmt(lc)} pc (realized modes of realization 0; --rg-over-lc uses this), continuous spectrum ${fmt(res.field.spectrumCorrelationLengthPc ?? NaN)} pc`,
    `r_g = ${fmt(res.gyroradiusPc)} pc (r_g/L_c = ${fmt(res.gyroradiusPc / lc, 3)}), step = ${fmt(res.stepPc)} pc, rigidity = ${fmt(res.config.particles.rigidityPV)} PV, charge ${res.config.particles.charge > 0 ? '+1' : '-1'} followed forward in time`,
    `backend: ${res.backend} (${res.device}); ${backendReason}`,
    `${res.rows[0]?.particles ?? 0} particles in ${res.config.realizations} realization(s); errors from the scatter between ${res.rows[0]?.errorFrom ?? 'particles'}`,
    `${res.particleSteps.toExponential(3)} particle-steps in ${res.seconds.toFixed(1)} s = ${(res.particleSteps / res.seconds).toExponential(3)} particle-steps/s`,
    '',
    '     t [pc]      Omega*t     D_par [pc]         D_perp [pc]        D_iso [pc]        D_iso/(c L_c)',
  ];
  for (const r of res.rows) {
    lines.push(
      [
        fmt(r.timePc).padStart(11),
        fmt(r.timePc / res.gyroradiusPc).padStart(11),
        `${fmt(r.parallelPc)} ± ${fmt(r.parallelErrPc, 2)}`.padStart(19),
        `${fmt(r.perpendicularPc)} ± ${fmt(r.perpendicularErrPc, 2)}`.padStart(19),
        `${fmt(r.isotropicPc)} ± ${fmt(r.isotropicErrPc, 2)}`.padStart(19),
        (lc > 0 ? fmt(r.isotropicPc / lc) : 'nan').padStart(14),
      ].join(' '),
    );
  }
  const last = res.rows[res.rows.length - 1];
  if (last) lines.push('', `D_iso at the last time: ${fmt(last.isotropicPc)} pc·c = ${fmt(last.isotropicPc * PC_C_IN_CM2_PER_S)} cm^2/s`);
  return lines.join('\n');
}

export function diffusionCsvColumns(res: DiffusionResult): Record<string, Float64Array> {
  const col = (f: (r: DiffusionRow) => number) => Float64Array.from(res.rows, f);
  return {
    t_pc: col((r) => r.timePc),
    omega_t: col((r) => r.timePc / res.gyroradiusPc),
    d_par_pc: col((r) => r.parallelPc),
    d_par_err_pc: col((r) => r.parallelErrPc),
    d_perp_pc: col((r) => r.perpendicularPc),
    d_perp_err_pc: col((r) => r.perpendicularErrPc),
    d_iso_pc: col((r) => r.isotropicPc),
    d_iso_err_pc: col((r) => r.isotropicErrPc),
  };
}


const CSV_TAG = '# crsky diffusion:';

/** Whether a file's text is a table this command wrote (so --csv may replace it). */
export function isDiffusionCsv(text: string): boolean {
  return text.startsWith(CSV_TAG);
}

/** Writes the table as CSV with the run's parameters as comments. */
export function writeDiffusionCsv(file: string, res: DiffusionResult): void {
  writeCsv(file, diffusionCsvColumns(res), [
    `crsky diffusion: ${res.field.description}`,
    `rigidity_pv=${res.config.particles.rigidityPV} charge=${res.config.particles.charge} (forward in time) step_pc=${res.stepPc} l_c_pc=${res.field.correlationLengthPc} (realized modes, used by --rg-over-lc) l_c_spectrum_pc=${res.field.spectrumCorrelationLengthPc ?? NaN} r_g_pc=${res.gyroradiusPc}`,
    `particles=${res.rows[0]?.particles} realizations=${res.config.realizations} backend=${res.backend} errors_from=${res.rows[0]?.errorFrom}`,
  ]);
}
