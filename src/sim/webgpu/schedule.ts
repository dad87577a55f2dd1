/**
 * The time line of a job, worked out once on the host in float64: all particles start at t = 0
 * and take the same steps, so which step is shortened to land on a snapshot time T_k does not
 * depend on the particle. This replays the bookkeeping of docs/integrator.md (t = t_base + k·h,
 * land when t + h >= T·(1 − 1e−14)) with the very float64 expressions of the CPU integrator, so
 * both backends take the same steps; the GPU only counts integer steps.
 */
import type { StopConditions } from '../types.ts';

export interface Interval {
  /** t_base: the time the interval starts at (the previous landing, or 0). */
  readonly startPc: number;
  /** Full steps of length h before the landing step. */
  readonly fullSteps: number;
  /** Length of the landing step, T - (t_base + fullSteps·h). */
  readonly landingStepPc: number;
  /** The time landed on. */
  readonly endPc: number;
  /** Snapshot index recorded at the landing, or -1 (the final landing on maxTimePc). */
  readonly snapshot: number;
  /** Global index of the interval's first step. */
  readonly firstStep: number;
}

export interface Schedule {
  readonly stepPc: number;
  readonly intervals: readonly Interval[];
  /** Steps in the whole time line. */
  readonly totalSteps: number;
  /**
   * A particle that has crossed the sphere stops after global step >= stopStep: the landing on
   * the last snapshot time, or at once (0) without snapshot times.
   */
  readonly stopStep: number;
}

/** Same rule as integrate.ts endTimePc. */
function endTime(stop: StopConditions): number {
  const last = stop.timesPc.length > 0 ? stop.timesPc[stop.timesPc.length - 1] : 0;
  const end = Math.max(last, stop.maxTimePc ?? 0);
  if (!(end > 0)) throw new Error('stop conditions: need at least one snapshot time or maxTimePc > 0');
  return end;
}

/** The CPU's t after k steps from t_base (integrate.ts: t = tBase + k·h, and t = tBase at k = 0). */
function timeAfter(tBase: number, k: number, h: number): number {
  return k === 0 ? tBase : tBase + k * h;
}

/** The CPU's landing test for the step that starts after k steps from t_base. */
function lands(tBase: number, k: number, h: number, target: number): boolean {
  return timeAfter(tBase, k, h) + h >= target * (1 - 1e-14);
}

export function buildSchedule(stop: StopConditions, stepPc: number): Schedule {
  const h = stepPc;
  if (!(h > 0)) throw new Error(`step must be > 0, got ${h}`);
  const times = stop.timesPc;
  for (let i = 0; i < times.length; i++) {
    if (!(times[i] > 0) || (i > 0 && !(times[i] > times[i - 1]))) {
      throw new Error('stop conditions: snapshot times must be > 0 and strictly ascending');
    }
  }
  const tEnd = endTime(stop);
  const targets = times.map((t, i) => ({ t, snapshot: i }));
  const last = times.length > 0 ? times[times.length - 1] : 0;
  if (tEnd > last) targets.push({ t: tEnd, snapshot: -1 });

  const intervals: Interval[] = [];
  let tBase = 0;
  let step = 0;
  for (const { t: target, snapshot } of targets) {
    // smallest k whose step lands; the test is monotonic in k
    let k = Math.max(0, Math.floor((target - tBase) / h) - 1);
    while (!lands(tBase, k, h, target)) k++;
    while (k > 0 && lands(tBase, k - 1, h, target)) k--;
    intervals.push({
      startPc: tBase,
      fullSteps: k,
      landingStepPc: target - timeAfter(tBase, k, h),
      endPc: target,
      snapshot,
      firstStep: step,
    });
    step += k + 1;
    tBase = target;
  }
  if (step >= 2 ** 32) throw new Error(`time line of ${step} steps exceeds the GPU's 32-bit step counter`);
  const lastSnapshot = intervals.find((iv) => iv.snapshot === times.length - 1 && times.length > 0);
  const stopStep = lastSnapshot ? lastSnapshot.firstStep + lastSnapshot.fullSteps : 0;
  return { stepPc: h, intervals, totalSteps: step, stopStep };
}

/** Interval holding global step `step`. */
export function intervalOf(schedule: Schedule, step: number): Interval {
  const ivs = schedule.intervals;
  let lo = 0;
  let hi = ivs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ivs[mid].firstStep <= step) lo = mid;
    else hi = mid - 1;
  }
  return ivs[lo];
}

/** Time at the start of global step `step`, exactly as the CPU integrator has it. */
export function stepStartPc(schedule: Schedule, step: number): number {
  const iv = intervalOf(schedule, step);
  return timeAfter(iv.startPc, step - iv.firstStep, schedule.stepPc);
}
