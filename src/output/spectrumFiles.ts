/**
 * The energy dependence of a spectrum run, at the top of its run directory:
 *   spectrum.csv            the bins: rigidity, interval, weight (species in the comments)
 *   energy_<label>.csv      per bin (−1: the combined sky) the ensemble dipole (amplitude, direction,
 *                           ground-array A1 and phase α1), <|δ|>, the phase scatter, skewness, kurtosis
 *   energy_cl_<label>.csv   C_l per bin: ensemble mean (realization −1) and every realization
 *   energy_dipole.csv       the dipole of every map, bin and realization (−1: the ensemble-mean map)
 *   cross_<label>.csv       C_l^{XY} of every pair of bins, r_l of the ensemble means (−1) and per realization
 *   energy_<label>.png/.svg the figure (io/energyPlot.ts)
 */
import path from 'node:path';
import { writeCsv } from '../io/csv.ts';
import { writeEnergyFigure, type EnergyTables } from '../io/energyPlot.ts';
import type { MapSpec, RunPlan } from '../pipeline/plan.ts';
import type { SpectrumProducts } from '../pipeline/spectrumEnsemble.ts';

/** Heading of the energy figure of one map label. */
export function energyHeading(plan: RunPlan, spec: MapSpec, realizations: number): string {
  const when = spec.snapshot < 0 ? `sphere R = ${plan.config.tracking.sphereRadiusPc} pc` : Number.isFinite(spec.omegaT) ? `Ω·T = ${spec.omegaT.toPrecision(3)}` : `T = ${spec.timePc.toPrecision(3)} pc`;
  return `${spec.label}: ${when}, ${realizations} realization${realizations === 1 ? '' : 's'}, N_side ${plan.nside}, seed ${plan.config.seed}`;
}

export function energyFigureFiles(out: string, label: string): { png: string; svg: string } {
  return { png: path.join(out, `energy_${label}.png`), svg: path.join(out, `energy_${label}.svg`) };
}

/** Draws energy_<label>.png and .svg from the tables. */
export function renderEnergyFigures(plan: RunPlan, spec: MapSpec, realizations: number, tables: EnergyTables, out: string, width?: number): string[] {
  const f = energyFigureFiles(out, spec.label);
  const o = { heading: energyHeading(plan, spec, realizations), width };
  writeEnergyFigure(f.png, tables, o);
  writeEnergyFigure(f.svg, tables, o);
  return [f.png, f.svg];
}

export function writeSpectrumTables(plan: RunPlan, sp: SpectrumProducts, out: string): void {
  const bins = plan.spectrum!;
  const n = sp.bins[0].products.maps[0].summary.realizations;
  writeCsv(
    path.join(out, 'spectrum.csv'),
    {
      bin: Float64Array.from(bins, (b) => b.index),
      rigidity_pv: Float64Array.from(bins, (b) => b.rigidityPV),
      r_min_pv: Float64Array.from(bins, (b) => b.rMinPV),
      r_max_pv: Float64Array.from(bins, (b) => b.rMaxPV),
      weight: Float64Array.from(bins, (b) => b.weight),
    },
    [
      `rigidity bins of particles.spectrum (${plan.config.particles.spectrum!.kind}); each back-tracked at rigidity_pv = sqrt(r_min r_max) through the same field realizations`,
      'weight: the bin\'s share of the flux at the observer, w = F_b / sum F (F = f_s A ∫ (E/E_ref)^-gamma dE over the bin, src/analysis/spectrumWeights.ts); combined I(n) = sum_b w_b I_b(n)',
      ...bins.map((b) => `${b.label}: ${b.species.length > 0 ? b.species.map((s) => `${s.name} (Z = ${s.z}, w = ${s.weight})`).join(', ') : 'rigidity as given'}`),
    ],
  );
  const labels = plan.maps.map((s, i) => `${i}=${s.label}`).join(' ');
  plan.maps.forEach((spec, m) => {
    writeCsv(path.join(out, `energy_${spec.label}.csv`), sp.energy[m], [
      `ensemble dipole and statistics per rigidity bin of map ${spec.label}; bin -1 is the combined (flux-weighted) sky`,
      `amplitude, lon_deg, lat_deg: dipole of the ensemble-mean map in the ${plan.frame} frame; a1, alpha1_deg: its ground-array amplitude and phase (equatorial plane, review Eq. 19)`,
      `amplitude_mean, amplitude_stderr: over ${n} realizations; alpha1_std_deg: circular standard deviation of the realizations' alpha1; skewness, kurtosis (excess) after removing l <= 1`,
    ]);
    writeCsv(path.join(out, `energy_cl_${spec.label}.csv`), sp.energyCl[m], [
      `C_l (minus the monopole) of map ${spec.label} per rigidity bin; realization -1: <C_l> over ${n} realizations with stderr, cl_hat = <C_l> - N and error as in the bin's cl_${spec.label}.csv`,
    ]);
    writeCsv(path.join(out, `cross_${spec.label}.csv`), sp.cross[m], [
      `cross-spectra C_l^XY of map ${spec.label} between rigidity bins x < y (alm of each map minus its monopole, 3 Jacobi iterations: healpy anafast(m1, m2))`,
      `realization -1: <C^XY> over ${n} realizations with its standard error, <C^XX>, <C^YY>, and r = <C^XY>/sqrt(<C^XX><C^YY>); other rows: one realization's spectra and its r`,
    ]);
    renderEnergyFigures(plan, spec, n, { energy: sp.energy[m], energyCl: sp.energyCl[m], cross: sp.cross[m] }, out);
  });
  writeCsv(path.join(out, 'energy_dipole.csv'), sp.energyDipole, [
    `dipole of every map, rigidity bin and realization (-1: the ensemble-mean map) in the ${plan.frame} frame; a1, alpha1_deg: ground-array amplitude and phase (equatorial)`,
    `maps: ${labels}`,
  ]);
}
