/**
 * Deterministic test inputs (maps, directions) from a small Park–Miller generator: the sequences
 * are fixed by the seed alone, so the healpy cross-checks see the same maps on every machine.
 */

/** Uniform numbers in (0, 1), Park–Miller (multiplier 48271, modulus 2^31 − 1); seed in 1..2^31−2. */
export function parkMiller(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

/** One standard normal deviate (Box–Muller) from the uniform generator r. */
export function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}
