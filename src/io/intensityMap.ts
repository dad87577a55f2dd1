/**
 * A relative-intensity map of a run as a HEALPix FITS map (RING, the run's frame), with header
 * cards that say what it is and how it was made. Bytes only (fitsFormat.ts), so a page can offer
 * the same file for download that the CLI writes.
 */
import type { FieldSummary } from '../turbulence/field.ts';
import type { MapSpec, RunPlan } from '../pipeline/plan.ts';
import type { ExtraCard, HealpixMapToWrite } from './fitsFormat.ts';

/** The rigidity, or for the combined map of a spectrum run its bins' range. */
function rigidityCards(plan: RunPlan): ExtraCard[] {
  const bins = plan.spectrum;
  if (!bins) return [{ key: 'RIGIDPV', value: plan.config.particles.rigidityPV, comment: 'rigidity [PV]' }];
  return [
    { key: 'NBINS', value: bins.length, comment: 'rigidity bins, flux-weighted sum' },
    { key: 'RMINPV', value: bins[0].rigidityPV, comment: 'rigidity of the lowest bin [PV]' },
    { key: 'RMAXPV', value: bins[bins.length - 1].rigidityPV, comment: 'rigidity of the highest bin [PV]' },
  ];
}

/** `index` is the realization, −1 for the ensemble mean. */
export function intensityMapFits(plan: RunPlan, index: number, spec: MapSpec, field: FieldSummary, map: Float64Array): HealpixMapToWrite {
  const c = plan.config;
  const cards: ExtraCard[] = [
    { key: 'CREATOR', value: 'crsky', comment: 'cosmic-ray back-tracking' },
    { key: 'MAPKIND', value: 'relative intensity', comment: 'I = f / <f>' },
    { key: 'REALIZ', value: index, comment: 'field realization index (-1: ensemble mean)' },
    { key: 'SEED', value: c.seed, comment: 'master seed' },
    ...rigidityCards(plan),
    { key: 'B0_UG', value: c.field.b0UG, comment: 'regular field [uG]' },
    { key: 'BRMS_UG', value: field.brmsUG, comment: 'turbulent rms field [uG]' },
    { key: 'LC_PC', value: field.correlationLengthPc, comment: 'correlation length [pc]' },
    { key: 'MODEL', value: c.liouville.model, comment: 'Liouville model' },
    { key: 'KPERPIX', value: plan.perPixel, comment: 'particles per pixel' },
  ];
  if (index >= 0) cards.push({ key: 'FIELD', value: field.description });
  if (Number.isFinite(spec.timePc)) {
    cards.push({ key: 'TIME_PC', value: spec.timePc, comment: 'back-tracking time c*T [pc]' });
    if (Number.isFinite(spec.omegaT)) cards.push({ key: 'OMEGA_T', value: spec.omegaT, comment: 'Omega*T' });
  } else if (Number.isFinite(spec.omegaT)) {
    cards.push({ key: 'OMEGA_T', value: spec.omegaT, comment: 'Omega*T, each bin in its own Omega' });
  } else if (c.tracking.sphereRadiusPc !== undefined) {
    cards.push({ key: 'SPHR_PC', value: c.tracking.sphereRadiusPc, comment: 'gradient sphere radius [pc]' });
  }
  return {
    ordering: 'RING',
    coordsys: plan.frame === 'galactic' ? 'G' : 'C',
    columns: [{ name: 'I', unit: 'relative', data: map, format: 'D' }],
    extraCards: cards,
  };
}
