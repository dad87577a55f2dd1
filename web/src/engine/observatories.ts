/**
 * The engine's observatory view: the ensemble-mean map of a snapshot put through the chosen
 * presets by `observeSky` (src/pipeline/observe.ts), exactly as `crsky observe <run dir>
 * --observatory NAME [--events N --seed S]` runs it (NAME a preset, or "a+b": one joint view) with its defaults (analysis N_side
 * min(map, 64), 4·N_side sidereal steps, at most 100 maximum-likelihood updates). It runs when
 * the page changes the request and when a realization finishes (the ensemble mean changes only
 * then; the sky-forming stages do not touch it). One observatory per task: the engine handles
 * the page's messages (pause, view) between them, and a newer map or request drops the rest.
 * Results are cached per map and (observatory, events, seed), so toggling one observatory does
 * not redo the others.
 */
import {
  encodeHealpixFits,
  formatCsv,
  observeSky,
  observedClTable,
  observedDipolesTable,
  observedMapFits,
  OBSERVATORY_PRESETS,
  type Frame,
  type Observation,
} from '../../../src/core.ts';
import type { Post } from './engine.ts';
import type { ObservedFile, ObservedStatus, ObservedSummary, ObserveRequest } from './protocol.ts';
import { rasterizeObserved } from './view.ts';

/** The map the view observes, as the engine has it now. */
export interface ObservedInput {
  readonly frame: Frame;
  /** The ensemble mean of the snapshot, or null before the first realization has finished. */
  readonly mean: { readonly map: Float64Array; readonly label: string; readonly realizations: number; readonly title: string } | null;
}

/** `crsky observe`'s default analysis N_side: min(map N_side, 64). */
export const OBSERVE_NSIDE_MAX = 64;

export class ObservatoryView {
  private request: ObserveRequest = { observatories: [], events: null, seed: 1, snapshot: 'last', width: 720, height: 360 };
  private version = 0;
  /** Observations of `cachedMap`, by observatory, events and seed. */
  private readonly cache = new Map<string, Observation>();
  private cachedMap: Float64Array | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly post: Post,
    /** The run's map of a snapshot, or null when no run is loaded. */
    private readonly input: (snapshot: number | 'last') => ObservedInput | null,
  ) {}

  setRequest(request: ObserveRequest): void {
    this.request = request;
    this.update();
  }

  /** The ensemble changed: a realization finished, or a run started or was reset. */
  mapChanged(): void {
    this.update();
  }

  private key(name: string): string {
    return `${name}|${this.request.events ?? 'none'}|${this.request.seed}`;
  }

  private update(): void {
    const version = ++this.version;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const r = this.request;
    const run = this.input(r.snapshot);
    const mean = run?.mean ?? null;
    if (mean && mean.map !== this.cachedMap) {
      this.cache.clear();
      this.cachedMap = mean.map;
    }
    const status = (s: ObservedStatus['status'], message: string) =>
      this.post({ type: 'observed', observed: { status: s, message, version, observatories: r.observatories, events: r.events, seed: r.seed, input: mean ? { label: mean.label, realizations: mean.realizations, title: mean.title } : { label: '', realizations: 0, title: '' } } });
    if (r.observatories.length === 0) return status('none', '');
    if (run?.frame === 'galactic') {
      return status('galactic', 'observatories need the equatorial map: this run\'s maps are galactic (particles.frame = galactic). Set the map frame to equatorial and Start again; crsky observe refuses galactic maps too.');
    }
    if (!mean) return status('waiting', 'the view observes the ensemble-mean map: it appears when the first realization has finished');
    const todo = r.observatories.filter((n) => !this.cache.has(this.key(n)));
    status(todo.length ? 'observing' : 'ready', todo.length ? `observing with ${todo.join(', ')} …` : '');
    for (const n of r.observatories) {
      const o = this.cache.get(this.key(n));
      if (o) this.send(o, version, mean.title);
    }
    if (todo.length) this.timer = setTimeout(() => this.step(version, mean.map, mean.title, status), 0);
  }

  /** Observes the next observatory not yet cached, then yields to the engine's messages. */
  private step(version: number, map: Float64Array, title: string, status: (s: ObservedStatus['status'], message: string) => void): void {
    this.timer = null;
    if (version !== this.version) return;
    const r = this.request;
    const next = r.observatories.find((n) => !this.cache.has(this.key(n)));
    if (next === undefined) return status('ready', '');
    let observation: Observation;
    try {
      // "a+b": one joint view of its members (crsky observe --observatory a+b)
      const members = next.split('+').map((n) => {
        const preset = OBSERVATORY_PRESETS[n];
        if (!preset) throw new Error(`unknown observatory ${n}`);
        return preset.observatory;
      });
      const nside = Math.min(Math.round(Math.sqrt(map.length / 12)), OBSERVE_NSIDE_MAX);
      observation = observeSky(map, [members.length > 1 ? members : members[0]], { nside, seed: r.seed, events: r.events ?? undefined }).observations[0];
    } catch (e) {
      return status('error', `${next}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.cache.set(this.key(next), observation);
    this.send(observation, version, title);
    const left = r.observatories.filter((n) => !this.cache.has(this.key(n)));
    if (left.length) status('observing', `observing with ${left.join(', ')} …`);
    this.timer = setTimeout(() => this.step(version, map, title, status), 0);
  }

  private send(o: Observation, version: number, title: string): void {
    const s = o.spectrum;
    const d = o.dipoles;
    const ml = d.raProjection.maximumLikelihood;
    const f = o.fieldOfView;
    const raster = rasterizeObserved(o.maximumLikelihood.intensity, o.mask, this.request, `${o.name}: ${title}`, f.bands.flatMap((b) => [b.decMinDeg, b.decMaxDeg]));
    const dip = (x: { readonly a1: number; readonly alpha1Deg: number }) => ({ a1: x.a1, alpha1Deg: x.alpha1Deg });
    const observation: ObservedSummary = {
      name: o.name,
      joint: o.joint,
      detectors: o.detectors.map((det) => ({ name: det.observatory.name, totalEvents: det.totalEvents })),
      version,
      nside: o.nside,
      nTimes: o.nTimes,
      fieldOfView: { decMinDeg: f.decMinDeg, decMaxDeg: f.decMaxDeg, bands: f.bands.map((b) => ({ ...b })), ringDecMinDeg: f.ringDecMinDeg, ringDecMaxDeg: f.ringDecMaxDeg, fsky: f.fsky },
      totalEvents: o.totalEvents,
      poisson: o.poisson,
      mlIterations: o.maximumLikelihood.iterations,
      spectrum: {
        lmax: s.lmax,
        pseudoCl: Array.from(s.pseudoCl),
        noise: Array.from(s.noise),
        fullSky: Array.from(s.fullSky.cl),
        binWidth: s.fullSky.binWidth,
        inputCl: Array.from(s.inputCl),
        noiseEq31: s.noiseEq31,
        noiseEq32: s.noiseEq32,
      },
      dipoles: {
        input: dip(d.input),
        raReported: { a1: ml.a1Projected, alpha1Deg: ml.alpha1Deg },
        raRescaled: { a1: ml.a1, alpha1Deg: ml.alpha1Deg },
        raFactor: ml.factor,
        kPrime: dip(d.kPrime.maximumLikelihood),
        eastWest: o.detectors.map((det) => ({ detector: det.observatory.name, ...dip(det.eastWest) })),
        kPrimeDirect: dip(d.kPrime.directIntegration),
      },
      raster,
    };
    this.post({ type: 'observation', observation }, [raster.values.buffer, raster.rgba.buffer]);
  }

  /** A download of the shown observation: observed.fits, cl.csv, or the dipole table. */
  file(what: ObservedFile, name: string): { name: string; mime: string; data: ArrayBuffer | string } | string {
    const o = this.cache.get(this.key(name));
    const mean = this.input(this.request.snapshot)?.mean;
    if (!o || !mean || mean.map !== this.cachedMap) return `nothing to download for ${name} yet: its observation has not finished`;
    const inputName = `crsky web [${mean.label}], mean of ${mean.realizations} realization${mean.realizations === 1 ? '' : 's'}`;
    const base = `crsky_${name}`;
    if (what === 'fits') return { name: `${base}_observed_${mean.label}.fits`, mime: 'application/fits', data: encodeHealpixFits(observedMapFits(o, inputName)).slice().buffer };
    const t = what === 'cl' ? observedClTable(o, inputName) : observedDipolesTable(o, inputName);
    return { name: `${base}_${what}_${mean.label}.csv`, mime: 'text/csv', data: formatCsv(t.columns, t.comments) };
  }
}
