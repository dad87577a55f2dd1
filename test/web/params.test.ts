import { describe, expect, it } from 'vitest';
import { configOf, parseJointView, settingsFromUrl, settingsToUrl } from '../../web/src/ui/params.ts';

describe('page settings in the URL', () => {
  it('config paths override the preset as --set does; view and backend keys are read', () => {
    const { settings, problems } = settingsFromUrl('?preset=quick&particles.nside=16&tracking.timesOmega=[5,20]&backend=cpu&frame=galactic&dipole=1&smooth=10');
    expect(problems).toEqual([]);
    const c = configOf(settings.preset, settings.sets);
    expect(c.particles.nside).toBe(16);
    expect(c.tracking.timesOmega).toEqual([5, 20]);
    expect(c.field.turbulence.modes).toBe(64); // the preset's
    expect(settings.backend).toBe('cpu');
    expect(settings.view).toEqual({ frame: 'galactic', removeDipole: true, smoothDeg: 10 });
    // and back: the same settings from the URL the page writes
    const again = settingsFromUrl(settingsToUrl(settings));
    expect(again.problems).toEqual([]);
    expect(configOf(again.settings.preset, again.settings.sets)).toEqual(c);
  });

  it('a bad parameter is dropped with the message naming it and its range; the rest applies', () => {
    const { settings, problems } = settingsFromUrl('?particles.nside=3&realizations=3&field.turbulence.modes=20000&preset=nope&bogus.key=1&smooth=400');
    const c = configOf(settings.preset, settings.sets);
    expect(c.realizations).toBe(3);
    expect(c.particles.nside).toBe(8);
    expect(problems).toEqual([
      'URL parameter preset=nope: unknown preset; allowed: quick, giacinti-sigl-2012, ahlers-mertsch-2015 (using quick)',
      'URL parameter smooth=400: top-hat radius in degrees, must be in [0, 180] (using 0)',
      'URL parameter particles.nside=3: config: particles.nside = 3: must be a power of two in 1..1024 (ignored)',
      'URL parameter field.turbulence.modes=20000: config: field.turbulence.modes = 20000: must be <= 16384 (ignored)',
      'URL parameter bogus.key=1: config: (top level): unknown option "bogus" (ignored)',
    ]);
  });

  it('the page keeps N_side in 8..128 with a message in the schema\'s style', () => {
    const { problems } = settingsFromUrl('?particles.nside=256');
    expect(problems).toEqual(['URL parameter particles.nside=256: config: particles.nside = 256: the page runs 8..128 (larger maps: crsky simulate) (ignored)']);
  });

  it('a spectrum chosen by its kind replaces the preset\'s, leaving none of the other kind\'s fields', () => {
    const am = new Map([['field.turbulence.spectrum', { kind: 'kolmogorov', lMinPc: 0.5, lMaxPc: 1000 }]]);
    const c = configOf('ahlers-mertsch-2015', am);
    expect(c.field.turbulence.spectrum).toEqual({ kind: 'kolmogorov', lMinPc: 0.5, lMaxPc: 1000 });
  });

  it('the observatory view\'s selection, events and seed round-trip through the URL; bad values are named with the allowed ones', () => {
    const { settings, problems } = settingsFromUrl('?observatory=icecube,HAWC&events=4.9e10&eventSeed=7');
    expect(problems).toEqual([]);
    // in the presets' order, whatever the URL's
    expect(settings.observe).toEqual({ observatories: ['icecube', 'hawc'], events: 4.9e10, seed: 7 });
    expect(settingsFromUrl(settingsToUrl(settings)).settings.observe).toEqual(settings.observe);
    // none is the default and writes nothing
    expect(settingsFromUrl('?observatory=none').settings.observe.observatories).toEqual([]);
    expect(settingsToUrl(settingsFromUrl('').settings)).toBe('?preset=quick');
    const bad = settingsFromUrl('?observatory=hawc,kamiokande&events=0&eventSeed=1.5');
    expect(bad.settings.observe).toEqual({ observatories: ['hawc'], events: null, seed: 1 });
    expect(bad.problems).toEqual([
      'URL parameter observatory=hawc,kamiokande: unknown observatory kamiokande; allowed: none or a comma-separated list of icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a, each alone or two or more joined by + (one joint view, e.g. hawc+icecube) (using hawc)',
      'URL parameter events=0: Poisson events in total, a number in [1, 1e+16], or none (no noise) (using none)',
      'URL parameter eventSeed=1.5: seed of the Poisson draws, an integer in [0, 2147483647] (using 1)',
    ]);
    // the page's own keys are not config paths
    expect(configOf(bad.settings.preset, bad.settings.sets).seed).toBe(1);
  });

  it('a joint view "a+b" (crsky observe --observatory hawc+icecube) is read, validated like the single names, and round-trips', () => {
    // "+" written as %2B, as the page writes it; a literal + in a query reads as a space, which joins too
    const { settings, problems } = settingsFromUrl('?observatory=HAWC%2BIceCube,icecube,tibet%2Bhawc%2Bicecube');
    expect(problems).toEqual([]);
    // presets first, then the joint views (the offered ones first), members in the order named
    expect(settings.observe.observatories).toEqual(['icecube', 'hawc+icecube', 'tibet+hawc+icecube']);
    expect(settingsToUrl(settings)).toBe('?preset=quick&observatory=icecube%2Chawc%2Bicecube%2Ctibet%2Bhawc%2Bicecube');
    expect(settingsFromUrl(settingsToUrl(settings)).settings.observe).toEqual(settings.observe);
    expect(settingsFromUrl('?observatory=hawc+icecube').settings.observe.observatories).toEqual(['hawc+icecube']);
    expect(parseJointView('hawc + icecube')).toBe('hawc+icecube');
  });

  it('a bad joint view is dropped with a message naming it and what is allowed; the rest applies', () => {
    const allowed = 'allowed: none or a comma-separated list of icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a, each alone or two or more joined by + (one joint view, e.g. hawc+icecube)';
    const bad = settingsFromUrl('?observatory=hawc%2Bkamiokande,icecube');
    expect(bad.settings.observe.observatories).toEqual(['icecube']);
    expect(bad.problems).toEqual([`URL parameter observatory=hawc+kamiokande,icecube: unknown observatory kamiokande in the joint view hawc+kamiokande; ${allowed} (using icecube)`]);
    expect(settingsFromUrl('?observatory=hawc%2Bhawc').problems).toEqual([`URL parameter observatory=hawc+hawc: hawc is named twice in the joint view hawc+hawc; a joint view needs two or more different observatories; ${allowed} (using none)`]);
    expect(settingsFromUrl('?observatory=hawc%2B').problems).toEqual([
      `URL parameter observatory=hawc+: hawc+ is not a joint view; join two or more of icecube, icetop, hawc, tibet, argo-ybj, lhaaso-km2a with +, e.g. hawc+icecube; ${allowed} (using none)`,
    ]);
    const twice = settingsFromUrl('?observatory=hawc%2Bicecube,icecube%2Bhawc');
    expect(twice.settings.observe.observatories).toEqual(['hawc+icecube']);
    expect(twice.problems).toEqual([`URL parameter observatory=hawc+icecube,icecube+hawc: the joint view icecube+hawc is named twice (as hawc+icecube); ${allowed} (using hawc+icecube)`]);
  });
});
