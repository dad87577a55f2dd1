import { describe, expect, it } from 'vitest';
import { vecToLonLat } from '../config/frames.ts';
import { directionToUnitVector } from '../config/frames.ts';
import { regularField } from './regular.ts';

describe('regular field B0', () => {
  it('normalizes a Cartesian direction and scales it by b0UG (1e-15)', () => {
    const b = regularField(3, [0, 3, 4]);
    expect(b[0]).toBe(0);
    expect(b[1]).toBeCloseTo(1.8, 15);
    expect(b[2]).toBeCloseTo(2.4, 15);
  });

  it('equatorial angles give n(α, δ) = (cos α cos δ, sin α cos δ, sin δ) (1e-15)', () => {
    const v = directionToUnitVector({ frame: 'equatorial', lonDeg: 90, latDeg: 0 });
    expect(v[0]).toBeCloseTo(0, 15);
    expect(v[1]).toBeCloseTo(1, 15);
    expect(v[2]).toBeCloseTo(0, 15);
  });

  it('the north galactic pole lies at RA 192.8595°, Dec 27.1283° (J2000, to 1e-4 deg)', () => {
    const { lonDeg, latDeg } = vecToLonLat(directionToUnitVector({ frame: 'galactic', lonDeg: 0, latDeg: 90 }));
    expect(lonDeg).toBeCloseTo(192.8595, 4);
    expect(latDeg).toBeCloseTo(27.1283, 4);
  });

  it('b0UG = 0 gives the zero vector whatever the direction', () => {
    expect(regularField(0, { frame: 'galactic', lonDeg: 10, latDeg: 20 })).toEqual([0, 0, 0]);
  });
});
