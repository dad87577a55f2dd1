import { describe, expect, it } from 'vitest';
import { checkObservatory, fieldOfView, ObservatoryDefinitionError, parseObservatory, relativeAcceptance } from './definition.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

const DEG = Math.PI / 180;

describe('observatory definitions (review Sec. 2)', () => {
  it('fields of view δ1/2 = Φ ∓ θ_max reproduce the ranges the review quotes', () => {
    // review Sec. 2 / Fig. 2: HAWC −26° ≲ δ ≲ 64°; IceCube δ < −25°; Fig. 3: IceTop δ ≲ −35°
    expect(fieldOfView(OBSERVATORY_PRESETS.hawc.observatory)).toEqual({ decMinDeg: -26, decMaxDeg: 64 });
    expect(fieldOfView(OBSERVATORY_PRESETS.icecube.observatory)).toEqual({ decMinDeg: -90, decMaxDeg: -25 });
    expect(fieldOfView(OBSERVATORY_PRESETS.icetop.observatory)).toEqual({ decMinDeg: -90, decMaxDeg: -35 });
    // Fig. 5's mock HAWC with θ_max = 60°: −41° < δ < 79°
    expect(fieldOfView({ ...OBSERVATORY_PRESETS.hawc.observatory, zenithMaxDeg: 60 })).toEqual({ decMinDeg: -41, decMaxDeg: 79 });
  });

  it('every preset passes its own checks and states a source for each number', () => {
    for (const [key, p] of Object.entries(OBSERVATORY_PRESETS)) {
      expect(p.observatory.name).toBe(key);
      expect(() => checkObservatory(p.observatory)).not.toThrow();
      expect(p.sources.latitude.length).toBeGreaterThan(10);
      expect(p.sources.zenithMax.length).toBeGreaterThan(10);
      if (!p.verified) expect(p.sources.latitude + p.sources.zenithMax).toMatch(/NOT VERIFIED/);
    }
  });

  it('a flat acceptance is 1 inside the zenith cut and 0 beyond; a table interpolates linearly', () => {
    const flat = OBSERVATORY_PRESETS.hawc.observatory;
    expect(relativeAcceptance(flat, 44.9 * DEG)).toBe(1);
    expect(relativeAcceptance(flat, 45.1 * DEG)).toBe(0);
    const table = parseObservatory({ name: 't', latitudeDeg: 10, zenithMaxDeg: 40, acceptance: { kind: 'table', zenithDeg: [0, 20, 50], value: [1, 0.5, 0] } }, 't.json');
    expect(relativeAcceptance(table, 10 * DEG)).toBeCloseTo(0.75, 14);
    expect(relativeAcceptance(table, 35 * DEG)).toBeCloseTo(0.25, 14);
    expect(relativeAcceptance(table, 41 * DEG)).toBe(0);
  });

  it('bad JSON definitions name the field, the value and the allowed range', () => {
    const base = { name: 'x', latitudeDeg: 10, zenithMaxDeg: 40 };
    const msg = (j: unknown) => {
      try {
        parseObservatory(j, 'obs.json');
      } catch (e) {
        expect(e).toBeInstanceOf(ObservatoryDefinitionError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg({ ...base, latitudeDeg: 95 })).toBe('obs.json: latitudeDeg = 95: must be a number in [-90, 90]');
    expect(msg({ ...base, zenithMaxDeg: 0 })).toBe('obs.json: zenithMaxDeg = 0: must be a number in (0, 90]');
    expect(msg({ ...base, name: 'Bad Name' })).toMatch(/name = "Bad Name": must be 1-40 characters/);
    expect(msg({ ...base, extra: 1 })).toMatch(/unknown field "extra"/);
    expect(msg({ ...base, acceptance: { kind: 'table', zenithDeg: [0, 30], value: [1, 1] } })).toMatch(/zenithDeg\[1\] = 30: must reach zenithMaxDeg = 40/);
    expect(msg({ ...base, acceptance: { kind: 'cosine' } })).toMatch(/acceptance.kind = "cosine": must be "flat" or "table"/);
    expect(msg([1])).toMatch(/must be a JSON object/);
  });
});
