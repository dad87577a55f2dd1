/**
 * The page's simulation: the pipeline's own makePlan / runRealization / combineRealizations on
 * the tracker backends.ts opens, as a queue of jobs (the sky-forming stages of realization 0,
 * then each realization's full job), with the state the page shows: stage maps and C_l, the
 * ensemble mean maps and <C_l>, progress and rate. Runs in a dedicated worker (worker.ts) or,
 * where a worker cannot reach the GPU, in the page itself; it only ever talks through `post`.
 *
 * Pause aborts the running job (trackers stop between draws or dispatches and stay usable) and
 * keeps everything finished; resume starts that one job again from t = 0. Every job is a pure
 * function of the config and seed, so a paused run ends exactly where an uninterrupted one does.
 */
import {
  combineRealizations,
  encodeHealpixFits,
  formatCsv,
  intensityMapFits,
  makePlan,
  resolveConfig,
  runRealization,
  type BackendName,
  type Config,
  type EnsembleProducts,
  type JsonObject,
  type RealizationResult,
  type RunPlan,
  type Tracker,
  type TrackProgress,
} from '../../../src/core.ts';
import { openTracker } from './backends.ts';
import { ObservatoryView, type ObservedInput } from './observatories.ts';
import type { BackendRequest, EngineState, EnsembleSpectrum, FromEngine, StageSpectrum, ToEngine, ViewOptions } from './protocol.ts';
import { formatNumber, fullLengthPc, skyFormingStages, type Stage } from './stages.ts';
import { rasterize } from './view.ts';

export type Post = (message: FromEngine, transfer?: Transferable[]) => void;

interface Job {
  readonly plan: RunPlan;
  readonly realization: number;
  /** The stage, or null for a realization's full job. */
  readonly stage: Stage | null;
  readonly lengthPc: number;
}

interface StageResult {
  readonly spectrum: StageSpectrum;
  readonly map: Float64Array;
}

/** Progress messages at most this often, ms. */
const PROGRESS_EVERY_MS = 200;

export class Engine {
  private state: EngineState = 'idle';
  private config: Config | null = null;
  private plan: RunPlan | null = null;
  private stages: Stage[] = [];
  private stageResults: StageResult[] = [];
  private results: RealizationResult[] = [];
  private ensemble: EnsembleProducts | null = null;
  private tracker: Tracker | null = null;
  private backend: BackendName | null = null;
  private controller: AbortController | null = null;
  private view: ViewOptions = { source: 'auto', frame: 'equatorial', removeDipole: false, smoothDeg: 0, width: 720, height: 360 };
  /** Bumped by start and reset: a loop of an earlier run stops at its next check. */
  private generation = 0;
  private lastProgress = 0;
  /** The running job's first progress report: the rate counts from there (after field and kernel set-up). */
  private firstReport: { job: Job; at: number; steps: number } | null = null;
  private lastRate = 0;

  /** The observatory view of the ensemble mean (observatories.ts). */
  private readonly observatories: ObservatoryView;

  constructor(private readonly post: Post) {
    this.observatories = new ObservatoryView(post, (snapshot) => this.observedInput(snapshot));
  }

  async handle(msg: ToEngine): Promise<void> {
    try {
      switch (msg.type) {
        case 'start':
          await this.start(msg.config, msg.backend);
          return;
        case 'pause':
          if (this.state !== 'running') return;
          this.setState('paused');
          this.controller?.abort(new DOMException('paused', 'AbortError'));
          return;
        case 'resume':
          if (this.state !== 'paused') return;
          await this.loop(this.generation);
          return;
        case 'reset':
          this.generation++;
          this.controller?.abort(new DOMException('reset', 'AbortError'));
          this.clearRun();
          this.setState('idle');
          this.postSpectra();
          this.observatories.mapChanged();
          return;
        case 'view':
          this.view = msg.view;
          this.postRaster();
          return;
        case 'export':
          this.export(msg.id, msg.what, msg.snapshot);
          return;
        case 'observe':
          this.observatories.setRequest(msg.request);
          return;
        case 'export-observed': {
          const file = this.observatories.file(msg.what, msg.observatory);
          if (typeof file === 'string') this.post({ type: 'failed', id: msg.id, message: file });
          else this.post({ type: 'export', id: msg.id, ...file });
          return;
        }
      }
    } catch (e) {
      this.setState('error', e instanceof Error ? e.message : String(e));
    }
  }

  private clearRun(): void {
    this.config = null;
    this.plan = null;
    this.stages = [];
    this.stageResults = [];
    this.results = [];
    this.ensemble = null;
  }

  private setState(state: EngineState, message?: string): void {
    this.state = state;
    this.post({ type: 'state', state, ...(message !== undefined ? { message } : {}) });
  }

  private async start(input: JsonObject, request: BackendRequest): Promise<void> {
    const generation = ++this.generation;
    this.controller?.abort(new DOMException('restarted', 'AbortError'));
    this.clearRun();
    // the page sends a complete config; resolving it again validates it here too
    const { config } = resolveConfig({ config: input });
    this.config = config;
    this.plan = makePlan(config);
    this.stages = skyFormingStages(config);
    this.postSpectra();
    this.observatories.mapChanged();
    // gpujs runs plane waves only: a grid config (one grid or nested grids) opens the next backend of the chain
    const grid = config.field.turbulence.brmsUG > 0 && config.field.turbulence.method !== 'modes';
    if (!this.tracker || (request !== 'auto' && request !== this.backend) || (this.backend === 'gpujs' && grid)) {
      this.setState('opening');
      await this.tracker?.dispose();
      this.tracker = null;
      const opened = await openTracker(request, config);
      if (generation !== this.generation) {
        await opened.tracker.dispose();
        return;
      }
      this.tracker = opened.tracker;
      this.backend = opened.tracker.backend;
      this.post({ type: 'backend', backend: opened.tracker.backend, device: opened.tracker.device, reason: opened.reason });
    }
    await this.loop(generation);
  }

  /** The next job: the next stage of realization 0, else the next realization's full job. */
  private nextJob(): Job | null {
    const plan = this.plan!;
    if (this.results.length === 0 && this.stageResults.length < this.stages.length) {
      const stage = this.stages[this.stageResults.length];
      return { plan: stage.plan, realization: 0, stage, lengthPc: stage.lengthPc };
    }
    const r = this.results.length;
    return r < plan.config.realizations ? { plan, realization: r, stage: null, lengthPc: fullLengthPc(plan) } : null;
  }

  /** Path length of all jobs, and of those finished, pc: the run's progress. */
  private work(): { total: number; done: number } {
    const full = fullLengthPc(this.plan!);
    const stages = this.stages.reduce((a, s) => a + s.lengthPc, 0);
    const done = this.stageResults.reduce((a, s, i) => a + this.stages[i].lengthPc, 0) + this.results.length * full;
    return { total: stages + this.plan!.config.realizations * full, done };
  }

  private async loop(generation: number): Promise<void> {
    this.setState('running');
    while (generation === this.generation && this.state === 'running') {
      const job = this.nextJob();
      if (!job) {
        this.setState('done');
        return;
      }
      const controller = new AbortController();
      this.controller = controller;
      const started = performance.now();
      let result: RealizationResult;
      try {
        result = await runRealization(job.plan, this.tracker!, job.realization, {
          signal: controller.signal,
          onProgress: (p) => this.progress(job, p, started),
        });
      } catch (e) {
        if (controller.signal.aborted) return; // paused, reset or restarted: the job is dropped
        throw e;
      }
      if (generation !== this.generation) return;
      this.finish(job, result);
      this.progress(job, { fraction: 1, particleSteps: result.record.particleSteps }, started, true, true);
    }
  }

  private finish(job: Job, result: RealizationResult): void {
    const plan = this.plan!;
    if (job.stage) {
      const m = result.record.maps[0];
      this.stageResults.push({ map: result.maps[0], spectrum: { omegaT: job.stage.omegaT, radiusPc: job.stage.radiusPc, label: job.stage.label, cl: m.cl, noise: m.noiseShuffled } });
    } else {
      this.results.push(result);
      const byIndex = new Map(this.results.map((r) => [r.record.index, r]));
      this.ensemble = combineRealizations(
        plan,
        this.results.map((r) => r.record),
        (rec, m) => byIndex.get(rec.index)!.maps[m],
      );
    }
    this.postSpectra();
    this.postRaster();
    // a new ensemble mean: observe it (after this task, between the tracker's)
    if (!job.stage) this.observatories.mapChanged();
  }

  /** `finished`: the job is already counted as done (finish() ran). */
  private progress(job: Job, p: TrackProgress, started: number, force = false, finished = false): void {
    const now = performance.now();
    if (this.firstReport?.job !== job) this.firstReport = { job, at: now, steps: p.particleSteps };
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    const plan = this.plan!;
    const { total, done } = this.work();
    const realizations = plan.config.realizations;
    const sphere = plan.config.liouville.model === 'sphere';
    const reach = job.stage ? job.stage.lengthPc : fullLengthPc(plan);
    const omegaT = sphere ? NaN : (p.fraction * reach) / plan.gyroradiusPc;
    const what = job.stage
      ? `sky-forming stage ${this.stageResults.length + 1}/${this.stages.length} (${job.stage.label}) of realization 1`
      : `realization ${job.realization + 1}/${realizations}${sphere ? '' : `, Ω·T up to ${formatNumber(reach / plan.gyroradiusPc)}`}`;
    // the tracker's own pace: from its first report on (set-up and the first draw or dispatch,
    // which compiles, excluded), else from the job's start
    const first = this.firstReport;
    const since = first.at < now && p.particleSteps > first.steps ? first : { at: started, steps: 0 };
    // a finished job's report comes after its analysis: keep the tracking rate
    if (!finished) this.lastRate = (p.particleSteps - since.steps) / ((now - since.at) / 1000);
    const rate = this.lastRate;
    this.post({
      type: 'progress',
      progress: {
        omegaT,
        job: what,
        realizationsDone: this.results.length,
        realizations,
        fraction: (done + (finished ? 0 : p.fraction * job.lengthPc)) / total,
        particleSteps: p.particleSteps,
        stepsPerSecond: Number.isFinite(rate) ? rate : 0,
      },
    });
  }

  private ensembleSpectra(): EnsembleSpectrum[] {
    if (!this.ensemble) return [];
    return this.ensemble.maps.map((e) => ({
      label: e.spec.label,
      omegaT: Number.isFinite(e.spec.omegaT) ? e.spec.omegaT : null,
      realizations: e.summary.realizations,
      mean: Array.from(e.cl.mean),
      stderr: Array.from(e.cl.stderr),
      clHat: Array.from(e.cl.cl_hat),
      error: Array.from(e.cl.error),
      noise: e.summary.noise,
    }));
  }

  /** Realization 0's C_l: the stages, then its full job's snapshots (the growth curve). */
  private stageSpectra(): StageSpectrum[] {
    const own = this.results.find((r) => r.record.index === 0);
    const full: StageSpectrum[] = own
      ? own.record.maps.map((m, i) => ({
          omegaT: m.omegaT ?? NaN,
          radiusPc: m.omegaT === null ? (this.plan!.config.tracking.sphereRadiusPc ?? NaN) : NaN,
          label: this.plan!.maps[i].omegaT > 0 ? `Ω·T = ${formatNumber(this.plan!.maps[i].omegaT)}` : `R = ${formatNumber(this.plan!.config.tracking.sphereRadiusPc ?? NaN)} pc`,
          cl: m.cl,
          noise: m.noiseShuffled,
        }))
      : [];
    // in the order of the time (or sphere radius) they reach: the growth curve
    const reach = (s: StageSpectrum) => (Number.isFinite(s.omegaT) ? s.omegaT : s.radiusPc);
    return [...this.stageResults.map((s) => s.spectrum), ...full].sort((a, b) => reach(a) - reach(b));
  }

  private postSpectra(): void {
    this.post({ type: 'spectra', lmax: this.plan?.lmax ?? 0, stages: this.stageSpectra(), ensemble: this.ensembleSpectra() });
  }

  /** The ensemble mean of a snapshot for the observatory view. */
  private observedInput(snapshot: number | 'last'): ObservedInput | null {
    const plan = this.plan;
    if (!plan) return null;
    if (!this.ensemble) return { frame: plan.frame, mean: null };
    const maps = this.ensemble.maps;
    const e = maps[snapshot === 'last' ? maps.length - 1 : Math.max(0, Math.min(snapshot, maps.length - 1))];
    return { frame: plan.frame, mean: { map: e.mean, label: e.spec.label, realizations: e.summary.realizations, title: this.meanTitle(plan, e) } };
  }

  /** "mean of 2 realizations, Ω·T = 50": what an ensemble-mean map is. */
  private meanTitle(plan: RunPlan, e: EnsembleProducts['maps'][number]): string {
    const n = e.summary.realizations;
    const when = Number.isFinite(e.spec.omegaT) ? `Ω·T = ${formatNumber(e.spec.omegaT)}` : `sphere R = ${formatNumber(plan.config.tracking.sphereRadiusPc ?? NaN)} pc`;
    return `${n === 1 ? 'realization 1' : `mean of ${n} realizations`}, ${when}`;
  }

  /** The map the view asks for, and what it is. */
  private shownMap(): { map: Float64Array; title: string } | null {
    const plan = this.plan;
    if (!plan) return null;
    const source = this.view.source;
    const latestStage = this.stageResults[this.stageResults.length - 1];
    if (this.ensemble && source !== 'stage') {
      const m = typeof source === 'number' ? Math.min(source, this.ensemble.maps.length - 1) : this.ensemble.maps.length - 1;
      const e = this.ensemble.maps[m];
      return { map: e.mean, title: this.meanTitle(plan, e) };
    }
    if (latestStage) return { map: latestStage.map, title: `realization 1, ${latestStage.spectrum.label} (sky-forming stage)` };
    return null;
  }

  private postRaster(): void {
    const shown = this.shownMap();
    if (!shown || !this.plan) return;
    const what = [shown.title, this.view.removeDipole ? 'l ≤ 1 removed' : 'δI = I − ⟨I⟩', this.view.smoothDeg > 0 ? `${formatNumber(this.view.smoothDeg)}° top-hat` : ''].filter(Boolean).join(', ');
    const raster = rasterize(shown.map, this.plan.frame, this.view, what);
    this.post({ type: 'raster', raster }, [raster.values.buffer, raster.rgba.buffer]);
  }

  private export(id: number, what: 'fits' | 'csv', snapshot: number): void {
    const plan = this.plan;
    if (!plan || !this.ensemble || this.results.length === 0) {
      this.post({ type: 'failed', id, message: 'nothing to download yet: the first realization has not finished' });
      return;
    }
    const e = this.ensemble.maps[Math.min(Math.max(0, snapshot), this.ensemble.maps.length - 1)];
    const n = this.results.length;
    if (what === 'fits') {
      const bytes = encodeHealpixFits(intensityMapFits(plan, -1, e.spec, this.results[0].field.summary, e.mean));
      this.post({ type: 'export', id, name: `crsky_mean_${e.spec.label}.fits`, mime: 'application/fits', data: bytes.slice().buffer }, []);
      return;
    }
    const comments = [
      `crsky web: ${e.spec.label}, ${n} realizations, N_side ${plan.nside}, ${plan.perPixel} particles/pixel, backend ${this.backend}`,
      Number.isFinite(e.spec.timePc) ? `time_pc=${e.spec.timePc} omega_t=${e.spec.omegaT}` : `sphere_pc=${plan.config.tracking.sphereRadiusPc}`,
      'columns as in crsky simulate cl_<label>.csv (README "Outputs of a run")',
    ];
    this.post({ type: 'export', id, name: `crsky_cl_${e.spec.label}.csv`, mime: 'text/csv', data: formatCsv({ ...e.cl }, comments) });
  }
}
