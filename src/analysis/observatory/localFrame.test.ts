import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../config/vec3.ts';
import { cosZenith, eastComponent, localAngles, localRotation, toLocal } from './localFrame.ts';

function eq(alpha: number, dec: number): Vec3 {
  return [Math.cos(alpha) * Math.cos(dec), Math.sin(alpha) * Math.cos(dec), Math.sin(dec)];
}

describe('local frame (review Eq. 5 and 7)', () => {
  it('R(t) is a rotation (R Rᵀ = 1 to 1e-15, det +1)', () => {
    for (const [t, lat] of [[0.3, 0.33], [2.1, -1.2], [5, Math.PI / 2]]) {
      const r = localRotation(t, lat);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        const s = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
        expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-15);
      }
      const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
      expect(det).toBeCloseTo(1, 14);
    }
  });

  it('the zenith is at δ = Φ on the meridian α = ωt; north of the zenith has azimuth 0', () => {
    const lat = 0.33, t = 1.7;
    expect(localAngles(toLocal(eq(t, lat), t, lat)).zenith).toBeLessThan(1e-15);
    const north = localAngles(toLocal(eq(t, lat + 0.2), t, lat));
    expect(north.zenith).toBeCloseTo(0.2, 14);
    expect(Math.abs(north.azimuth)).toBeLessThan(1e-14);
  });

  it('cos θ and sin θ sin φ in hour angle H = ωt − α agree with R(t) to 1e-15 (east is H < 0)', () => {
    let worst = 0;
    for (let k = 0; k < 200; k++) {
      const a = (k * 2.399963) % (2 * Math.PI), d = Math.asin(((k * 0.618034) % 2) - 1), t = (k * 1.3) % (2 * Math.PI), lat = ((k % 7) - 3) * 0.4;
      const loc = toLocal(eq(a, d), t, lat);
      const { zenith, azimuth } = localAngles(loc);
      worst = Math.max(worst, Math.abs(Math.cos(zenith) - cosZenith(t - a, d, lat)), Math.abs(Math.sin(zenith) * Math.sin(azimuth) - eastComponent(t - a, d)));
      if (Math.abs(Math.sin(t - a)) > 1e-6 && Math.cos(d) > 1e-6) expect(Math.sin(azimuth) > 0).toBe(Math.sin(t - a) < 0);
    }
    expect(worst).toBeLessThan(1e-15);
  });
});
