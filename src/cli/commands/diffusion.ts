/**
 * `crsky diffusion`: the running diffusion tensor of particles launched isotropically from the
 * observer, over field realizations; prints a table and writes CSV.
 */
import type { CommandModule } from 'yargs';
import { referenceFieldUG, referenceGyroradiusPc, stepPc } from '../../config/derived.ts';
import { fieldSeed, launchSeed } from '../../config/seeds.ts';
import type { Config } from '../../config/schema.ts';
import { rigidityForGyroradiusPV } from '../../config/units.ts';
import { createField } from '../../turbulence/create.ts';
import type { FieldData } from '../../turbulence/field.ts';
import { isotropicDirections, logSpacedTimes } from '../../sim/launch.ts';
import { runningDiffusion, PC_C_IN_CM2_PER_S, type DiffusionRealization, type DiffusionRow } from '../../analysis/diffusion.ts';
import { writeCsv } from '../../io/csv.ts';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../configOptions.ts';
import { createProgress, type LogMode } from '../progress.ts';
import { openTracker } from '../tracker.ts';
import { UsageError } from '../errors.ts';

interface DiffusionArgs extends ConfigArgs {
  particles: number;
  'rg-over-lc'?: number;
  tmin?: number;
  tmax?: number;
  nt: number;
  csv?: string;
  log: LogMode;
}

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
  const times = logSpacedTimes(tMin, tMax, opts.nTimes);

  const { tracker, reason } = await openTracker(cfg.tracking.backend, cfg.tracking.workers);
  const progress = createProgress({ mode: opts.log, label: 'diffusion', total: cfg.realizations, format: '{rate} steps/s' });
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

export function diffusionCommand(setExit: (code: number) => void): CommandModule<object, DiffusionArgs> {
  return {
    command: 'diffusion',
    describe: 'measure the running diffusion tensor D_ij(t) = <Δx_i Δx_j>/2t (parallel/perpendicular to B0)',
    builder: (y) =>
      withConfigOptions(y)
        .option('particles', { type: 'number', default: 256, describe: 'particles per realization, isotropic launch, >= 1' })
        .option('rg-over-lc', { type: 'number', describe: 'set the rigidity so that r_g (in |B0|, or B_rms if B0 = 0) = this × L_c, > 0' })
        .option('tmin', { type: 'number', describe: 'first snapshot time, pc (default L_c/10)' })
        .option('tmax', { type: 'number', describe: 'last snapshot time, pc (default 100 L_c)' })
        .option('nt', { type: 'number', default: 16, describe: 'number of log-spaced snapshot times, >= 1' })
        .option('csv', { type: 'string', describe: 'write the table as CSV to this file' })
        .option('log', { choices: ['bar', 'json', 'quiet'] as const, default: 'bar' as LogMode, describe: 'progress on stderr' })
        .example('$0 diffusion --b0 0 --brms 1 --lmin 0.2 --lmax 100 --rg-over-lc 0.1 --particles 512 --realizations 8 --csv d.csv', 'isotropic Kolmogorov, r_g = 0.1 L_c') as never,
    handler: async (args) => {
      if (!(Number.isInteger(args.particles) && args.particles >= 1)) throw new UsageError(`--particles ${args.particles}: must be an integer >= 1`);
      if (!(Number.isInteger(args.nt) && args.nt >= 1)) throw new UsageError(`--nt ${args.nt}: must be an integer >= 1`);
      if (args['rg-over-lc'] !== undefined && !(args['rg-over-lc'] > 0)) throw new UsageError(`--rg-over-lc ${args['rg-over-lc']}: must be > 0`);
      const { config, baseDir } = configFromArgs(args);
      const res = await measureDiffusion(config, baseDir, {
        particles: args.particles,
        rgOverLc: args['rg-over-lc'],
        tMinPc: args.tmin,
        tMaxPc: args.tmax,
        nTimes: args.nt,
        log: args.log,
      });
      process.stdout.write(diffusionTable(res) + '\n');
      if (args.csv) {
        writeCsv(args.csv, diffusionCsvColumns(res), [
          `crsky diffusion: ${res.field.description}`,
          `rigidity_pv=${res.config.particles.rigidityPV} step_pc=${res.stepPc} l_c_pc=${res.field.correlationLengthPc} r_g_pc=${res.gyroradiusPc}`,
          `particles=${res.rows[0]?.particles} realizations=${res.config.realizations} backend=${res.backend} errors_from=${res.rows[0]?.errorFrom}`,
        ]);
        process.stderr.write(`wrote ${args.csv}\n`);
      }
      setExit(0);
    },
  };
}
