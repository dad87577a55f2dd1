/**
 * "Watch the sky form as Ω·T grows" without touching any tracker: realization 0 is first run as
 * a ladder of shorter jobs, each from t = 0 to one stage time (or out to one sphere radius), then
 * as the full job of the config. Stages halve towards the start: T_max/2, T_max/4, ... (at most
 * MAX_STAGES, none below Ω·T = 1 or one step), so the ladder costs about as much again as the full
 * job (Σ 2^-j < 1). Every stage is the pipeline's own runRealization with the same seed, so each
 * stage map is exactly the map the CLI makes for that one time.
 */
import { makePlan, snapshotTimesPc, stepPc, type Config, type RunPlan } from '../../../src/core.ts';

export const MAX_STAGES = 5;

export interface Stage {
  readonly plan: RunPlan;
  /** Ω·T of the stage's one map (NaN for sphere stages). */
  readonly omegaT: number;
  /** Sphere radius of a sphere stage, pc (NaN otherwise). */
  readonly radiusPc: number;
  /** Path length of the stage's job, pc: what its progress fraction scales. */
  readonly lengthPc: number;
  readonly label: string;
}

function withTracking(config: Config, tracking: Partial<Config['tracking']>): Config {
  return { ...config, tracking: { ...config.tracking, ...tracking } };
}

/** The stages before the full job, shortest first. */
export function skyFormingStages(config: Config): Stage[] {
  const full = makePlan(config);
  const h = stepPc(config);
  const stages: Stage[] = [];
  if (config.liouville.model === 'sphere') {
    const r = config.tracking.sphereRadiusPc!;
    for (let j = MAX_STAGES; j >= 1; j--) {
      const radius = r / 2 ** j;
      if (radius < 4 * h) continue;
      const plan = makePlan(withTracking(config, { sphereRadiusPc: radius }));
      stages.push({ plan, omegaT: NaN, radiusPc: radius, lengthPc: config.tracking.maxTimePc ?? radius, label: `R = ${formatNumber(radius)} pc` });
    }
    return stages;
  }
  const times = snapshotTimesPc(config);
  const last = times[times.length - 1];
  for (let j = MAX_STAGES; j >= 1; j--) {
    const t = last / 2 ** j;
    const omegaT = t / full.gyroradiusPc;
    if (!(omegaT >= 1) || t < 4 * h || times.some((x) => Math.abs(x - t) <= 1e-9 * t)) continue;
    const plan = makePlan(withTracking(config, { timesPc: [t], timesOmega: [] }));
    stages.push({ plan, omegaT, radiusPc: NaN, lengthPc: t, label: `Ω·T = ${formatNumber(omegaT)}` });
  }
  return stages;
}

/** The full job's path length, pc. */
export function fullLengthPc(plan: RunPlan): number {
  const times = plan.stop.timesPc;
  return Math.max(times.length > 0 ? times[times.length - 1] : 0, plan.stop.maxTimePc ?? 0);
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 || Number.isInteger(x) ? String(Math.round(x * 10) / 10) : a >= 1 ? x.toFixed(2).replace(/\.?0+$/, '') : x.toPrecision(2);
}
