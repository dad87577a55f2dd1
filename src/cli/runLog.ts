/**
 * What the commands that track particles print while they run: which backend runs and why, and
 * a progress bar (or JSON lines) over realizations with particles done and particle-steps/s.
 */
import type { RunProgress } from '../pipeline/progress.ts';
import { createProgress, type LogMode } from './progress.ts';

/** Prints the backend line once tracking starts. */
export function logTracking(log: LogMode): (backend: string, device: string, reason: string) => void {
  return (backend, device, reason) => {
    if (log === 'json') process.stderr.write(JSON.stringify({ event: 'backend', backend, device, reason }) + '\n');
    else if (log !== 'quiet') process.stderr.write(`crsky: backend ${backend} (${device}): ${reason}\n`);
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
