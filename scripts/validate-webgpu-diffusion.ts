/**
 * GPU precision at long times (issue 12): the float64 cpu tracker and the webgpu tracker, paired
 * on the same field realizations and the same launch directions, must give the same late-time
 * isotropic diffusion coefficient within its error. Pure isotropic Kolmogorov turbulence
 * (B0 = 0, B_rms = 1 uG, 1-100 pc, 256 plane waves by default), r_g/L_c = 0.1 and 0.3 in B_rms,
 * h = r_g/20, 4 fields × 600 particles to 400 L_c. Results: docs/webgpu.md.
 *
 *   node --import tsx scripts/validate-webgpu-diffusion.ts [--rg 0.1,0.3] [--fields 4]
 *       [--particles 600] [--lc-times 400] [--modes 256] [--threads N]
 *       [--backends cpu,webgpu] [--save FILE.json] [--load FILE.json] [--out FILE.md]
 *       [--perturb EPS] [--null FILE_A.json:BACKEND,FILE_B.json:BACKEND]
 *
 * --save writes every particle's estimators per backend; --load reuses the backends stored in a
 * file from the same workload (e.g. the slow cpu half) and runs only the ones missing.
 * --perturb tilts every launch direction by EPS rad (a seeded random axis): a second run of the
 * same backend with it is a sample of the same statistics whose paths decorrelate as the two
 * backends' do; --null compares two stored runs (e.g. webgpu against perturbed webgpu) in the
 * same table, the null test for the backend comparison's scatter.
 *
 * Two estimators per particle, both for D_iso = <Δx²>/(6Δt):
 *  - running: |x(T) − x(0)|² / (6T) at T = 400 L_c (the number `crsky diffusion` reports);
 *  - increments: the mean over six 50 L_c intervals in [100, 400] L_c of |Δx|²/(6·50 L_c),
 *    which uses more of each trajectory (stationary increments in the diffusive regime) and
 *    so has a smaller error.
 * The trajectories of the two backends decorrelate after a few gyrations (chaos amplifies the
 * f32 round-off), so per field the two are nearly independent samples of the same statistics.
 * The paired difference of each particle, d_i = e_webgpu,i − e_cpu,i, gives the error of the
 * difference directly (it also covers what the early, shared part of the paths correlates).
 * The errors are particle scatter within a field; over all fields, the mean difference is also
 * given with the scatter of the per-field differences.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { FieldSchema } from '../src/config/schema.ts';
import { meanErr } from '../src/pipeline/ensemble.ts';
import { referenceFieldUG, rigidityForGyroradiusPV } from '../src/config/units.ts';
import { createTracker } from '../src/sim/node/backends.ts';
import { isotropicDirections } from '../src/sim/launch.ts';
import type { TrackJob } from '../src/sim/types.ts';
import { createField } from '../src/turbulence/create.ts';
import type { FieldData } from '../src/turbulence/field.ts';

type Backend = 'cpu' | 'webgpu';

interface Options {
  rg: number[];
  fields: number;
  particles: number;
  lcTimes: number;
  modes: number;
  threads?: number;
  backends: Backend[];
  save?: string;
  load?: string;
  out?: string;
  perturb: number;
  nullPair?: [string, string, string, string];
}

/** Per particle: the running estimator at T and the increment estimator; plus the check at 1 L_c. */
interface BackendRun {
  readonly device: string;
  readonly seconds: number;
  readonly particleSteps: number;
  /** per field, per particle */
  readonly running: number[][];
  readonly increments: number[][];
  /** per field: largest |x_webgpu − x_cpu| at t = L_c / 2 is computed from these (positions, pc) */
  readonly early: number[][];
}

interface Saved {
  readonly workload: string;
  readonly runs: Record<string, Partial<Record<Backend, BackendRun>>>;
}

const INTERVAL_LC = 50;
const FIRST_INTERVAL_LC = 100;
const SPECTRUM = { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } as const;

function parse(argv: readonly string[]): Options {
  const o: Options = { rg: [0.1, 0.3], fields: 4, particles: 600, lcTimes: 400, modes: 256, backends: ['cpu', 'webgpu'], perturb: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    switch (argv[i]) {
      case '--rg':
        o.rg = v.split(',').map(Number);
        break;
      case '--fields':
        o.fields = Number(v);
        break;
      case '--particles':
        o.particles = Number(v);
        break;
      case '--lc-times':
        o.lcTimes = Number(v);
        break;
      case '--modes':
        o.modes = Number(v);
        break;
      case '--threads':
        o.threads = Number(v);
        break;
      case '--backends':
        o.backends = v.split(',').map((b) => {
          if (b !== 'cpu' && b !== 'webgpu') throw new Error(`--backends: unknown backend '${b}'`);
          return b;
        });
        break;
      case '--save':
        o.save = v;
        break;
      case '--load':
        o.load = v;
        break;
      case '--out':
        o.out = v;
        break;
      case '--perturb':
        o.perturb = Number(v);
        break;
      case '--null': {
        const [a, b] = v.split(',').map((x) => x.split(':'));
        if (!a || !b || a.length !== 2 || b.length !== 2) throw new Error('--null FILE_A:BACKEND,FILE_B:BACKEND');
        o.nullPair = [a[0], a[1], b[0], b[1]];
        break;
      }
      default:
        throw new Error(`unknown argument '${argv[i]}'`);
    }
  }
  if (!(o.lcTimes >= FIRST_INTERVAL_LC + INTERVAL_LC) || !o.rg.every((r) => r > 0) || !(o.fields >= 1 && o.particles >= 2 && o.modes >= 1)) {
    throw new Error(`bad options: need --lc-times >= ${FIRST_INTERVAL_LC + INTERVAL_LC}, --rg > 0, --fields >= 1, --particles >= 2`);
  }
  return o;
}

function field(modes: number, index: number): FieldData {
  return createField(
    FieldSchema.parse({ b0UG: 0, turbulence: { brmsUG: 1, method: 'modes', modes, spectrum: SPECTRUM } }),
    `crsky-validate-webgpu-diffusion-${index}`,
  );
}

/** Snapshot times (pc): L_c/2 for the early check, then every INTERVAL_LC from FIRST_INTERVAL_LC to T. */
function snapshotTimes(lc: number, lcTimes: number): number[] {
  const times = [0.5 * lc];
  for (let t = FIRST_INTERVAL_LC; t <= lcTimes + 1e-9; t += INTERVAL_LC) times.push(t * lc);
  if (times[times.length - 1] < lcTimes * lc * (1 - 1e-12)) times.push(lcTimes * lc);
  return times;
}

/** Each direction turned by `eps` rad about a seeded random axis perpendicular to it (eps = 0: unchanged). */
function perturbed(d: Float64Array, eps: number, f: number): Float64Array {
  if (eps === 0) return d;
  const axes = isotropicDirections(d.length / 3, `crsky-validate-webgpu-diffusion-perturb-${f}`);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i += 3) {
    const u = [d[i], d[i + 1], d[i + 2]];
    const a = [axes[i], axes[i + 1], axes[i + 2]];
    // w = unit vector along a's part perpendicular to u; u' = cos(eps) u + sin(eps) w
    const dot = a[0] * u[0] + a[1] * u[1] + a[2] * u[2];
    const w = a.map((x, c) => x - dot * u[c]);
    const n = Math.hypot(w[0], w[1], w[2]);
    for (let c = 0; c < 3; c++) out[i + c] = Math.cos(eps) * u[c] + (Math.sin(eps) * w[c]) / n;
  }
  return out;
}

async function runBackend(name: Backend, o: Options, rgOverLc: number, log: (s: string) => void): Promise<BackendRun> {
  const { tracker, reason } = await createTracker(name, { threads: o.threads });
  log(`  ${reason}`);
  const running: number[][] = [];
  const increments: number[][] = [];
  const early: number[][] = [];
  let seconds = 0;
  let particleSteps = 0;
  try {
    for (let f = 0; f < o.fields; f++) {
      const fd = field(o.modes, f);
      const lc = fd.summary.correlationLengthPc;
      const rg = rgOverLc * lc;
      const times = snapshotTimes(lc, o.lcTimes);
      const job: TrackJob = {
        field: fd,
        rigidityPV: rigidityForGyroradiusPV(rg, referenceFieldUG(Math.hypot(...fd.b0), fd.summary.brmsUG)),
        chargeSign: -1,
        origin: [0, 0, 0],
        directions: perturbed(isotropicDirections(o.particles, `crsky-validate-webgpu-diffusion-launch-${f}`), o.perturb, f),
        stepPc: rg / 20,
        stop: { timesPc: times },
      };
      const t0 = performance.now();
      const end = await tracker.track(job);
      const s = (performance.now() - t0) / 1000;
      seconds += s;
      particleSteps += end.particleSteps;
      log(`  ${name} field ${f}: L_c = ${lc.toFixed(2)} pc, ${end.particleSteps.toExponential(2)} particle-steps in ${s.toFixed(1)} s`);
      const n = o.particles;
      const snaps = end.snapshots;
      const last = snaps[snaps.length - 1];
      const r: number[] = [];
      const inc: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = last.positions;
        r.push((x[3 * i] ** 2 + x[3 * i + 1] ** 2 + x[3 * i + 2] ** 2) / (6 * last.timePc));
        // consecutive snapshots from FIRST_INTERVAL_LC on are INTERVAL_LC apart
        let sum = 0;
        let count = 0;
        for (let k = 2; k < snaps.length; k++) {
          const a = snaps[k - 1];
          const b = snaps[k];
          const dt = b.timePc - a.timePc;
          if (Math.abs(dt - INTERVAL_LC * lc) > 1e-9 * b.timePc) continue;
          let d2 = 0;
          for (let c = 0; c < 3; c++) d2 += (b.positions[3 * i + c] - a.positions[3 * i + c]) ** 2;
          sum += d2 / (6 * dt);
          count++;
        }
        inc.push(sum / count);
      }
      running.push(r);
      increments.push(inc);
      early.push(Array.from(snaps[0].positions));
    }
  } finally {
    await tracker.dispose();
  }
  return { device: tracker.device, seconds, particleSteps, running, increments, early };
}

interface Comparison {
  readonly lines: string[];
}

function compare(rgOverLc: number, o: Options, gpu: BackendRun, cpu: BackendRun, names = ['webgpu', 'cpu']): Comparison {
  const pm = (x: number, e: number) => `${x.toFixed(4)} ± ${e.toFixed(4)}`;
  const pct = (x: number, e: number) => `${(100 * x).toFixed(2)} ± ${(100 * e).toFixed(2)} %`;
  const lines: string[] = [];
  const [A, B] = names;
  lines.push(`### r_g = ${rgOverLc} L_c${A === 'webgpu' && B === 'cpu' ? '' : `: ${A} against ${B}`}`, '');
  lines.push(
    `${A} (${gpu.device}): ${gpu.seconds.toFixed(0)} s, ${(gpu.particleSteps / gpu.seconds).toExponential(2)} particle-steps/s; ` +
      `${B} (${cpu.device}): ${cpu.seconds.toFixed(0)} s, ${(cpu.particleSteps / cpu.seconds).toExponential(2)} particle-steps/s.`,
    '',
  );
  lines.push(`D_iso in units of c·L_c, each field's own L_c; Δ = ${A} − ${B}, paired per particle; Δ/D relative to ${B}.`, '');
  lines.push(`| field | estimator | ${A} | ${B} | Δ | Δ / D_${B} | Δ/σ | max \\|Δx\\| at L_c/2 |`);
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const totals: Record<string, { rel: number[]; relErr: number[] }> = { running: { rel: [], relErr: [] }, increments: { rel: [], relErr: [] } };
  for (let f = 0; f < o.fields; f++) {
    const lc = field(o.modes, f).summary.correlationLengthPc;
    let earlyMax = 0;
    for (let i = 0; i < o.particles; i++) {
      earlyMax = Math.max(earlyMax, Math.hypot(...[0, 1, 2].map((c) => gpu.early[f][3 * i + c] - cpu.early[f][3 * i + c])));
    }
    for (const est of ['running', 'increments'] as const) {
      const a = gpu[est][f].map((x) => x / lc);
      const b = cpu[est][f].map((x) => x / lc);
      const d = a.map((x, i) => x - b[i]);
      const [{ mean: ma, err: ea }, { mean: mb, err: eb }, { mean: md, err: ed }] = [meanErr(a), meanErr(b), meanErr(d)];
      totals[est].rel.push(md / mb);
      totals[est].relErr.push(ed / mb);
      lines.push(
        `| ${f} | ${est === 'running' ? `running, T = ${o.lcTimes} L_c` : `increments, ${INTERVAL_LC} L_c`} | ${pm(ma, ea)} | ${pm(mb, eb)} | ${pm(md, ed)} | ${pct(md / mb, ed / mb)} | ${(md / ed).toFixed(2)} | ${est === 'running' ? `${(earlyMax / lc).toExponential(1)} L_c` : ''} |`,
      );
    }
  }
  lines.push('');
  for (const est of ['running', 'increments'] as const) {
    const t = totals[est];
    const w = t.relErr.map((e) => 1 / (e * e));
    const combined = t.rel.reduce((acc, x, i) => acc + w[i] * x, 0) / w.reduce((a, x) => a + x, 0);
    const combinedErr = 1 / Math.sqrt(w.reduce((a, x) => a + x, 0));
    const scatter = t.rel.length > 1 ? meanErr(t.rel).err : NaN;
    lines.push(
      `All ${o.fields} fields, ${est}: Δ/D = ${pct(combined, combinedErr)} (weighted mean, particle errors; ${(combined / combinedErr).toFixed(2)} σ); ` +
        `plain mean ${pct(meanErr(t.rel).mean, scatter)} with the scatter of the per-field values.`,
    );
  }
  lines.push('');
  return { lines };
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const workload = JSON.stringify({ fields: o.fields, particles: o.particles, lcTimes: o.lcTimes, modes: o.modes, spectrum: SPECTRUM });
  if (o.nullPair) {
    const [fa, ba, fb, bb] = o.nullPair;
    const [sa, sb] = [fa, fb].map((f) => JSON.parse(readFileSync(f, 'utf8')) as Saved);
    if (sa.workload !== workload || sb.workload !== workload) throw new Error('--null: both files must hold this workload');
    const out: string[] = [];
    for (const rg of o.rg) {
      const a = sa.runs[String(rg)]?.[ba as Backend];
      const b = sb.runs[String(rg)]?.[bb as Backend];
      if (a && b) out.push(...compare(rg, o, a, b, [`${ba} (${fa})`, `${bb} (${fb})`]).lines);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    if (o.out) writeFileSync(o.out, `${out.join('\n')}\n`);
    return 0;
  }
  const saved: Saved = o.load ? (JSON.parse(readFileSync(o.load, 'utf8')) as Saved) : { workload, runs: {} };
  if (saved.workload !== workload) throw new Error(`--load ${o.load}: stored workload ${saved.workload} differs from ${workload}`);
  const load = os.loadavg();
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load.map((x) => x.toFixed(2)).join(' ')}`);
  const out: string[] = [
    ...(o.perturb !== 0 ? [`Launch directions tilted by ${o.perturb} rad (--perturb).`, ''] : []),
    `Pure isotropic Kolmogorov turbulence (B0 = 0, B_rms = 1 uG, ${SPECTRUM.lMinPc}-${SPECTRUM.lMaxPc} pc, ${o.modes} plane waves), h = r_g/20, ` +
      `${o.fields} fields × ${o.particles} particles (seeded isotropic directions, the same on both backends) to ${o.lcTimes} L_c.`,
    '',
  ];
  for (const rg of o.rg) {
    const key = String(rg);
    saved.runs[key] ??= {};
    for (const b of o.backends) {
      if (saved.runs[key][b]) {
        log(`r_g = ${rg} L_c, ${b}: loaded`);
        continue;
      }
      log(`r_g = ${rg} L_c, ${b}:`);
      saved.runs[key][b] = await runBackend(b, o, rg, log);
      if (o.save) writeFileSync(o.save, JSON.stringify(saved));
    }
    const { cpu, webgpu } = saved.runs[key];
    if (cpu && webgpu) out.push(...compare(rg, o, webgpu, cpu).lines);
  }
  const text = `${out.join('\n')}\n`;
  process.stdout.write(text);
  if (o.out) writeFileSync(o.out, text);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
