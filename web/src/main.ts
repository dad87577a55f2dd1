/**
 * The page: settings from the URL (ui/params.ts) and the controls (ui/controls.ts) make a config;
 * the engine (a worker running the pipeline) tracks it and sends back stage and ensemble spectra,
 * rasters of the map, progress; this thread only draws them and offers the downloads.
 * On load the page starts the URL's config (default: the quick preset) at once.
 */
import { ConfigError, type Config, type Json } from '../../src/core.ts';
import type { EnsembleSpectrum, FromEngine, MapSource, StageSpectrum } from './engine/protocol.ts';
import { formatNumber } from './engine/stages.ts';
import { drawClPlot } from './ui/clPlot.ts';
import { connectEngine, type EngineClient } from './ui/client.ts';
import { renderControls, showProblem, SPECTRUM_PATH } from './ui/controls.ts';
import { saveFile } from './ui/download.ts';
import { MapCanvas } from './ui/mapCanvas.ts';
import { ObserveView } from './ui/observeView.ts';
import { configOf, settingsFromUrl, settingsToUrl, type PageSettings, type ViewSettings } from './ui/params.ts';

function $<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page: #${id} missing`);
  return e as T;
}

const parsed = settingsFromUrl(location.search);
let settings: PageSettings = parsed.settings;
let config: Config = configOf(settings.preset, settings.sets);
/** The config the engine runs (the controls may have moved on since Start). */
let running: Config = config;
let spectra: { lmax: number; stages: readonly StageSpectrum[]; ensemble: readonly EnsembleSpectrum[] } = { lmax: 0, stages: [], ensemble: [] };
let source: MapSource = 'auto';
let backend = '';
let nextExport = 1;
const body = document.body;
const map = new MapCanvas($<HTMLCanvasElement>('map'), $('readout'));
const observe = new ObserveView(
  settings.observe,
  {
    choices: $('observatories'),
    events: $<HTMLInputElement>('events'),
    seed: $<HTMLInputElement>('eventSeed'),
    problem: $('obsproblem'),
    status: $('obsstatus'),
    panels: $('obspanels'),
    plot: $<HTMLCanvasElement>('obscl'),
  },
  {
    changed(s) {
      settings = { ...settings, observe: s };
      updateUrl();
      requestObservation();
    },
    download(what, observatory) {
      const id = nextExport++;
      pending.set(id, `${observatory} ${what}`);
      engine.send({ type: 'export-observed', id, what, observatory });
    },
  },
);

function showMessages(lines: readonly string[]): void {
  const box = $('messages');
  box.replaceChildren(...lines.map((l) => Object.assign(document.createElement('li'), { textContent: l })));
  box.hidden = lines.length === 0;
}
showMessages(parsed.problems);

// ---------------------------------------------------------------------------------------------
// controls

function updateUrl(): void {
  history.replaceState(null, '', settingsToUrl(settings));
}

function render(): void {
  renderControls($('controls'), settings.preset, config, {
    change(path, value) {
      const sets = new Map(settings.sets);
      if (path === `${SPECTRUM_PATH}.kind`) {
        // a new kind replaces the whole spectrum (the other kind's fields must go)
        for (const k of [...sets.keys()]) if (k.startsWith(`${SPECTRUM_PATH}.`) || k === SPECTRUM_PATH) sets.delete(k);
        const s = config.field.turbulence.spectrum;
        const spectrum: Json = value === 'ahlers-mertsch' ? { kind: value, lMinPc: s.lMinPc, lMaxPc: s.lMaxPc, bendoverPc: 10, gamma: 11 / 3 } : { kind: String(value), lMinPc: s.lMinPc, lMaxPc: s.lMaxPc };
        sets.set(SPECTRUM_PATH, spectrum);
      } else sets.set(path, value);
      try {
        config = configOf(settings.preset, sets);
      } catch (e) {
        showProblem($('controls'), path, e instanceof ConfigError ? e.message : String(e));
        $<HTMLButtonElement>('start').disabled = true;
        return;
      }
      settings = { ...settings, sets };
      $<HTMLButtonElement>('start').disabled = false;
      updateUrl();
      render();
    },
    preset(name) {
      settings = { ...settings, preset: name, sets: new Map() };
      config = configOf(name, settings.sets);
      updateUrl();
      render();
    },
  });
}

// ---------------------------------------------------------------------------------------------
// engine

let engine: EngineClient;
/** Set once the engine has left a worker without WebGPU for the page (it does so only once). */
let movedToPage = false;

function viewSettings(): ViewSettings {
  return { frame: $<HTMLSelectElement>('frame').value === 'galactic' ? 'galactic' : 'equatorial', removeDipole: $<HTMLInputElement>('dipole').checked, smoothDeg: Math.max(0, Math.min(180, Number($<HTMLInputElement>('smooth').value) || 0)) };
}

function requestRaster(): void {
  const v = viewSettings();
  settings = { ...settings, view: v };
  updateUrl();
  engine.send({ type: 'view', view: { ...v, source, ...map.rasterSize() } });
}

/** The observatory view's request: the shown snapshot (else the last), at the map's raster size. */
function requestObservation(): void {
  engine.send({ type: 'observe', request: { ...observe.current, snapshot: typeof source === 'number' ? source : 'last', ...observe.rasterSize() } });
}

function start(): void {
  running = config;
  spectra = { lmax: 0, stages: [], ensemble: [] };
  source = 'auto';
  refreshSnapshots();
  engine.send({ type: 'start', config: running as unknown as Record<string, Json>, backend: settings.backend });
  requestRaster();
}

function refreshSnapshots(): void {
  const select = $<HTMLSelectElement>('snapshot');
  const keep = select.value;
  const options: [string, string][] = [['auto', 'latest'], ['stage', 'sky-forming stage']];
  spectra.ensemble.forEach((e, i) => options.push([String(i), e.omegaT !== null ? `mean, Ω·T = ${formatNumber(e.omegaT)}` : 'mean, sphere']));
  select.replaceChildren(...options.map(([v, t]) => Object.assign(document.createElement('option'), { value: v, textContent: t })));
  select.value = options.some(([v]) => v === keep) ? keep : 'auto';
}

function plotSpectra(): void {
  const pick = typeof source === 'number' ? source : spectra.ensemble.length - 1;
  drawClPlot($<HTMLCanvasElement>('cl'), { lmax: spectra.lmax, stages: spectra.stages, ensemble: spectra.ensemble[pick] ?? null });
}

const pending = new Map<number, string>();

function onMessage(m: FromEngine): void {
  switch (m.type) {
    case 'state': {
      body.dataset.state = m.state;
      // when the simulation first ran (the long-task check starts there, after the page's load)
      if (m.state === 'running' && body.dataset.runningAt === undefined) body.dataset.runningAt = String(performance.now());
      $('state').textContent = m.state + (m.message ? `: ${m.message}` : '');
      $<HTMLButtonElement>('pause').textContent = m.state === 'paused' ? 'Resume' : 'Pause';
      $<HTMLButtonElement>('pause').disabled = m.state !== 'running' && m.state !== 'paused';
      if (m.state === 'error' && m.message) showMessages([`engine: ${m.message}`]);
      return;
    }
    case 'backend':
      if (m.backend !== 'webgpu' && engine.where === 'worker' && /no navigator\.gpu/.test(m.reason) && 'gpu' in navigator && !movedToPage) {
        // this browser has WebGPU in the page but not in workers: the engine moves to the page
        movedToPage = true;
        engine.terminate();
        void connectEngine(onMessage, 'page').then((client) => {
          engine = client;
          body.dataset.thread = client.where;
          requestObservation();
          start();
        });
        return;
      }
      backend = m.backend;
      body.dataset.backend = m.backend;
      $('backend').textContent = `${m.backend} on ${m.device}`;
      $('reason').textContent = m.reason;
      return;
    case 'progress': {
      const p = m.progress;
      body.dataset.omegaT = String(p.omegaT);
      body.dataset.realizationsDone = String(p.realizationsDone);
      body.dataset.rate = String(p.stepsPerSecond);
      $('omegat').textContent = Number.isFinite(p.omegaT) ? formatNumber(p.omegaT) : '—';
      $('job').textContent = p.job;
      $('rate').textContent = `${p.stepsPerSecond.toExponential(2)} particle-steps/s`;
      $('done').textContent = `${p.realizationsDone} / ${p.realizations}`;
      $<HTMLProgressElement>('progress').value = p.fraction;
      return;
    }
    case 'spectra':
      spectra = { lmax: m.lmax, stages: m.stages, ensemble: m.ensemble };
      body.dataset.stages = String(m.stages.length);
      body.dataset.ensemble = String(m.ensemble[0]?.realizations ?? 0);
      refreshSnapshots();
      plotSpectra();
      return;
    case 'raster':
      map.draw(m.raster);
      $('maptitle').textContent = m.raster.title;
      body.dataset.raster = String(Number(body.dataset.raster ?? 0) + 1);
      return;
    case 'export':
      pending.delete(m.id);
      saveFile(m.name, m.mime, m.data);
      return;
    case 'failed':
      pending.delete(m.id);
      showMessages([m.message]);
      return;
    case 'observed':
      observe.onStatus(m.observed);
      return;
    case 'observation':
      observe.onObservation(m.observation);
      return;
  }
}

function exportFile(what: 'fits' | 'csv'): void {
  const id = nextExport++;
  pending.set(id, what);
  const snapshot = typeof source === 'number' ? source : spectra.ensemble.length - 1;
  engine.send({ type: 'export', id, what, snapshot });
}

/** The running config as `crsky simulate --config` takes it, with the backend the page ran. */
function configJson(): string {
  const b = backend === 'cpu' || backend === 'webgpu' ? backend : 'auto';
  return `${JSON.stringify({ ...running, tracking: { ...running.tracking, backend: b } }, null, 2)}\n`;
}

/**
 * Draws a blank map and a sample plot before the run starts: the first drawing of a canvas pays
 * for its set-up and font look-ups (~100 ms here), which would otherwise land in a task while the
 * simulation runs.
 */
function warmUp(): void {
  const { width, height } = map.rasterSize();
  map.draw({ width, height, values: new Float32Array(width * height), rgba: new Uint8ClampedArray(4 * width * height), range: 1, title: 'waiting for the first map', frame: 'equatorial' });
  const cl = Array.from({ length: 24 }, (_, l) => 10 ** (-3 - l / 8));
  drawClPlot($<HTMLCanvasElement>('cl'), {
    lmax: 23,
    stages: [{ omegaT: 1, radiusPc: NaN, label: 'Ω·T = 1', cl, noise: 1e-5 }],
    ensemble: { label: 't00', omegaT: 1, realizations: 2, mean: cl, stderr: cl, clHat: cl, error: cl, noise: 1e-5 },
  });
  drawClPlot($<HTMLCanvasElement>('cl'), { lmax: 0, stages: [], ensemble: null });
  observe.warmUp();
}

async function main(): Promise<void> {
  render();
  warmUp();
  const v = settings.view;
  $<HTMLSelectElement>('frame').value = v.frame;
  $<HTMLInputElement>('dipole').checked = v.removeDipole;
  $<HTMLInputElement>('smooth').value = String(v.smoothDeg);
  engine = await connectEngine(onMessage, new URLSearchParams(location.search).get('thread') === 'main' ? 'page' : 'worker');
  body.dataset.thread = engine.where;
  for (const id of ['frame', 'dipole', 'smooth']) $(id).addEventListener('change', requestRaster);
  $('snapshot').addEventListener('change', () => {
    const s = $<HTMLSelectElement>('snapshot').value;
    source = s === 'auto' || s === 'stage' ? s : Number(s);
    requestRaster();
    plotSpectra();
    requestObservation();
  });
  $('start').addEventListener('click', start);
  $('pause').addEventListener('click', () => engine.send({ type: body.dataset.state === 'paused' ? 'resume' : 'pause' }));
  $('reset').addEventListener('click', () => engine.send({ type: 'reset' }));
  $('png').addEventListener('click', () => $<HTMLCanvasElement>('map').toBlob((b) => b && saveFile('crsky_map.png', 'image/png', b)));
  $('fits').addEventListener('click', () => exportFile('fits'));
  $('csv').addEventListener('click', () => exportFile('csv'));
  $('json').addEventListener('click', () => saveFile('crsky_config.json', 'application/json', configJson()));
  let resize = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resize);
    resize = window.setTimeout(() => {
      requestRaster();
      plotSpectra();
      requestObservation();
    }, 200);
  });
  requestObservation();
  start();
}

void main();
