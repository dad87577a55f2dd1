import { describe, expect, it } from 'vitest';
import { EQUATORIAL_TO_GALACTIC, GALACTIC_TO_EQUATORIAL, applyMat3, lonLatToVec, toEquatorial, vecToLonLat } from './frames.ts';

describe('sky frames', () => {
  it('the galactic centre and north galactic pole sit at their J2000 equatorial positions (1e-4 deg)', () => {
    // IAU definition (FK5, J2000): NGP at (192.85948°, +27.12825°), GC at (266.40500°, -28.93617°).
    const gc = vecToLonLat(toEquatorial([1, 0, 0], 'galactic'));
    const ngp = vecToLonLat(toEquatorial([0, 0, 1], 'galactic'));
    expect(gc.lonDeg).toBeCloseTo(266.405, 3);
    expect(gc.latDeg).toBeCloseTo(-28.93617, 3);
    expect(ngp.lonDeg).toBeCloseTo(192.85948, 3);
    expect(ngp.latDeg).toBeCloseTo(27.12825, 3);
  });

  it('the rotation is orthogonal with determinant +1 (1e-12)', () => {
    const m = EQUATORIAL_TO_GALACTIC;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = m[3 * i] * m[3 * j] + m[3 * i + 1] * m[3 * j + 1] + m[3 * i + 2] * m[3 * j + 2];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    const det =
      m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    expect(det).toBeCloseTo(1, 12);
  });

  it('galactic → equatorial → galactic is the identity and lon/lat round-trip', () => {
    const v = lonLatToVec(123.4, -56.7);
    const back = applyMat3(EQUATORIAL_TO_GALACTIC, applyMat3(GALACTIC_TO_EQUATORIAL, v));
    for (let c = 0; c < 3; c++) expect(back[c]).toBeCloseTo(v[c], 14);
    const ll = vecToLonLat(v);
    expect(ll.lonDeg).toBeCloseTo(123.4, 12);
    expect(ll.latDeg).toBeCloseTo(-56.7, 12);
  });
});
