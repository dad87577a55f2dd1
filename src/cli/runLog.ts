/**
 * What the commands that track particles print while they run: which backend runs and why, and
 * a progress bar (or JSON lines) over realizations with particles done and particle-steps/s.
 */
import os from 'node:os';
import type { Config } from '../config/schema.ts';
import { describeWork, type RunEstimate } from '../pipeline/estimate.ts';
import type { RunProgress } from '../pipeline/progress.ts';
import { createProgress, type LogMode } from './progress.ts';

/** Prints the backend line once tracking starts. */
export function logTracking(log: LogMode): (backend: string, device: string, reason: string) => void {
  return (backend, device, reason) => {
    if (log === 'json') process.stderr.write(JSON.stringify({ event: 'backend', backend, device, reason }) + '\n');
    else if (log !== 'quiet') process.stderr.write(`crsky: backend ${backend} (${device}): ${reason}\n`);
  };
}

/** A run estimated to take longer than this says so before it starts. */
const LONG_RUN_S = 60;

/** Prints the estimated work and time of a long run once tracking is about to start. */
export function logEstimate(log: LogMode, config: Config): (work: { todo: readonly number[]; estimate: RunEstimate; backend: string }) => void {
  return ({ todo, estimate, backend }) => {
    const threads = config.tracking.workers ?? os.availableParallelism();
    const w = describeWork(config, estimate, todo.length, backend, threads);
    if (w.seconds < LONG_RUN_S || log === 'quiet') return;
    if (log === 'json') process.stderr.write(JSON.stringify({ event: 'estimate', particleSteps: estimate.particleStepsPerRealization * todo.length, seconds: w.seconds }) + '\n');
    else process.stderr.write(`crsky: ${w.text}; Ctrl-C stops it, --resume continues\n`);
  };
}

export interface RunBar {
  readonly onProgress: (p: RunProgress) => void;
  readonly stop: () => void;
}

/**
 * A bar over the realizations of one call; `particles` per realization (0: not shown). The bar
 * starts with the first report, so nothing is drawn for a call with nothing to do.
 */
export function realizationBar(log: LogMode, label: string, particles: number): RunBar {
  let bar: ReturnType<typeof createProgress> | null = null;
  return {
    onProgress(p) {
      bar ??= createProgress({
        mode: log,
        label,
        total: p.total,
        format: particles > 0 ? '{particles} particles | {rate} steps/s' : '{rate} steps/s',
        payload: particles > 0 ? { particles: 0, rate: '-' } : { rate: '-' },
      });
      const frac = p.done - Math.floor(p.done);
      const within = p.done >= p.total ? particles : Math.round(frac * particles);
      const rate = p.seconds > 0 ? (p.particleSteps / p.seconds).toExponential(2) : '-';
      bar.update(p.done, particles > 0 ? { particles: within, rate } : { rate });
    },
    stop() {
      bar?.stop();
    },
  };
}
