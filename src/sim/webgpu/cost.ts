/**
 * What a webgpu run costs on a CPU adapter (lavapipe), as measured on the 2-core development
 * machine (docs/benchmark.md, "Small runs"): the tracker uses it to pick where a job's mode table
 * goes, and `createTracker('auto')` (src/sim/node/backends.ts) to pick the backend.
 *
 * Two forms of the plane-wave kernel matter on lavapipe:
 *  - 'inline': the table compiled into the kernel as constants, ~10× faster per step, but LLVM
 *    compiles it for every field realization (Mesa's shader cache only helps when the same
 *    realization runs again);
 *  - 'uniform': a loop over the table in a uniform buffer, one kernel per process and mode count
 *    (and Mesa caches it across runs), compiled in ~0.5 s whatever the mode count, but llvmpipe
 *    loads buffer data lane by lane, so each mode costs ~10× more.
 * From LANES_MIN_MODES modes on, where the device has subgroups (lavapipe: the vector), 'auto'
 * compiles the table in spread over the lanes of a subgroup instead ('lanes', inline.ts
 * laneModesSource): steps as fast as inline at 1024 modes within the noise, a third of the
 * compile. ('fastest' keeps inline: the lanes form is not measurably faster.)
 * A job takes the form with the smaller compile + step time; a whole run may also skip LLVM's
 * optimization passes when that makes it shorter (prefersQuickCompile, LAVAPIPE_COST.noOpt).
 * The numbers are CPU seconds (all
 * threads), which is what a quiet machine's wall time is for the compile (one LLVM thread) and
 * for the kernels (all cores busy); on a GPU the uniform buffer is always right.
 */

/** The work of one field realization, and how many realizations (fields) a run has. */
export interface WorkloadEstimate {
  /** Particle-steps per field realization (particles × steps; an upper bound with a sphere). */
  readonly particleSteps: number;
  /** Field realizations: each is a new field (and, inline, a new kernel). */
  readonly fields: number;
  /** Plane-wave modes, 0 for a grid or B0 only. */
  readonly modes: number;
  /** Grid nodes per side, 0 without a grid (the first grid's for nested grids). */
  readonly gridN: number;
  /** Grids summed per field evaluation: more than 1 for nested grids (default 1). */
  readonly grids?: number;
}

/**
 * lavapipe on the development machine (Intel Xeon, Emerald Rapids class, 2 vCPUs; Mesa 25.0.7,
 * LLVM 15), CPU-normalized rates of the CRPropa workload (`crsky bench --workload crpropa`) and
 * the CPU time of compiling (all threads but the main one, which polls meanwhile), kernels
 * without a sphere.
 */
export const LAVAPIPE_COST = {
  /** Creating the device and its first pipeline objects, s. */
  startSeconds: 0.3,
  /** CPU seconds LLVM takes for an inline kernel of [modes, seconds] (log-log interpolated). */
  inlineCompile: [
    [64, 0.49],
    [256, 1.67],
    [1024, 14.1],
  ] as readonly (readonly [number, number])[],
  /** The same for the table spread over the lanes of a subgroup (from LANES_MIN_MODES modes). */
  lanesCompile: [[1024, 5.0]] as readonly (readonly [number, number])[],
  /** CPU seconds for the uniform-buffer loop kernel, any mode count. */
  uniformCompileSeconds: 0.4,
  /** Plane-wave mode evaluations per second (2 cores, 512-bit vectors where AVX-512 is there):
   *  inline constants (CPU-normalized medians since the shorter mode body, docs/benchmark.md:
   *  ~3.2e7, 9.0e6, 2.35e6 particle-steps/s at 64, 256, 1024 modes, i.e. 2.0-2.4e9; the lanes
   *  form about the same at 1024), uniform-buffer loop. */
  inlineModeEvaluationsPerSecond: 2.2e9,
  uniformModeEvaluationsPerSecond: 1.35e8,
  /** Grid and B0-only kernels: particle-steps per second (2 cores), and their compile, s. */
  gridStepsPerSecond: 1.7e7,
  otherCompileSeconds: 0.4,
  /**
   * With GALLIVM_PERF=nopt (LLVM's IR optimization passes skipped; NIR has optimized the kernel
   * already): compile CPU time × compileFactor, step time × stepFactor. Measured, CRPropa
   * workload, inline, 3 interleaved rounds with the shader cache off: compile 0.44-0.58 against
   * 0.72-1.12 s at 64 modes, 0.97-1.56 against 1.61-2.40 at 256, 5.9-8.5 against 10.8-13.6 at
   * 1024; steps ~10 % slower at 64 and 256 modes and ~15 % at 1024 (the mode constants are
   * re-materialized in the loop instead of hoisted); end states bitwise the same (64 and 1024
   * modes, the 256³ grid). The grid kernel's factors are assumed the same.
   */
  noOpt: { compileFactor: 0.6, stepFactor: 1.15 },
} as const;

function interpolateLogLog(table: readonly (readonly [number, number])[], x: number): number {
  if (x <= table[0][0] || table.length === 1) return table[0][1] * (x / table[0][0]);
  for (let i = 1; i < table.length; i++) {
    const [x0, y0] = table[i - 1];
    const [x1, y1] = table[i];
    if (x <= x1) return Math.exp(Math.log(y0) + ((Math.log(x) - Math.log(x0)) * (Math.log(y1) - Math.log(y0))) / (Math.log(x1) - Math.log(x0)));
  }
  const [xa, ya] = table[table.length - 2];
  const [xb, yb] = table[table.length - 1];
  return yb * Math.pow(x / xb, (Math.log(yb) - Math.log(ya)) / (Math.log(xb) - Math.log(xa)));
}

/**
 * From this many modes 'auto' on a CPU adapter with subgroups compiles the table in spread over
 * the lanes of a subgroup ('modes-lanes'): measured at 1024 modes, steps as fast as inline within
 * the noise (CRPropa workload, CPU-normalized, 4 interleaved sessions: -13 % to +15 % per
 * session, pooled medians within 3 %) and a compile of ~5 s instead of 11-15; at 256 modes 30 %
 * slower steps, at 64 modes 3.6x slower (docs/benchmark.md).
 */
export const LANES_MIN_MODES = 1024;

/** The compiled-in form of a table of `modes` modes: 'lanes' when the device has subgroups and the table is large. */
export function compiledForm(modes: number, subgroups: boolean): 'inline' | 'lanes' {
  return subgroups && modes >= LANES_MIN_MODES ? 'lanes' : 'inline';
}

/** CPU seconds to compile the table into the kernel (compiledForm) for `modes` modes on lavapipe. */
export function inlineCompileSeconds(modes: number, subgroups = false): number {
  const c = LAVAPIPE_COST;
  return interpolateLogLog(compiledForm(modes, subgroups) === 'lanes' ? c.lanesCompile : c.inlineCompile, modes);
}

export interface ModeTableCost {
  readonly table: 'inline' | 'uniform';
  /** Compile + step seconds of one realization in that form. */
  readonly seconds: number;
  /** The other form's, for the reason. */
  readonly otherSeconds: number;
}

/** [compile, step] time factors on lavapipe: LAVAPIPE_COST.noOpt's with LLVM's optimization passes off, else 1. */
function optFactors(noOpt: boolean): readonly [compile: number, step: number] {
  const f = LAVAPIPE_COST.noOpt;
  return noOpt ? [f.compileFactor, f.stepFactor] : [1, 1];
}

/**
 * The faster form of one realization's mode table on lavapipe: `particleSteps` steps of a field
 * with `modes` modes; `uniformCompiled`: the uniform-buffer kernel for this mode count is
 * already compiled (then it costs nothing more: a run's later realizations); `subgroups`: the
 * device has them (the compiled-in table is then 'lanes' from LANES_MIN_MODES modes on, still
 * reported as 'inline' here: compiled per field).
 */
export function chooseModeTable(modes: number, particleSteps: number, uniformCompiled = false, subgroups = false, noOpt = false): ModeTableCost {
  const c = LAVAPIPE_COST;
  const [compile, step] = optFactors(noOpt);
  const inline = compile * inlineCompileSeconds(modes, subgroups) + (step * particleSteps * modes) / c.inlineModeEvaluationsPerSecond;
  const uniform = (uniformCompiled ? 0 : compile * c.uniformCompileSeconds) + (step * particleSteps * modes) / c.uniformModeEvaluationsPerSecond;
  return inline <= uniform ? { table: 'inline', seconds: inline, otherSeconds: uniform } : { table: 'uniform', seconds: uniform, otherSeconds: inline };
}

/**
 * Estimated seconds of a whole run on lavapipe, with the mode-table form each realization takes;
 * `noOpt`: with LLVM's optimization passes off (LAVAPIPE_COST.noOpt).
 */
export function lavapipeSeconds(w: WorkloadEstimate, subgroups = false, noOpt = false): { seconds: number; detail: string } {
  const c = LAVAPIPE_COST;
  const [compile, step] = optFactors(noOpt);
  if (w.modes > 0) {
    const first = chooseModeTable(w.modes, w.particleSteps, false, subgroups, noOpt);
    const rest = chooseModeTable(w.modes, w.particleSteps, first.table === 'uniform', subgroups, noOpt);
    const seconds = c.startSeconds + first.seconds + (w.fields - 1) * rest.seconds;
    const form = compiledForm(w.modes, subgroups) === 'lanes' ? 'a lanes kernel' : 'an inline kernel';
    const compiled = first.table === 'inline' ? `${form} per realization, ~${(compile * inlineCompileSeconds(w.modes, subgroups)).toFixed(1)} s to compile each` : 'the uniform-buffer kernel';
    return { seconds, detail: `${w.modes} modes: ${compiled}${noOpt ? ', quick compile' : ''}` };
  }
  // a step costs about one grid sample per grid (the sampling dominates the grid kernel)
  const grids = w.gridN > 0 ? (w.grids ?? 1) : 1;
  const seconds = c.startSeconds + compile * c.otherCompileSeconds + (step * w.fields * w.particleSteps * grids) / c.gridStepsPerSecond;
  const what = w.gridN > 0 ? (grids > 1 ? `${grids} nested grids, the first ${w.gridN}³` : `grid ${w.gridN}³`) : 'B0 only';
  return { seconds, detail: `${what}${noOpt ? ', quick compile' : ''}` };
}

/**
 * Whether a run compiles faster than it steps enough to be better off with LLVM's optimization
 * passes skipped (GALLIVM_PERF=nopt): small runs, where compiling is most of the time.
 */
export function prefersQuickCompile(w: WorkloadEstimate, subgroups = false): boolean {
  return lavapipeSeconds(w, subgroups, true).seconds < lavapipeSeconds(w, subgroups, false).seconds;
}
