/**
 * Spectrum runs in memory (CPU tracker, main thread, N_side 4): every bin is tracked through the
 * realization's one field, so a bin's maps are bitwise those of a single-rigidity run at that
 * rigidity; the combined map is the weighted sum of the bins'; identical bins have r_l = 1.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { CpuTracker } from '../sim/cpu/tracker.ts';
import { anafast } from '../analysis/harmonics.ts';
import { runSimulation } from './simulate.ts';
import { binConfig, configBins, spectrumBinsOf, validateSimulation } from './spectrum.ts';
import { makePlan } from './plan.ts';
import { estimateRun } from './estimate.ts';
import { binCrossSpectra } from './realization.ts';
import { crossTable, type BinEnsemble } from './spectrumEnsemble.ts';
import { combineRealizations } from './ensemble.ts';

const tracker = new CpuTracker({ threads: 0 });

function config(extra: Record<string, unknown> = {}): Config {
  return resolveConfig({
    preset: 'quick',
    config: { realizations: 2, particles: { nside: 4 }, tracking: { backend: 'cpu', timesOmega: [5, 10] }, ...extra } as never,
  }).config;
}

const SPECTRUM = { kind: 'rigidities', rigiditiesPV: [1.5, 3, 6], weights: [0.5, 0.3, 0.2] };

describe('spectrum bins of a config', () => {
  it('rigidities with weights normalized to 1; energy ranges by species in R = E/Z', () => {
    const b = spectrumBinsOf({ kind: 'rigidities', rigiditiesPV: [1, 2], weights: [3, 1] });
    expect(b.map((x) => [x.label, x.rigidityPV, x.weight])).toEqual([
      ['b00', 1, 0.75],
      ['b01', 2, 0.25],
    ]);
    expect(spectrumBinsOf({ kind: 'rigidities', rigiditiesPV: [1, 2, 4] }).map((x) => x.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    // p and He over 1-4 PeV in two bins: protons at 1-2, 2-4 PV, helium at 0.5-1, 1-2 PV; the two 1-2 PV bins merge
    const e = spectrumBinsOf({
      kind: 'energy-range',
      energyMinPeV: 1,
      energyMaxPeV: 4,
      bins: 2,
      spectralIndex: 2,
      composition: [
        { name: 'p', z: 1, fraction: 0.5 },
        { name: 'He', z: 2, fraction: 0.5 },
      ],
    });
    expect(e.map((x) => x.rigidityPV)).toEqual([Math.SQRT1_2, Math.SQRT2, 2 * Math.SQRT2].map((r) => expect.closeTo(r, 12)));
    // ∫E^-2 over [1,2] = 1/2, [2,4] = 1/4 for each species (fraction 1/2): p 1/4, 1/8; He 1/4, 1/8; total 3/4
    expect(e.map((x) => x.weight)).toEqual([1 / 3, 1 / 6 + 1 / 3, 1 / 6].map((w) => expect.closeTo(w, 14)));
    expect(e[1].species.map((s) => s.name).sort()).toEqual(['He', 'p']);
  });

  it('a bin config is the run config at the bin rigidity, without a spectrum', () => {
    const c = config({ particles: { nside: 4, spectrum: SPECTRUM } });
    const bins = configBins(c)!;
    const b1 = binConfig(c, bins[1]);
    expect(b1.particles.rigidityPV).toBe(3);
    expect(b1.particles.spectrum).toBeUndefined();
    expect(configBins(config())).toBeNull();
  });

  it('refuses timesPc together with timesOmega, and a step over a bin r_g, naming the bin', () => {
    const both = config({ particles: { nside: 4, spectrum: SPECTRUM }, tracking: { backend: 'cpu', timesOmega: [5], timesPc: [10] } });
    expect(() => validateSimulation(both)).toThrow(ConfigError);
    expect(() => validateSimulation(both)).toThrow(/with particles.spectrum give one of them/);
    const step = config({ particles: { nside: 4, spectrum: SPECTRUM }, tracking: { backend: 'cpu', timesOmega: [5], stepPc: 1.8 } });
    expect(() => validateSimulation(step)).toThrow(/tracking.stepPc = 1.8: must be <= r_g = 1.147 pc \(rigidity 1.5 PV .*\[particles.spectrum bin b00, R = 1.500 PV\]$/);
  });

  it('the estimate adds the bins steps and names their count', () => {
    const c = config({ particles: { nside: 4, spectrum: SPECTRUM } });
    const e = estimateRun(c);
    const each = configBins(c)!.map((b) => estimateRun(binConfig(c, b)));
    expect(e.bins).toBe(3);
    expect(e.stepsPerParticle).toBe(each.reduce((a, x) => a + x.stepsPerParticle, 0));
    expect(e.stepsPerTrajectory).toBe(Math.max(...each.map((x) => x.stepsPerTrajectory)));
  });
});

describe('a spectrum run in memory', async () => {
  const spectral = config({ particles: { nside: 4, spectrum: SPECTRUM } });
  const res = await runSimulation(spectral, tracker);
  const bins = makePlan(spectral).spectrum!;

  it('one bin of a spectrum run equals a single-rigidity run at that rigidity, bitwise', async () => {
    const single = await runSimulation(binConfig(spectral, bins[1]), tracker);
    for (const [r, rr] of res.realizations.entries()) {
      for (let m = 0; m < 2; m++) expect(Buffer.from(rr.binMaps![1][m].buffer).equals(Buffer.from(single.realizations[r].maps[m].buffer))).toBe(true);
      expect(rr.record.bins![1].maps).toEqual(single.realizations[r].record.maps);
    }
    const e = res.spectrum!.bins[1].products;
    expect(Array.from(e.maps[1].mean)).toEqual(Array.from(single.ensemble.maps[1].mean));
    expect(e.maps[1].cl).toEqual(single.ensemble.maps[1].cl);
  });

  it('the combined map is the flux-weighted sum of the bins maps', () => {
    for (const rr of res.realizations) {
      for (let m = 0; m < 2; m++) {
        const want = rr.binMaps![0][m].map((v, p) => 0.5 * v + 0.3 * rr.binMaps![1][m][p] + 0.2 * rr.binMaps![2][m][p]);
        for (let p = 0; p < want.length; p++) expect(rr.maps[m][p]).toBeCloseTo(want[p], 14);
      }
      expect(rr.record.particleSteps).toBe(rr.record.bins!.reduce((a, b) => a + b.particleSteps, 0));
      expect(rr.record.maps[0].diffusion).toBeNull();
    }
    // combined map labels keep the same Ω·T and have no single T
    expect(res.ensemble.maps.map((e) => [e.spec.label, e.spec.omegaT, e.spec.timePc])).toEqual([
      ['t00', 5, NaN],
      ['t01', 10, NaN],
    ]);
  });

  it('cross-spectra: the records pairs are anafast(m1, m2) of the monopole-free maps; r_l of the ensemble means in [-1, 1]', () => {
    const rr = res.realizations[0];
    const pair = rr.record.cross![1].pairs.find((p) => p.x === 0 && p.y === 2)!;
    const a = rr.binMaps![0][1];
    const b = rr.binMaps![2][1];
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const want = anafast(
      a.map((v) => v - mean(a)),
      b.map((v) => v - mean(b)),
      { lmax: 11, iterations: 3 },
    );
    for (let l = 1; l < 12; l++) expect(pair.cl[l]).toBeCloseTo(want[l], 12);
    const t = res.spectrum!.cross[1];
    const ens = Array.from(t.r).filter((_r, i) => t.realization[i] === -1 && t.l[i] >= 1);
    expect(ens.length).toBe(3 * 11);
    for (const r of ens) expect(Math.abs(r)).toBeLessThanOrEqual(1);
    // the energy tables: one row per bin and the combined sky (bin -1)
    expect(Array.from(res.spectrum!.energy[0].bin)).toEqual([0, 1, 2, -1]);
    expect(Array.from(res.spectrum!.energy[0].rigidity_pv).slice(0, 3)).toEqual([1.5, 3, 6]);
  });

  it('r_l of identical bins is 1 (ensemble means and each realization)', () => {
    const plan = bins[0].plan;
    const recs = res.realizations.map((rr) => ({ ...rr.record, bins: [rr.record.bins![0], rr.record.bins![0]], cross: rr.record.cross!.map((c, m) => ({ label: c.label, pairs: binCrossSpectra([rr.binMaps![0][m], rr.binMaps![0][m]], plan.lmax) })) }));
    const products = combineRealizations(plan, recs.map((r) => ({ ...r, maps: r.bins[0].maps })), (r, m) => res.realizations[r.index].binMaps![0][m]);
    const twins: BinEnsemble[] = [
      { bin: bins[0], products },
      { bin: bins[0], products },
    ];
    const t = crossTable(recs, twins, 1);
    let n = 0;
    for (let i = 0; i < t.r.length; i++) {
      if (t.l[i] === 0) continue;
      expect(Math.abs(t.r[i] - 1)).toBeLessThan(1e-15);
      n++;
    }
    expect(n).toBe(3 * 11);
  });
});
