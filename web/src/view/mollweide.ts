/**
 * The Mollweide projection of the page's map, shared by the engine (which rasterizes) and the
 * page (pointer read-out, graticule): healpy's mollview convention, as the CLI's figures
 * (src/io/mollweide.ts, Snyder 1987 p. 249): longitude increases to the LEFT, centre meridian
 * lon0 = 0, north up. Normalized coordinates x ∈ [−1, 1] (right), y ∈ [−1, 1] (up):
 *   forward: 2θ + sin 2θ = π sin(lat),  x = −(lon − lon0)/π · cos θ,  y = sin θ
 *   inverse: θ = asin y,  lat = asin((2θ + sin 2θ)/π),  lon = lon0 − π x / cos θ
 * The raster fills a W × W/2 box: pixel (i, j) centre at x = 2(i + ½)/W − 1, y = 1 − 2(j + ½)/H.
 */
const DEG = Math.PI / 180;

export function mollweideInverse(x: number, y: number, lon0Deg = 0): { lonDeg: number; latDeg: number } | null {
  if (x * x + y * y > 1) return null;
  const t = Math.asin(Math.max(-1, Math.min(1, y)));
  const lat = Math.asin(Math.max(-1, Math.min(1, (2 * t + Math.sin(2 * t)) / Math.PI)));
  const c = Math.cos(t);
  const lon = c > 1e-12 ? lon0Deg * DEG - (Math.PI * x) / c : lon0Deg * DEG;
  if (Math.abs(lon - lon0Deg * DEG) > Math.PI + 1e-12) return null;
  const lonDeg = (((lon / DEG) % 360) + 360) % 360;
  return { lonDeg, latDeg: lat / DEG };
}

/** θ of 2θ + sin 2θ = π sin(lat), by Newton's method. */
function theta(lat: number): number {
  if (Math.abs(lat) >= Math.PI / 2 - 1e-12) return Math.sign(lat) * (Math.PI / 2);
  const target = Math.PI * Math.sin(lat);
  let t = lat;
  for (let k = 0; k < 50; k++) {
    const d = 2 + 2 * Math.cos(2 * t);
    if (d < 1e-15) break;
    const step = (2 * t + Math.sin(2 * t) - target) / d;
    t -= step;
    if (Math.abs(step) < 1e-13) break;
  }
  return t;
}

export function mollweideForward(lonDeg: number, latDeg: number, lon0Deg = 0): { x: number; y: number } {
  const t = theta(latDeg * DEG);
  let dl = (((lonDeg - lon0Deg + 180) % 360) + 360) % 360 - 180;
  if (dl === -180) dl = 180;
  return { x: -((dl * DEG) / Math.PI) * Math.cos(t), y: Math.sin(t) };
}

/** Normalized coordinates of raster pixel (i, j) in a W × H raster. */
export function pixelToNormalized(i: number, j: number, width: number, height: number): { x: number; y: number } {
  return { x: (2 * (i + 0.5)) / width - 1, y: 1 - (2 * (j + 0.5)) / height };
}
