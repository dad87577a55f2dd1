/**
 * The diffusion measurement behind `crsky diffusion`: particles launched isotropically from the
 * observer in each field realization, snapshots at log-spaced times, running diffusion tensor.
 */
import { referenceFieldUG, referenceGyroradiusPc, stepPc } from '../config/derived.ts';
import { fieldSeed, launchSeed } from '../config/seeds.ts';
import type { Config } from '../config/schema.ts';
import { rigidityForGyroradiusPV } from '../config/units.ts';
import { createField } from '../turbulence/create.ts';
import type { FieldData } from '../turbulence/field.ts';
import { isotropicDirections, logSpacedTimes } from '../sim/launch.ts';
import { runningDiffusion, PC_C_IN_CM2_PER_S, type DiffusionRealization, type DiffusionRow } from '../analysis/diffusion.ts';
import { checkFieldInputs } from './fieldInputs.ts';
import { createProgress, type LogMode } from './progress.ts';
import { openTracker } from './tracker.ts';
import { UsageError } from './errors.ts';

export interface DiffusionResult {
  readonly rows: DiffusionRow[];
  readonly config: Config;
  readonly field: FieldData['summary'];
  readonly stepPc: number;
  readonly gyroradiusPc: number;
  readonly backend: string;
  readonly device: string;
  readonly backendReason: string;
  readonly particleSteps: number;
  readonly seconds: number;
}

/** Runs the diffusion measurement described by the config and run options. */
export async function measureDiffusion(
  config: Config,
  baseDir: string,
  opts: { particles: number; rgOverLc?: number; tMinPc?: number; tMaxPc?: number; nTimes: number; log: LogMode },
): Promise<DiffusionResult> {
  checkFieldInputs(config, baseDir);
  const first = createField(config.field, fieldSeed(config.seed, 0), { baseDir });
  const lc = first.summary.correlationLengthPc;
  let cfg = config;
  if (opts.rgOverLc !== undefined) {
    if (!(lc > 0)) throw new UsageError('--rg-over-lc needs turbulence (field.turbulence.brmsUG > 0) to define L_c');
    const rigidityPV = rigidityForGyroradiusPV(opts.rgOverLc * lc, referenceFieldUG(cfg));
    cfg = { ...cfg, particles: { ...cfg.particles, rigidityPV } };
  }
  const rg = referenceGyroradiusPc(cfg);
  const h = stepPc(cfg);
  const scale = lc > 0 ? lc : rg;
  const tMin = opts.tMinPc ?? scale / 10;
  const tMax = opts.tMaxPc ?? 100 * scale;
  if (!(tMin <= tMax)) throw new UsageError(`--tmin ${tMin} pc: must be <= --tmax ${tMax} pc (defaults: L_c/10 and 100 L_c)`);
  const times = logSpacedTimes(tMin, tMax, opts.nTimes);

  const { tracker, reason } = await openTracker(cfg.tracking.backend, cfg.tracking.workers);
  const progress = createProgress({ mode: opts.log, label: 'diffusion', total: cfg.realizations, format: '{rate} steps/s', payload: { rate: '-' } });
  const t0 = performance.now();
  let steps = 0;
  const realizations: DiffusionRealization[] = [];
  try {
    for (let r = 0; r < cfg.realizations; r++) {
      const field = r === 0 ? first : createField(cfg.field, fieldSeed(cfg.seed, r), { baseDir });
      const es = await tracker.track(
        {
          field,
          rigidityPV: cfg.particles.rigidityPV,
          chargeSign: cfg.particles.charge === 1 ? 1 : -1,
          origin: cfg.particles.observerPc,
          directions: isotropicDirections(opts.particles, launchSeed(cfg.seed, r)),
          stepPc: h,
          stop: { timesPc: times },
        },
        (p) => {
          const rate = (steps + p.particleSteps) / ((performance.now() - t0) / 1000);
          progress.update(r + p.fraction, { rate: rate.toExponential(2) });
        },
      );
      steps += es.particleSteps;
      realizations.push({ start: cfg.particles.observerPc, snapshots: es.snapshots });
    }
  } finally {
    progress.stop();
    await tracker.dispose();
  }
  const [bx, by, bz] = first.b0;
  const b0 = Math.hypot(bx, by, bz);
  const rows = runningDiffusion(realizations, b0 > 0 ? [bx / b0, by / b0, bz / b0] : null);
  return {
    rows,
    config: cfg,
    field: first.summary,
    stepPc: h,
    gyroradiusPc: rg,
    backend: tracker.backend,
    device: tracker.device,
    backendReason: reason,
    particleSteps: steps,
    seconds: (performance.now() - t0) / 1000,
  };
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : 'nan';
}

export function diffusionTable(res: DiffusionResult): string {
  const lc = res.field.correlationLengthPc;
  const lines = [
    `field: ${res.field.description}`,
    `L_c = ${fmt(lc)} pc, r_g = ${fmt(res.gyroradiusPc)} pc (r_g/L_c = ${fmt(res.gyroradiusPc / lc, 3)}), step = ${fmt(res.stepPc)} pc, rigidity = ${fmt(res.config.particles.rigidityPV)} PV`,
    `backend: ${res.backend} (${res.device}); ${res.backendReason}`,
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

