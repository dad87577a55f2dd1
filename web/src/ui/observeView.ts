/**
 * The observatory view on the page: the selector (presets, joint views such as HAWC + IceCube,
 * events, seed), and per view (an observatory, or one joint reconstruction of several)
 * its observed map (the engine's raster, the field of view's declination limits outlined), the
 * dipole of every method next to the input's, and its downloads; one plot of every pseudo-C_l
 * and full-sky estimate next to the simulated map's C_l. The engine (engine/observatories.ts)
 * computes; this only draws, a few ms per message. The body's data attributes say what is shown
 * (observe-status, observed, observed-realizations, -events, -seed), and each dipole table carries its numbers
 * at full precision in data-dipoles.
 */
import { OBSERVATORY_NAMES, OBSERVATORY_PRESETS } from '../../../src/core.ts';
import type { DipoleEstimate, ObservedFile, ObservedStatus, ObservedSummary } from '../engine/protocol.ts';
import { drawSpectraPlot, type PlotSeries } from './clPlot.ts';
import { formatValue, MapCanvas } from './mapCanvas.ts';
import { JOINT_CHOICES, parseEvents, parseEventSeed, type ObserveSettings } from './params.ts';

/** The panels' grid, CSS pixels (style.css: #obspanels). */
const PANELS_MAX_WIDTH = 900;
const PANEL_MIN_WIDTH = 360;
const PANEL_GAP = 16;

/** Okabe–Ito colours, one per preset (colour-blind safe); joint views take the others in turn. */
const COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7', '#D55E00', '#0072B2'];
const JOINT_COLOURS = ['#882255', '#555555', '#999933'];

/** The members of a view: ["hawc"] for a preset, ["hawc", "icecube"] for the joint view "hawc+icecube". */
function members(name: string): string[] {
  return name.split('+');
}

/**
 * "HAWC" of "HAWC, Sierra Negra (Mexico); ...": the name before the first comma or parenthesis;
 * "HAWC + IceCube (joint)" for a joint view.
 */
export function displayName(name: string): string {
  const m = members(name);
  if (m.length > 1) return `${m.map(displayName).join(' + ')} (joint)`;
  const d = OBSERVATORY_PRESETS[name]?.description ?? name;
  return d.split(/,| \(/)[0].trim();
}

/** α1 in [0, 360) to 0.1°, as `crsky observe` prints it. */
function phase(alphaDeg: number): string {
  return `${((((Math.round(alphaDeg * 10) / 10) % 360) + 360) % 360).toFixed(1)}°`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

interface Panel {
  readonly root: HTMLElement;
  readonly info: HTMLElement;
  readonly map: MapCanvas;
  readonly table: HTMLTableElement;
  shown: ObservedSummary | null;
}

export interface ObserveViewHooks {
  /** The settings changed (the page updates its URL and asks the engine). */
  changed(settings: ObserveSettings): void;
  download(what: ObservedFile, observatory: string): void;
}

export class ObserveView {
  private readonly panels = new Map<string, Panel>();
  private status: ObservedStatus | null = null;

  constructor(
    private settings: ObserveSettings,
    private readonly els: { readonly choices: HTMLElement; readonly events: HTMLInputElement; readonly seed: HTMLInputElement; readonly problem: HTMLElement; readonly status: HTMLElement; readonly panels: HTMLElement; readonly plot: HTMLCanvasElement },
    private readonly hooks: ObserveViewHooks,
  ) {
    // the presets, the joint views offered, and any other joint view the URL names (validated by params.ts)
    const joints = [...JOINT_CHOICES, ...settings.observatories.filter((n) => n.includes('+') && !JOINT_CHOICES.includes(n))];
    [...OBSERVATORY_NAMES, ...joints].forEach((name) => {
      const presets = members(name).map((n) => OBSERVATORY_PRESETS[n]);
      const box = el('input', { type: 'checkbox', name: 'observatory', value: name, checked: settings.observatories.includes(name) });
      box.addEventListener('change', () => this.selectionChanged());
      const unverified = presets.every((p) => p.verified) ? '' : ' (unverified)';
      const title = presets.length > 1 ? `one joint maximum-likelihood reconstruction of ${presets.map((p) => p.observatory.name).join(' and ')} on the union of their fields of view (crsky observe --observatory ${name})` : presets[0].description;
      els.choices.append(el('label', { title }, box, ` ${displayName(name)}${unverified}`));
      this.panels.set(name, this.makePanel(name));
    });
    els.events.value = settings.events === null ? '' : String(settings.events);
    els.seed.value = String(settings.seed);
    els.events.addEventListener('change', () => this.numbersChanged());
    els.seed.addEventListener('change', () => this.numbersChanged());
  }

  get current(): ObserveSettings {
    return this.settings;
  }

  /**
   * Raster size for the panels' maps, device pixels: two columns when two or more observatories
   * are chosen and the space allows, else one (the grid is set here, so the size is known before
   * the panels show).
   */
  rasterSize(): { width: number; height: number } {
    const scale = Math.min(2, window.devicePixelRatio || 1);
    const space = Math.min(this.els.panels.clientWidth || 720, PANELS_MAX_WIDTH);
    const columns = this.settings.observatories.length >= 2 && space >= 2 * PANEL_MIN_WIDTH + PANEL_GAP ? 2 : 1;
    this.els.panels.style.gridTemplateColumns = `repeat(${columns}, minmax(0, 1fr))`;
    const width = Math.max(200, Math.round(((space - (columns - 1) * PANEL_GAP) / columns) * scale));
    return { width, height: Math.round(width / 2) };
  }

  private makePanel(name: string): Panel {
    const presets = members(name).map((n) => OBSERVATORY_PRESETS[n]);
    const where = (o: (typeof presets)[number]['observatory']) => `Φ = ${o.latitudeDeg}°, θ_max = ${o.zenithMaxDeg}°`;
    const site = presets.length > 1 ? presets.map((p) => `${displayName(p.observatory.name)}: ${where(p.observatory)}`).join('; ') : where(presets[0].observatory);
    const title = el('h3', {}, displayName(name), ' ', el('small', {}, site));
    const note = presets.filter((p) => !p.verified).map((p) => el('p', { className: 'obsnote' }, `note: ${p.observatory.name}: ${p.sources.latitude}; ${p.sources.zenithMax}`));
    const info = el('p', { className: 'obsinfo' });
    const canvas = el('canvas', { className: 'obsmap', width: 720, height: 416 });
    const readout = el('p', { className: 'readout' });
    const table = el('table', { className: 'dipoles' });
    const buttons = el('div', { className: 'buttons downloads' });
    for (const [what, text] of [['fits', 'map FITS'], ['cl', 'C_l CSV'], ['dipoles', 'dipoles CSV']] as const) {
      const b = el('button', { type: 'button', textContent: text });
      b.dataset.file = what;
      b.addEventListener('click', () => this.hooks.download(what, name));
      buttons.append(b);
    }
    const root = el('div', { className: 'obspanel', hidden: true }, title, ...note, info, canvas, readout, table, buttons);
    root.dataset.observatory = name;
    this.els.panels.append(root);
    return { root, info, map: new MapCanvas(canvas, readout), table, shown: null };
  }

  /** The first drawing of each canvas, at load (its set-up would otherwise land in a task mid-run). */
  warmUp(): void {
    for (const p of this.panels.values()) {
      const width = 64, height = 32;
      p.map.draw({ width, height, values: new Float32Array(width * height), rgba: new Uint8ClampedArray(4 * width * height), range: 1, title: '', frame: 'equatorial', outlineLatsDeg: [0] });
    }
    drawSpectraPlot(this.els.plot, 0, [], '');
  }

  private selectionChanged(): void {
    const boxes = Array.from(this.els.choices.querySelectorAll<HTMLInputElement>('input[name="observatory"]'));
    this.settings = { ...this.settings, observatories: boxes.filter((b) => b.checked).map((b) => b.value) };
    this.hooks.changed(this.settings);
  }

  private numbersChanged(): void {
    const events = parseEvents(this.els.events.value);
    const seed = parseEventSeed(this.els.seed.value);
    const problems = [events !== null && typeof events === 'object' ? `events: ${events.problem}` : '', typeof seed === 'object' ? `seed: ${seed.problem}` : ''].filter(Boolean);
    this.els.problem.textContent = problems.join('; ');
    if (problems.length) return;
    this.settings = { ...this.settings, events: events as number | null, seed: seed as number };
    this.hooks.changed(this.settings);
  }

  onStatus(s: ObservedStatus): void {
    this.status = s;
    const body = document.body.dataset;
    body.observeStatus = s.status;
    body.observedRealizations = String(s.input.realizations);
    body.observedEvents = s.events === null ? 'none' : String(s.events);
    body.observedSeed = String(s.seed);
    for (const [name, p] of this.panels) {
      p.root.hidden = !s.observatories.includes(name) || s.status === 'galactic' || s.status === 'waiting';
      p.root.classList.toggle('stale', p.shown?.version !== s.version);
    }
    const names = s.observatories.map(displayName).join(', ');
    const text: Record<ObservedStatus['status'], string> = {
      none: 'Choose one or more observatories: the page then puts the ensemble-mean map through each, as crsky observe does.',
      waiting: s.message,
      galactic: s.message,
      observing: `${s.message} (${s.input.title}, ${s.input.label})`,
      ready: `${names}: what ${s.observatories.length > 1 ? 'they' : 'it'} would report of the ensemble mean (${s.input.title}, ${s.input.label}); observed again whenever a realization finishes.`,
      error: `observation failed: ${s.message}`,
    };
    this.els.status.textContent = text[s.status];
    this.els.status.classList.toggle('problem', s.status === 'galactic' || s.status === 'error');
    this.markObserved();
    this.plot();
  }

  onObservation(o: ObservedSummary): void {
    if (o.version !== this.status?.version) return; // an older map or request
    const p = this.panels.get(o.name);
    if (!p) return;
    p.shown = o;
    p.root.classList.remove('stale');
    const f = o.fieldOfView;
    const perDetector = o.joint ? `${o.detectors.map((d) => `${d.name} ${d.totalEvents.toExponential(3)}`).join(', ')}; ` : '';
    const noise = o.poisson ? `${o.totalEvents.toExponential(3)} Poisson events (${perDetector}noise N = ${formatValue(o.spectrum.noiseEq31)}, Eq. 31)` : 'no noise (expected counts)';
    const bands = f.bands.map((b) => `${b.decMinDeg.toFixed(1)}° < δ < ${b.decMaxDeg.toFixed(1)}°`).join(' and ');
    const fov = o.joint ? `FOV the union of ${o.detectors.map((d) => displayName(d.name)).join(' and ')}'s, ${bands}` : `FOV ${bands}`;
    const method = o.joint ? 'one joint maximum likelihood of every detector\'s counts (each its own rates and acceptance)' : 'maximum likelihood';
    p.info.textContent = `${fov} (dashed; f_sky ${f.fsky.toFixed(3)}), N_side ${o.nside}, ${o.nTimes} sidereal steps, ${noise}; relative intensity by ${method} (${o.mlIterations} updates), each declination ring normalized (a_l0 = 0), equatorial coordinates.`;
    p.map.draw(o.raster);
    this.dipoleTable(p.table, o);
    this.markObserved();
    this.plot();
  }

  private dipoleTable(table: HTMLTableElement, o: ObservedSummary): void {
    const d = o.dipoles;
    const rows: [string, DipoleEstimate][] = [
      ['input map (full sky)', d.input],
      ['RA projection, Eq. 24 (as reported)', d.raReported],
      [`RA projection ÷ ${d.raFactor.toFixed(3)} (Eq. 25)`, d.raRescaled],
      ['K′-corrected, Eq. 27–28', d.kPrime],
      // per detector: the method works in a detector's local frame on its own counts
      ...d.eastWest.map((ew): [string, DipoleEstimate] => [o.joint ? `East–West, Eq. 20–23 (${displayName(ew.detector)} alone)` : 'East–West, Eq. 20–23', ew]),
      ['K′ on direct integration', d.kPrimeDirect],
    ];
    const head = el('tr', {}, el('th', {}, o.joint ? 'dipole (joint maximum likelihood, union of the fields of view)' : 'dipole (maximum likelihood)'), el('th', {}, 'A1'), el('th', {}, 'α1'), el('th', {}, '÷ input'));
    table.replaceChildren(
      el('thead', {}, head),
      el('tbody', {}, ...rows.map(([label, v]) => el('tr', {}, el('td', {}, label), el('td', {}, formatValue(v.a1)), el('td', {}, phase(v.alpha1Deg)), el('td', {}, (v.a1 / d.input.a1).toFixed(3))))),
    );
    table.dataset.dipoles = JSON.stringify(d);
  }

  private markObserved(): void {
    const s = this.status;
    document.body.dataset.observed = s ? s.observatories.filter((n) => this.panels.get(n)?.shown?.version === s.version).join(',') : '';
  }

  /** Every shown observatory's pseudo-C_l and full-sky estimate, and the simulated map's C_l. */
  plot(): void {
    const s = this.status;
    const shown = s ? s.observatories.flatMap((n) => (this.panels.get(n)?.shown?.version === s.version ? [this.panels.get(n)!.shown!] : [])) : [];
    const series: PlotSeries[] = [];
    if (shown.length) series.push({ values: shown[0].spectrum.inputCl, colour: '#111', kind: 'dot', label: 'simulated: mean map, full sky' });
    for (const o of shown) {
      const preset = OBSERVATORY_NAMES.indexOf(o.name);
      const colour = preset >= 0 ? COLOURS[preset % COLOURS.length] : JOINT_COLOURS[Array.from(this.panels.keys()).filter((n) => n.includes('+')).indexOf(o.name) % JOINT_COLOURS.length];
      const name = displayName(o.name);
      series.push({ values: o.spectrum.pseudoCl, colour, kind: 'line', width: 1.6, label: `${name}: pseudo-C_l` });
      series.push({ values: o.spectrum.fullSky, colour, kind: 'square', label: `${name}: full sky, Eq. 30${o.spectrum.binWidth > 1 ? ` (bins of ${o.spectrum.binWidth})` : ''}` });
      if (o.poisson) series.push({ values: o.spectrum.noise, colour, kind: 'dashed', width: 1, label: `${name}: noise N_l` });
    }
    const lmax = shown.reduce((a, o) => Math.max(a, o.spectrum.lmax), 0);
    this.els.plot.hidden = !s || s.observatories.length === 0 || s.status === 'galactic';
    drawSpectraPlot(this.els.plot, lmax, series, 'the observed spectra appear here when the first observation has finished');
  }
}
