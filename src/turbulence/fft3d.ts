/**
 * In-place 3D complex FFT of an n^3 periodic grid, built from fft.js's 1D transforms.
 *
 * Why by hand: fft.js only transforms contiguous 1D arrays. A 3D transform is a 1D transform
 * along each axis in turn; the y and z lines are strided in memory (n and n^2 complex apart),
 * so we copy one plane at a time into a scratch buffer, transposed so that every line to be
 * transformed becomes contiguous, transform, and copy back. The copies walk memory row by row
 * (the x index innermost), which keeps a 256^3 transform cache-friendly, and one fft.js object
 * (one twiddle table) serves every line.
 *
 * Layout: data[2·(i + n·(j + n·k))] and [+1] are the real and imaginary parts at node (i, j, k),
 * the same node order as GridTurbulence.data (x fastest).
 */
import FFT from 'fft.js';

/**
 * forward:  X[m] = Σ_n x[n] e^{-2πi m·n / N}   (no normalization)
 * inverse:  x[n] = Σ_m X[m] e^{+2πi m·n / N}   (no 1/N^3 either: callers that need a scale set it)
 */
export function fft3dInPlace(data: Float64Array, n: number, direction: 'forward' | 'inverse'): void {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
    throw new Error(`fft3d: n must be a power of two >= 2, got ${n}`);
  }
  if (data.length !== 2 * n * n * n) {
    throw new Error(`fft3d: data must hold 2·n^3 = ${2 * n * n * n} numbers, got ${data.length}`);
  }
  const fft = new FFT(n);
  const line = new Float64Array(2 * n);
  // fft.js's inverseTransform divides by n; the forward kernel with conjugated input and output
  // gives the unnormalized inverse without that extra pass.
  const transformLine = (src: Float64Array): void => {
    if (direction === 'forward') {
      fft.transform(line, src);
      src.set(line);
    } else {
      for (let t = 1; t < src.length; t += 2) src[t] = -src[t];
      fft.transform(line, src);
      for (let t = 1; t < line.length; t += 2) line[t] = -line[t];
      src.set(line);
    }
  };
  const row = 2 * n; // numbers per x line
  const plane = row * n; // numbers per z plane

  // x: lines are contiguous.
  for (let off = 0; off < data.length; off += row) transformLine(data.subarray(off, off + row));

  // y and z: gather a plane transposed into `scratch` so each line is one contiguous row of it.
  const scratch = new Float64Array(plane);
  const gatherTransformScatter = (base: number, stride: number): void => {
    // Line index t runs along the axis being transformed (stride `stride` in data); i along x.
    for (let t = 0; t < n; t++) {
      const src = base + t * stride;
      for (let i = 0; i < n; i++) {
        scratch[i * row + 2 * t] = data[src + 2 * i];
        scratch[i * row + 2 * t + 1] = data[src + 2 * i + 1];
      }
    }
    for (let i = 0; i < n; i++) transformLine(scratch.subarray(i * row, (i + 1) * row));
    for (let t = 0; t < n; t++) {
      const dst = base + t * stride;
      for (let i = 0; i < n; i++) {
        data[dst + 2 * i] = scratch[i * row + 2 * t];
        data[dst + 2 * i + 1] = scratch[i * row + 2 * t + 1];
      }
    }
  };
  for (let k = 0; k < n; k++) gatherTransformScatter(k * plane, row); // y lines of plane z = k
  for (let j = 0; j < n; j++) gatherTransformScatter(j * row, plane); // z lines of plane y = j
}
