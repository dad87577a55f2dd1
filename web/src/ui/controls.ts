/**
 * The config controls: one per field the page offers, each built from the schema (schemaFields.ts:
 * kind, choices, bounds, and the description that states unit and range), showing the value of
 * the current config and, under it, the schema's message when an edit is refused.
 */
import { configReferenceFieldUG, correlationLengthPc, referenceGyroradiusPc, rigidityForGyroradiusPV, vecToLonLat, PRESETS, type Config, type Json } from '../../../src/core.ts';
import { formatNumber } from '../engine/stages.ts';
import { PAGE_NSIDE } from './params.ts';
import { fieldInfo, kindChoices, type FieldInfo } from './schemaFields.ts';

/** The fields the page offers, in groups; `when` hides a field that the config does not use. */
interface ControlSpec {
  readonly path: string;
  readonly label: string;
  readonly when?: (c: Config) => boolean;
  /** A limit of the page on top of the schema's. */
  readonly note?: string;
}

const GROUPS: readonly { readonly title: string; readonly controls: readonly ControlSpec[] }[] = [
  {
    title: 'Particles',
    controls: [
      { path: 'particles.rigidityPV', label: 'rigidity R' },
      { path: 'particles.nside', label: 'N_side', note: `the page runs ${PAGE_NSIDE.min}..${PAGE_NSIDE.max}` },
      { path: 'particles.perPixelSide', label: 'particles per pixel side k' },
      { path: 'particles.frame', label: 'map frame' },
    ],
  },
  {
    title: 'Field',
    controls: [
      { path: 'field.b0UG', label: 'B0' },
      { path: 'field.b0Direction', label: 'B0 direction', when: (c) => c.field.b0UG > 0 },
      { path: 'field.turbulence.brmsUG', label: 'B_rms' },
      { path: 'field.turbulence.spectrum.kind', label: 'spectrum' },
      { path: 'field.turbulence.spectrum.lMinPc', label: 'λ_min' },
      { path: 'field.turbulence.spectrum.lMaxPc', label: 'λ_max' },
      { path: 'field.turbulence.spectrum.bendoverPc', label: 'bend-over L', when: (c) => c.field.turbulence.spectrum.kind === 'ahlers-mertsch' },
      { path: 'field.turbulence.modes', label: 'modes' },
    ],
  },
  {
    title: 'Run',
    controls: [
      { path: 'tracking.timesOmega', label: 'snapshot Ω·T', when: (c) => c.liouville.model !== 'sphere' },
      { path: 'tracking.sphereRadiusPc', label: 'sphere radius', when: (c) => c.liouville.model === 'sphere' },
      { path: 'liouville.model', label: 'Liouville model' },
      { path: 'liouville.gradient.direction', label: 'gradient direction' },
      { path: 'liouville.gradient.magnitudePerPc', label: '|∇φ|/φ' },
      { path: 'realizations', label: 'realizations' },
      { path: 'seed', label: 'seed' },
    ],
  },
];

/** Paths whose value is a whole object chosen by `kind` (a change replaces the object). */
export const SPECTRUM_PATH = 'field.turbulence.spectrum';

function valueAt(config: Config, path: string): unknown {
  let v: unknown = config;
  for (const k of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export interface ControlEvents {
  /** A control's new value (the page validates it against the schema). */
  change(path: string, value: Json): void;
  preset(name: string): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function numberInput(info: FieldInfo, value: unknown, onChange: (v: Json) => void): HTMLInputElement {
  const input = el('input', { type: 'number', step: info.kind === 'integer' ? '1' : 'any', name: info.path });
  if (info.min !== undefined) input.min = String(info.min);
  if (info.max !== undefined) input.max = String(info.max);
  input.value = typeof value === 'number' ? String(value) : '';
  input.addEventListener('change', () => onChange(input.value.trim() === '' ? null : Number(input.value)));
  return input;
}

function choiceInput(info: FieldInfo, choices: readonly string[], value: unknown, onChange: (v: Json) => void): HTMLSelectElement {
  const select = el('select', { name: info.path });
  for (const c of choices) select.append(el('option', { value: c }, c));
  select.value = String(value);
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

function listInput(info: FieldInfo, value: unknown, onChange: (v: Json) => void): HTMLInputElement {
  const input = el('input', { type: 'text', name: info.path });
  input.value = Array.isArray(value) ? value.join(', ') : '';
  input.addEventListener('change', () => {
    const parts = input.value.split(/[,\s]+/).filter(Boolean);
    onChange(parts.map((p) => (Number.isFinite(Number(p)) ? Number(p) : p)));
  });
  return input;
}

/** A direction as frame + longitude + latitude; a Cartesian vector is shown in equatorial angles. */
function directionInput(info: FieldInfo, value: unknown, onChange: (v: Json) => void): HTMLElement {
  let frame = 'equatorial';
  let lon = 0;
  let lat = 0;
  if (Array.isArray(value)) {
    const [x, y, z] = value as number[];
    const n = Math.hypot(x, y, z);
    ({ lonDeg: lon, latDeg: lat } = vecToLonLat([x / n, y / n, z / n]));
  } else if (value && typeof value === 'object') {
    const d = value as { frame: string; lonDeg: number; latDeg: number };
    ({ frame, lonDeg: lon, latDeg: lat } = d);
  }
  const box = el('span', { class: 'direction' });
  const f = el('select', { name: `${info.path}.frame` });
  for (const c of ['equatorial', 'galactic']) f.append(el('option', { value: c }, c));
  f.value = frame;
  const lonIn = el('input', { type: 'number', step: 'any', name: `${info.path}.lonDeg`, title: 'longitude (RA or l), degrees' });
  const latIn = el('input', { type: 'number', step: 'any', min: '-90', max: '90', name: `${info.path}.latDeg`, title: 'latitude (Dec or b), degrees, [-90, 90]' });
  lonIn.value = formatNumber(lon);
  latIn.value = formatNumber(lat);
  const send = () => onChange({ frame: f.value, lonDeg: Number(lonIn.value), latDeg: Number(latIn.value) });
  for (const e of [f, lonIn, latIn]) e.addEventListener('change', send);
  box.append(f, lonIn, el('span', {}, '°, '), latIn, el('span', {}, '°'));
  return box;
}

/** r_g / L_c of a config: r_g in the reference field, L_c of the spectrum (NaN without either). */
export function rgOverLc(c: Config): number {
  const lc = c.field.turbulence.brmsUG > 0 ? correlationLengthPc(c.field.turbulence.spectrum) : NaN;
  return referenceGyroradiusPc(c) / lc;
}

/** Shows (or clears) the schema's message under the control of `path`; the refused value stays in the input. */
export function showProblem(root: HTMLElement, path: string, message: string | null): void {
  const row = root.querySelector<HTMLElement>(`[data-path="${path}"]`) ?? root;
  row.querySelector('.problem')?.remove();
  row.classList.toggle('invalid', message !== null);
  if (message !== null) row.append(el('small', { class: 'problem', role: 'alert' }, message));
}

/** An input for r_g / L_c that sets the rigidity (r_g in the reference field |B0|, or B_rms without B0). */
function rgOverLcInput(config: Config, onRigidity: (v: Json) => void): HTMLElement {
  const box = el('span', { class: 'derived' });
  const ratio = rgOverLc(config);
  if (!Number.isFinite(ratio)) return box;
  const lc = correlationLengthPc(config.field.turbulence.spectrum);
  const input = el('input', { type: 'number', step: 'any', min: '0', name: 'rgOverLc', title: 'r_g / L_c; sets the rigidity' });
  input.value = formatNumber(ratio);
  input.addEventListener('change', () => onRigidity(rigidityForGyroradiusPV(Number(input.value) * lc, configReferenceFieldUG(config))));
  box.append(el('span', {}, `r_g = ${formatNumber(referenceGyroradiusPc(config))} pc, r_g / L_c = `), input, el('span', {}, ` (L_c = ${formatNumber(lc)} pc)`));
  return box;
}

/** Renders the controls for `config` into `root`. */
export function renderControls(root: HTMLElement, preset: string, config: Config, events: ControlEvents): void {
  root.replaceChildren();
  const presetRow = el('div', { class: 'control' });
  const presetSelect = el('select', { name: 'preset' });
  for (const name of Object.keys(PRESETS)) presetSelect.append(el('option', { value: name, title: PRESETS[name].description }, name));
  presetSelect.value = preset;
  presetSelect.addEventListener('change', () => events.preset(presetSelect.value));
  presetRow.append(el('span', { class: 'label' }, 'preset'), presetSelect, el('small', {}, PRESETS[preset]?.description ?? ''));
  root.append(presetRow);

  for (const group of GROUPS) {
    const fieldset = el('fieldset');
    fieldset.append(el('legend', {}, group.title));
    for (const spec of group.controls) {
      if (spec.when && !spec.when(config)) continue;
      const isKind = spec.path === `${SPECTRUM_PATH}.kind`;
      const info = isKind ? { path: spec.path, kind: 'choice' as const, description: 'spectrum of the turbulence: Kolmogorov, or k²/(1+(kL)^γ) (Ahlers & Mertsch)', choices: kindChoices(SPECTRUM_PATH) } : fieldInfo(spec.path);
      const value = valueAt(config, spec.path);
      const onChange = (v: Json) => events.change(spec.path, v);
      const input =
        info.kind === 'choice'
          ? choiceInput(info, info.choices, value, onChange)
          : info.kind === 'list'
            ? listInput(info, value, onChange)
            : info.kind === 'direction'
              ? directionInput(info, value, onChange)
              : numberInput(info, value, onChange);
      const row = el('div', { class: 'control', 'data-path': spec.path });
      row.append(el('span', { class: 'label' }, spec.label), input, el('small', {}, spec.note ? `${info.description}; ${spec.note}` : info.description));
      if (spec.path === 'particles.rigidityPV') row.append(rgOverLcInput(config, onChange));
      fieldset.append(row);
    }
    root.append(fieldset);
  }
}
