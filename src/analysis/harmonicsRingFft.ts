/**
 * Complex DFT of any length for the HEALPix rings (4, 8, 12, ... 4·N_side points).
 *
 *   forward:  X[k] = Σ_j x[j] e^{−2πi jk/n}   (no normalization)
 *
 * Mixed-radix FFT (self-sorting Stockham form, radix 4, 2, 3 and any odd prime up to
 * MAX_DIRECT_PRIME): with n = p·m, j = j' + r·m and k = r' + p·k',
 *   X[r' + p·k'] = Σ_{j'} e^{−2πi j'k'/m} · [e^{−2πi j'r'/n} Σ_r x[j' + r·m] e^{−2πi r r'/p}],
 * i.e. a p-point DFT per j' with a twiddle after it, then p interleaved DFTs of length m; the
 * outputs land in natural order when the next pass reads with stride s·p. Lengths with a prime
 * factor above MAX_DIRECT_PRIME (rings 4i with i having such a factor) use Bluestein's chirp-z
 * algorithm (jk = (j² + k² − (k−j)²)/2 turns the DFT into a cyclic convolution of any length
 * ≥ 2n − 1, taken 2^a·3^b·5^c so that the mixed-radix FFT does it). Both are O(n log n) and
 * accurate to ~1e-15 relative to the largest coefficient; twiddles are cos/sin of exactly reduced
 * angles. Arrays are interleaved (re, im) Float64Array of 2n numbers.
 *
 * Why by hand: fft.js (used for the turbulence grid) transforms powers of two only, and most
 * polar-cap rings (4i points, i = 1 .. N_side − 1) are not; Bluestein for all of them costs three
 * power-of-two FFTs of at least twice the length. No maintained npm package does mixed-radix
 * complex DFTs of any length.
 */

export interface RingDft {
  readonly n: number;
  /** out ← DFT(input); input and out must be different arrays of ≥ 2n numbers. `input` is left unchanged. */
  forward(input: Float64Array, out: Float64Array): void;
}

/** Odd primes up to this are done as direct p-point butterflies (cost ∝ p per point); larger
 *  ones send the whole length to Bluestein (cost ∝ 3 FFTs of ≥ 2n points). */
const MAX_DIRECT_PRIME = 47;

interface Pass {
  p: number;
  /** Length of each sub-transform after this pass (n = p·m at this pass). */
  m: number;
  /** Number of interleaved transforms on entry (stride). */
  s: number;
  /** Twiddles e^{−2πi j'r'/(p·m)} for j' < m, r' = 1..p−1, at 2·(j'·(p−1) + r' − 1). */
  tw: Float64Array;
  /** For a generic odd p: cos and sin of 2π·t/p, t = 0..p−1. */
  cs?: Float64Array;
}

/** e^{−2πi·num/den} into out[o], out[o+1], with num reduced modulo den first. */
function unitRoot(num: number, den: number, out: Float64Array, o: number): void {
  const a = (2 * Math.PI * (num % den)) / den;
  out[o] = Math.cos(a);
  out[o + 1] = -Math.sin(a);
}

function factorize(n: number): number[] | null {
  const f: number[] = [];
  while (n % 4 === 0) {
    f.push(4);
    n /= 4;
  }
  if (n % 2 === 0) {
    f.push(2);
    n /= 2;
  }
  for (let p = 3; n > 1; p += 2) {
    if (p > MAX_DIRECT_PRIME) return null;
    while (n % p === 0) {
      f.push(p);
      n /= p;
    }
  }
  return f;
}

/** Mixed-radix FFT of a length whose factors are all handled directly. */
class MixedRadixDft implements RingDft {
  private readonly passes: Pass[];
  private readonly work: Float64Array;
  private readonly scratch: Float64Array;

  constructor(
    readonly n: number,
    factors: number[],
  ) {
    this.passes = [];
    let s = 1;
    let len = n;
    let maxP = 2;
    for (const p of factors) {
      const m = len / p;
      const tw = new Float64Array(2 * m * (p - 1));
      for (let j = 0; j < m; j++) for (let r = 1; r < p; r++) unitRoot(j * r, len, tw, 2 * (j * (p - 1) + r - 1));
      const pass: Pass = { p, m, s, tw };
      if (p !== 2 && p !== 3 && p !== 4) {
        const cs = new Float64Array(2 * p);
        for (let t = 0; t < p; t++) {
          cs[2 * t] = Math.cos((2 * Math.PI * t) / p);
          cs[2 * t + 1] = Math.sin((2 * Math.PI * t) / p);
        }
        pass.cs = cs;
      }
      this.passes.push(pass);
      maxP = Math.max(maxP, p);
      s *= p;
      len = m;
    }
    this.work = new Float64Array(2 * n);
    this.scratch = new Float64Array(4 * maxP);
  }

  forward(input: Float64Array, out: Float64Array): void {
    const np = this.passes.length;
    if (np === 0) {
      out[0] = input[0];
      out[1] = input[1];
      return;
    }
    // ping-pong so that the last pass writes `out`; the first reads `input`
    let src = input;
    let dst = np % 2 === 1 ? out : this.work;
    for (let i = 0; i < np; i++) {
      const ps = this.passes[i];
      switch (ps.p) {
        case 4:
          pass4(src, dst, ps.m, ps.s, ps.tw);
          break;
        case 2:
          pass2(src, dst, ps.m, ps.s, ps.tw);
          break;
        case 3:
          pass3(src, dst, ps.m, ps.s, ps.tw);
          break;
        default:
          passOdd(src, dst, ps.p, ps.m, ps.s, ps.tw, ps.cs as Float64Array, this.scratch);
      }
      src = dst;
      dst = dst === out ? this.work : out;
    }
  }
}

function pass2(x: Float64Array, y: Float64Array, m: number, s: number, tw: Float64Array): void {
  const sm = 2 * s * m;
  for (let j = 0; j < m; j++) {
    const wr = tw[2 * j], wi = tw[2 * j + 1];
    let i0 = 2 * s * j;
    let o0 = 2 * s * 2 * j;
    const oEnd = o0 + 2 * s;
    for (; o0 < oEnd; o0 += 2, i0 += 2) {
      const ar = x[i0], ai = x[i0 + 1], br = x[i0 + sm], bi = x[i0 + sm + 1];
      y[o0] = ar + br;
      y[o0 + 1] = ai + bi;
      const dr = ar - br, di = ai - bi;
      y[o0 + 2 * s] = dr * wr - di * wi;
      y[o0 + 2 * s + 1] = dr * wi + di * wr;
    }
  }
}

function pass4(x: Float64Array, y: Float64Array, m: number, s: number, tw: Float64Array): void {
  const sm = 2 * s * m;
  const s2 = 2 * s;
  for (let j = 0; j < m; j++) {
    const t = 6 * j;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3], w3r = tw[t + 4], w3i = tw[t + 5];
    let i0 = 2 * s * j;
    let o0 = 2 * s * 4 * j;
    const oEnd = o0 + s2;
    for (; o0 < oEnd; o0 += 2, i0 += 2) {
      const a0r = x[i0], a0i = x[i0 + 1];
      const a1r = x[i0 + sm], a1i = x[i0 + sm + 1];
      const a2r = x[i0 + 2 * sm], a2i = x[i0 + 2 * sm + 1];
      const a3r = x[i0 + 3 * sm], a3i = x[i0 + 3 * sm + 1];
      const t0r = a0r + a2r, t0i = a0i + a2i;
      const t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      // (a1 − a3)·(−i)
      const t3r = a1i - a3i, t3i = a3r - a1r;
      y[o0] = t0r + t2r;
      y[o0 + 1] = t0i + t2i;
      const y1r = t1r + t3r, y1i = t1i + t3i;
      const y2r = t0r - t2r, y2i = t0i - t2i;
      const y3r = t1r - t3r, y3i = t1i - t3i;
      y[o0 + s2] = y1r * w1r - y1i * w1i;
      y[o0 + s2 + 1] = y1r * w1i + y1i * w1r;
      y[o0 + 2 * s2] = y2r * w2r - y2i * w2i;
      y[o0 + 2 * s2 + 1] = y2r * w2i + y2i * w2r;
      y[o0 + 3 * s2] = y3r * w3r - y3i * w3i;
      y[o0 + 3 * s2 + 1] = y3r * w3i + y3i * w3r;
    }
  }
}

const SIN_60 = Math.sqrt(3) / 2;

function pass3(x: Float64Array, y: Float64Array, m: number, s: number, tw: Float64Array): void {
  const sm = 2 * s * m;
  const s2 = 2 * s;
  for (let j = 0; j < m; j++) {
    const t = 4 * j;
    const w1r = tw[t], w1i = tw[t + 1], w2r = tw[t + 2], w2i = tw[t + 3];
    let i0 = 2 * s * j;
    let o0 = 2 * s * 3 * j;
    const oEnd = o0 + s2;
    for (; o0 < oEnd; o0 += 2, i0 += 2) {
      const a0r = x[i0], a0i = x[i0 + 1];
      const a1r = x[i0 + sm], a1i = x[i0 + sm + 1];
      const a2r = x[i0 + 2 * sm], a2i = x[i0 + 2 * sm + 1];
      const sr = a1r + a2r, si = a1i + a2i;
      // e^{∓2πi/3} = −1/2 ∓ i·sin 60°: Y1,2 = a0 − s/2 ∓ i·sin60°·(a1 − a2)
      const cr = a0r - 0.5 * sr, ci = a0i - 0.5 * si;
      const dr = SIN_60 * (a1i - a2i), di = SIN_60 * (a2r - a1r);
      y[o0] = a0r + sr;
      y[o0 + 1] = a0i + si;
      const y1r = cr + dr, y1i = ci + di;
      const y2r = cr - dr, y2i = ci - di;
      y[o0 + s2] = y1r * w1r - y1i * w1i;
      y[o0 + s2 + 1] = y1r * w1i + y1i * w1r;
      y[o0 + 2 * s2] = y2r * w2r - y2i * w2i;
      y[o0 + 2 * s2 + 1] = y2r * w2i + y2i * w2r;
    }
  }
}

/**
 * Odd p: with σ_r = a_r + a_{p−r}, δ_r = a_r − a_{p−r} (r = 1..(p−1)/2),
 * Y_{r'} = a_0 + Σ_r σ_r cos(2π r r'/p) − i Σ_r δ_r sin(2π r r'/p) and Y_{p−r'} the same with +i.
 */
function passOdd(
  x: Float64Array,
  y: Float64Array,
  p: number,
  m: number,
  s: number,
  tw: Float64Array,
  cs: Float64Array,
  sc: Float64Array,
): void {
  const sm = 2 * s * m;
  const s2 = 2 * s;
  const h = (p - 1) / 2;
  for (let j = 0; j < m; j++) {
    const tb = 2 * j * (p - 1);
    let i0 = 2 * s * j;
    let o0 = 2 * s * p * j;
    const oEnd = o0 + s2;
    for (; o0 < oEnd; o0 += 2, i0 += 2) {
      const a0r = x[i0], a0i = x[i0 + 1];
      let y0r = a0r, y0i = a0i;
      // sc: σ_r at 4(r−1), δ_r at 4(r−1)+2
      for (let r = 1; r <= h; r++) {
        const ir = i0 + r * sm, ip = i0 + (p - r) * sm;
        const br = x[ir], bi = x[ir + 1], cr = x[ip], ci = x[ip + 1];
        const o = 4 * (r - 1);
        sc[o] = br + cr;
        sc[o + 1] = bi + ci;
        sc[o + 2] = br - cr;
        sc[o + 3] = bi - ci;
        y0r += br + cr;
        y0i += bi + ci;
      }
      y[o0] = y0r;
      y[o0 + 1] = y0i;
      for (let q = 1; q <= h; q++) {
        let ar = a0r, ai = a0i, br = 0, bi = 0;
        let t = q;
        for (let r = 1; r <= h; r++) {
          const c = cs[2 * t], sn = cs[2 * t + 1];
          const o = 4 * (r - 1);
          ar += sc[o] * c;
          ai += sc[o + 1] * c;
          br += sc[o + 2] * sn;
          bi += sc[o + 3] * sn;
          t += q;
          if (t >= p) t -= p;
        }
        // Y_q = A − i·B, Y_{p−q} = A + i·B
        const yqr = ar + bi, yqi = ai - br;
        const ypr = ar - bi, ypi = ai + br;
        const w1 = tb + 2 * (q - 1), w2 = tb + 2 * (p - q - 1);
        const oq = o0 + q * s2, op = o0 + (p - q) * s2;
        y[oq] = yqr * tw[w1] - yqi * tw[w1 + 1];
        y[oq + 1] = yqr * tw[w1 + 1] + yqi * tw[w1];
        y[op] = ypr * tw[w2] - ypi * tw[w2 + 1];
        y[op + 1] = ypr * tw[w2 + 1] + ypi * tw[w2];
      }
    }
  }
}

/** Smallest 2^a·3^b·5^c ≥ n. */
function smoothAtLeast(n: number): number {
  let best = 1;
  while (best < n) best *= 2;
  for (let p5 = 1; p5 < 2 * n; p5 *= 5) {
    for (let p3 = p5; p3 < 2 * n; p3 *= 3) {
      let v = p3;
      while (v < n) v *= 2;
      if (v < best) best = v;
    }
  }
  return best;
}

class BluesteinDft implements RingDft {
  private readonly fft: RingDft;
  /** w[j] = e^{−iπ j²/n}, interleaved. */
  private readonly w: Float64Array;
  /** DFT of the conjugate chirp, already divided by the convolution length (the inverse's normalization). */
  private readonly bHat: Float64Array;
  private readonly a: Float64Array;
  private readonly aHat: Float64Array;

  constructor(readonly n: number) {
    const len = smoothAtLeast(2 * n - 1);
    this.fft = plan(len);
    this.w = new Float64Array(2 * n);
    // j² mod 2n keeps the argument exact for large j
    for (let j = 0; j < n; j++) {
      const ang = (Math.PI * ((j * j) % (2 * n))) / n;
      this.w[2 * j] = Math.cos(ang);
      this.w[2 * j + 1] = -Math.sin(ang);
    }
    const b = new Float64Array(2 * len);
    for (let j = 0; j < n; j++) {
      b[2 * j] = this.w[2 * j];
      b[2 * j + 1] = -this.w[2 * j + 1];
      if (j > 0) {
        b[2 * (len - j)] = this.w[2 * j];
        b[2 * (len - j) + 1] = -this.w[2 * j + 1];
      }
    }
    this.bHat = new Float64Array(2 * len);
    this.fft.forward(b, this.bHat);
    for (let k = 0; k < 2 * len; k++) this.bHat[k] /= len;
    this.a = new Float64Array(2 * len);
    this.aHat = new Float64Array(2 * len);
  }

  forward(input: Float64Array, out: Float64Array): void {
    const { n, w, a, aHat, bHat } = this;
    const len = this.fft.n;
    for (let j = 0; j < n; j++) {
      const xr = input[2 * j], xi = input[2 * j + 1];
      const wr = w[2 * j], wi = w[2 * j + 1];
      a[2 * j] = xr * wr - xi * wi;
      a[2 * j + 1] = xr * wi + xi * wr;
    }
    a.fill(0, 2 * n);
    this.fft.forward(a, aHat);
    // product with the chirp's transform, conjugated so that a forward FFT does the inverse
    for (let k = 0; k < len; k++) {
      const ar = aHat[2 * k], ai = aHat[2 * k + 1];
      const br = bHat[2 * k], bi = bHat[2 * k + 1];
      a[2 * k] = ar * br - ai * bi;
      a[2 * k + 1] = -(ar * bi + ai * br);
    }
    this.fft.forward(a, aHat);
    for (let k = 0; k < n; k++) {
      const cr = aHat[2 * k], ci = -aHat[2 * k + 1];
      const wr = w[2 * k], wi = w[2 * k + 1];
      out[2 * k] = cr * wr - ci * wi;
      out[2 * k + 1] = cr * wi + ci * wr;
    }
  }
}

const cache = new Map<number, RingDft>();

function plan(n: number): RingDft {
  let d = cache.get(n);
  if (!d) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`ringDft: bad length ${n}`);
    const f = factorize(n);
    d = f ? new MixedRadixDft(n, f) : new BluesteinDft(n);
    cache.set(n, d);
  }
  return d;
}

/** A DFT of length n ≥ 1 (cached; not re-entrant: one caller at a time per length). */
export function ringDft(n: number): RingDft {
  return plan(n);
}
