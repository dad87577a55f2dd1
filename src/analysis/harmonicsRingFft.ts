/**
 * Complex DFT of any length for the HEALPix rings (4, 8, 12, ... 4·N_side points).
 *
 *   forward:  X[k] = Σ_j x[j] e^{−2πi jk/n}   (no normalization)
 *
 * Lengths that are powers of two go straight to fft.js; any other length uses Bluestein's
 * chirp-z algorithm (jk = (j² + k² − (k−j)²)/2 turns the DFT into a convolution, done with
 * fft.js at the next power of two ≥ 2n − 1), O(n log n) and accurate to ~1e-15 relative to the
 * largest coefficient. Arrays are interleaved (re, im) Float64Array of 2n numbers.
 */
import FFT from 'fft.js';

export interface RingDft {
  readonly n: number;
  /** out ← DFT(input); input and out must be different arrays of 2n numbers. */
  forward(input: Float64Array, out: Float64Array): void;
}

class Pow2Dft implements RingDft {
  private readonly fft: FFT;
  constructor(readonly n: number) {
    this.fft = new FFT(n);
  }
  forward(input: Float64Array, out: Float64Array): void {
    this.fft.transform(out, input);
  }
}

class BluesteinDft implements RingDft {
  private readonly m: number;
  private readonly fft: FFT;
  /** w[j] = e^{−iπ j²/n}, interleaved. */
  private readonly w: Float64Array;
  /** FFT of the conjugate chirp, already divided by m (the inverse FFT's normalization). */
  private readonly bHat: Float64Array;
  private readonly a: Float64Array;
  private readonly aHat: Float64Array;

  constructor(readonly n: number) {
    let m = 2;
    while (m < 2 * n - 1) m *= 2;
    this.m = m;
    this.fft = new FFT(m);
    this.w = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      // j² mod 2n keeps the argument exact for large j
      const ang = (Math.PI * ((j * j) % (2 * n))) / n;
      this.w[2 * j] = Math.cos(ang);
      this.w[2 * j + 1] = -Math.sin(ang);
    }
    const b = new Float64Array(2 * m);
    for (let j = 0; j < n; j++) {
      b[2 * j] = this.w[2 * j];
      b[2 * j + 1] = -this.w[2 * j + 1];
      if (j > 0) {
        b[2 * (m - j)] = this.w[2 * j];
        b[2 * (m - j) + 1] = -this.w[2 * j + 1];
      }
    }
    this.bHat = new Float64Array(2 * m);
    this.fft.transform(this.bHat, b);
    for (let k = 0; k < 2 * m; k++) this.bHat[k] /= m;
    this.a = new Float64Array(2 * m);
    this.aHat = new Float64Array(2 * m);
  }

  forward(input: Float64Array, out: Float64Array): void {
    const { n, m, w, a, aHat, bHat } = this;
    a.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = input[2 * j];
      const xi = input[2 * j + 1];
      const wr = w[2 * j];
      const wi = w[2 * j + 1];
      a[2 * j] = xr * wr - xi * wi;
      a[2 * j + 1] = xr * wi + xi * wr;
    }
    this.fft.transform(aHat, a);
    // product with the chirp's transform, conjugated so that a forward FFT does the inverse
    for (let k = 0; k < m; k++) {
      const ar = aHat[2 * k];
      const ai = aHat[2 * k + 1];
      const br = bHat[2 * k];
      const bi = bHat[2 * k + 1];
      a[2 * k] = ar * br - ai * bi;
      a[2 * k + 1] = -(ar * bi + ai * br);
    }
    this.fft.transform(aHat, a);
    for (let k = 0; k < n; k++) {
      const cr = aHat[2 * k];
      const ci = -aHat[2 * k + 1];
      const wr = w[2 * k];
      const wi = w[2 * k + 1];
      out[2 * k] = cr * wr - ci * wi;
      out[2 * k + 1] = cr * wi + ci * wr;
    }
  }
}

const cache = new Map<number, RingDft>();

/** A DFT of length n ≥ 1 (cached; not re-entrant: one caller at a time per length). */
export function ringDft(n: number): RingDft {
  let d = cache.get(n);
  if (!d) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ringDft: bad length ${n}`);
    d = n >= 2 && (n & (n - 1)) === 0 ? new Pow2Dft(n) : n === 1 ? new IdentityDft() : new BluesteinDft(n);
    cache.set(n, d);
  }
  return d;
}

class IdentityDft implements RingDft {
  readonly n = 1;
  forward(input: Float64Array, out: Float64Array): void {
    out[0] = input[0];
    out[1] = input[1];
  }
}
