/**
 * Sizes dispatches and decides how long to sleep before awaiting each one.
 *
 * A dispatch should take about `targetSeconds`: long enough that the per-dispatch costs (submit,
 * read-back of the counters) vanish, short enough for progress reports and GPU watchdogs. And in
 * Node, Dawn polls in a busy loop on the main thread while one of its promises is pending; on
 * lavapipe, where the "GPU" is the CPU's cores, that loop takes a core from the kernel. So the host
 * sleeps through most of the expected time before it creates the promise (mapAsync), and only
 * the rest is spent polling. The expected time comes from the measured rate: GPU timestamps of
 * the pass when the device has them (true kernel time, whatever the sleep), else wall time.
 *
 * A round moves every active particle by the same number of steps S; it is dispatched in slices
 * of the active list, each sized to the target time, so a round that must be long (S is at least
 * `minSteps` on a CPU adapter) is still made of target-length dispatches, and the sleep before
 * any one of them is capped near the target. The pacer never learns from a dispatch that
 * compiled: lavapipe compiles a pipeline at its first dispatch, inside the timed pass, so the
 * tracker runs an empty dispatch first (tracker.ts `warmUp`) and only times the ones after it.
 */

/** Sleep this fraction of the expected dispatch time; the rest is polled. */
export const SLEEP_FRACTION = 0.9;
/** Longest sleep, in target dispatch times: a wrong rate estimate costs at most this. */
export const SLEEP_CAP = 1.5;
/** Steps of the very first round of a kernel, before any rate is known. */
export const FIRST_DISPATCH_STEPS = 8;
/** Particles of a dispatch before any rate is known (a blind dispatch stays short). */
export const FIRST_DISPATCH_PARTICLES = 16384;
/** Awaiting took less than this after the sleep: the sleep may have outlasted the dispatch. */
const OVERSLEPT_MS = 0.5;

export class DispatchPacer {
  /** Particle-steps per second per kernel kind (variant and sizes, not the values). */
  private readonly rates = new Map<string, number>();

  /**
   * @param targetSeconds wall time a dispatch aims at
   * @param minSteps fewest steps a round takes once the rate is known (unless the interval to
   *   the next snapshot is shorter): on lavapipe each invocation pays a set-up per dispatch (the
   *   inline kernel's constants are broadcast to its stack), which must be spread over many steps
   * @param sliceAlign slices are multiples of this many particles (the workgroup size), and at
   *   least `minSliceGroups` of them so every CPU thread of a software adapter gets work
   */
  constructor(
    private readonly targetSeconds: number,
    private readonly minSteps = 1,
    private readonly sliceAlign = 1,
    private readonly minSliceGroups = 1,
  ) {}

  rate(key: string): number | undefined {
    return this.rates.get(key);
  }

  /** Steps for the next round of `active` particles, at most `remaining`. */
  steps(key: string, active: number, remaining: number, previous: number): number {
    const rate = this.rates.get(key);
    let s = rate === undefined ? FIRST_DISPATCH_STEPS : Math.max(this.minSteps, Math.round((this.targetSeconds * rate) / active));
    if (previous > 0) s = Math.min(s, previous * 8); // grow gently while the estimate settles
    // the kernel's stopped-steps counter is a u32: S · active < 2^32
    s = Math.min(s, Math.floor(0xffffffff / active), remaining);
    return Math.max(1, s);
  }

  /**
   * Particles in the next dispatch of a round of `steps` steps with `left` particles still to
   * move: a target's worth, aligned; all of them when the rest would be a small tail.
   */
  sliceParticles(key: string, steps: number, left: number): number {
    const rate = this.rates.get(key);
    const want = rate === undefined ? FIRST_DISPATCH_PARTICLES : (this.targetSeconds * rate) / steps;
    const align = this.sliceAlign;
    const m = Math.max(this.minSliceGroups * align, Math.ceil(want / align) * align);
    return left - m < m / 2 ? left : m;
  }

  /** How long to sleep after submitting `work` particle-steps, ms (0: await at once). */
  sleepMs(key: string, work: number): number {
    const rate = this.rates.get(key);
    if (rate === undefined) return 0;
    const expected = (1000 * work) / rate;
    return expected > 2 ? SLEEP_FRACTION * Math.min(expected, SLEEP_CAP * 1000 * this.targetSeconds) : 0;
  }

  /**
   * Learns from a finished dispatch that did not compile: `gpuSeconds` from timestamps (null
   * without), `wallMs` from submit to result, `awaitedMs` the part after the sleep.
   */
  observe(key: string, work: number, gpuSeconds: number | null, wallMs: number, awaitedMs: number): void {
    const previous = this.rates.get(key);
    let sample: number;
    let weight: number;
    if (gpuSeconds !== null && gpuSeconds > 0) {
      // the kernel's own time: trust it, smoothing only the machine's noise
      sample = work / gpuSeconds;
      weight = 0.7;
    } else {
      sample = work / Math.max(wallMs / 1000, 1e-6);
      weight = 0.5;
      // slept past the end: the dispatch was faster than the wall time says
      if (previous !== undefined && awaitedMs < OVERSLEPT_MS) sample = Math.max(sample, previous) * 1.1;
    }
    this.rates.set(key, previous === undefined ? sample : Math.exp(weight * Math.log(sample) + (1 - weight) * Math.log(previous)));
  }
}
