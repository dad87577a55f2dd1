import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { maxAbs, maxAbsDiff, randomAlm } from '../../test/helpers/sky.ts';
import { almLambda, alm2mapDer1, mapDerivatives } from './derivatives.ts';
import { almGetLmax, almIndex, map2alm } from './harmonics.ts';
import { nside2npix, pixelCentres } from './healpix.ts';

const LMAX = 48;
const NSIDE = 32;
const ALM = randomAlm(LMAX, (l) => 1 / (l + 1), 31);

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
d = hp.alm2map_der1(load('ALM').view(np.complex128), ${NSIDE}, lmax=${LMAX})
save('map', d[0]); save('dtheta', d[1]); save('dphi', d[2])
`,
    { ALM },
  );
});

describe('derivatives in harmonic space', () => {
  it('alm2mapDer1 equals healpy.alm2map_der1 (map, ∂θ, ∂φ/sin θ) to 1e-12 of max |derivative| (N_side 32, lmax 48)', () => {
    // exact operators on both sides (healpy: spin-1 transforms, here Λ = r × ∇ on spin 0);
    // rounding of sums over ~1200 modes, scaled by l ≤ 48
    const ours = alm2mapDer1(ALM, NSIDE);
    const dt = f64(hp, 'dtheta');
    const dp = f64(hp, 'dphi');
    expect(maxAbsDiff(ours.map, f64(hp, 'map')) / maxAbs(f64(hp, 'map'))).toBeLessThan(1e-12);
    expect(maxAbsDiff(ours.dTheta, dt) / maxAbs(dt)).toBeLessThan(1e-12);
    expect(maxAbsDiff(ours.dPhi, dp) / maxAbs(dp)).toBeLessThan(1e-12);
  });

  it('Σ_k Λ_k Λ_k a_lm = −l(l+1) a_lm (the Casimir: pins every ladder coefficient; 1e-13 relative)', () => {
    const sum = new Float64Array(ALM.length);
    for (const k of [0, 1, 2] as const) {
      const twice = almLambda(almLambda(ALM, k), k);
      for (let i = 0; i < sum.length; i++) sum[i] += twice[i];
    }
    const lmax = almGetLmax(ALM.length);
    let worst = 0;
    for (let m = 0; m <= lmax; m++) {
      for (let l = Math.max(m, 1); l <= lmax; l++) {
        const i = 2 * almIndex(l, m, lmax);
        const e = -l * (l + 1);
        worst = Math.max(worst, Math.hypot(sum[i] - e * ALM[i], sum[i + 1] - e * ALM[i + 1]) / (l * (l + 1) * maxAbs(ALM)));
      }
    }
    expect(worst).toBeLessThan(1e-13);
  });

  it('gradient and covariant Hessian of a quadratic polynomial on the sphere equal the analytic ones (1e-12)', () => {
    // u(n) = P(n), P(x) = xᵀAx/2 + g·x: ∇_S u = ∇P − n(n·∇P) and, with the unit sphere's second
    // fundamental form, ∇∇u(a, b) = aᵀA b − (n·∇P)(a·b) for tangent a, b. The polynomial has
    // l ≤ 2, where map2alm with iterations is exact to rounding.
    const A = [
      [0.6, -0.2, 0.3],
      [-0.2, -0.4, 0.5],
      [0.3, 0.5, 0.1],
    ];
    const g = [0.2, -0.7, 0.4];
    const nside = 8;
    const c = pixelCentres(nside);
    const grad = (x: number[]) => [0, 1, 2].map((i) => A[i][0] * x[0] + A[i][1] * x[1] + A[i][2] * x[2] + g[i]);
    const map = Float64Array.from({ length: nside2npix(nside) }, (_, p) => {
      const x = [c[3 * p], c[3 * p + 1], c[3 * p + 2]];
      const ax = grad(x).map((v, i) => v - g[i]);
      return 0.5 * (x[0] * ax[0] + x[1] * ax[1] + x[2] * ax[2]) + g[0] * x[0] + g[1] * x[1] + g[2] * x[2];
    });
    const d = mapDerivatives(map2alm(map, { lmax: 2, iterations: 5 }), nside, { second: true });
    const m2 = d.lambda2!;
    let worstG = 0;
    let worstH = 0;
    for (let p = 0; p < map.length; p++) {
      const n = [c[3 * p], c[3 * p + 1], c[3 * p + 2]];
      const dp = grad(n);
      const radial = n[0] * dp[0] + n[1] * dp[1] + n[2] * dp[2];
      for (let i = 0; i < 3; i++) worstG = Math.max(worstG, Math.abs(d.gradient[3 * p + i] - (dp[i] - radial * n[i])));
      // tangent basis e_θ, e_φ
      const s = Math.hypot(n[0], n[1]);
      const et = [(n[2] * n[0]) / s, (n[2] * n[1]) / s, -s];
      const ep = [-n[1] / s, n[0] / s, 0];
      const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
      const M = [
        [m2[6 * p], m2[6 * p + 3], m2[6 * p + 4]],
        [m2[6 * p + 3], m2[6 * p + 1], m2[6 * p + 5]],
        [m2[6 * p + 4], m2[6 * p + 5], m2[6 * p + 2]],
      ];
      for (const [a, b] of [[et, et], [et, ep], [ep, ep]]) {
        const na = cross(n, a);
        const nb = cross(n, b);
        let ours = 0;
        let exact = -radial * (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            ours += na[i] * M[i][j] * nb[j];
            exact += a[i] * A[i][j] * b[j];
          }
        }
        worstH = Math.max(worstH, Math.abs(ours - exact));
      }
    }
    expect(worstG).toBeLessThan(1e-12);
    expect(worstH).toBeLessThan(1e-12);
  });
});
