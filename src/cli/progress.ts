/**
 * Progress for long work: a cli-progress bar on stderr for people, JSON lines for batch logs,
 * nothing in quiet mode. Stdout stays free for results.
 */
import cliProgress from 'cli-progress';

export type LogMode = 'bar' | 'json' | 'quiet';

export interface Progress {
  /** value in [0, total]; payload fields appear in the bar and in JSON lines. */
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly mode: LogMode;
  readonly label: string;
  readonly total: number;
  /** Extra bar fields (e.g. "{rate} steps/s"), shown after the standard ones. */
  readonly format?: string;
  /** Initial values of the extra fields. */
  readonly payload?: Record<string, string | number>;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (opts.mode === 'quiet') return { update() {}, stop() {} };
  if (opts.mode === 'json') {
    let last = 0;
    const t0 = Date.now();
    const emit = (value: number, payload: Record<string, string | number> | undefined, done: boolean) => {
      process.stderr.write(
        JSON.stringify({ event: done ? 'done' : 'progress', task: opts.label, value, total: opts.total, elapsedS: (Date.now() - t0) / 1000, ...payload }) + '\n',
      );
    };
    let lastValue = 0;
    let lastPayload: Record<string, string | number> | undefined;
    return {
      update(value, payload) {
        lastValue = value;
        lastPayload = payload;
        const now = Date.now();
        if (now - last >= 2000) {
          last = now;
          emit(value, payload, false);
        }
      },
      stop() {
        emit(lastValue, lastPayload, true);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${opts.label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}${opts.format ? ' | ' + opts.format : ''}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
      etaBuffer: 50,
      // realizations done is fractional while one runs: two decimals, not 0.028268551236749116
      formatValue: (v: number, _o: unknown, type: string) => (type === 'value' && !Number.isInteger(v) ? v.toFixed(2) : String(v)),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(opts.total, 0, opts.payload ?? {});
  return {
    update(value, payload) {
      bar.update(value, payload);
    },
    stop() {
      bar.stop();
    },
  };
}
