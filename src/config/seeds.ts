/**
 * Every random choice in crsky comes from a seedrandom stream named here, derived from the one
 * master seed of the config: a realization's field depends only on (master seed, realization
 * index), so shards of an ensemble reproduce a single run exactly.
 */

/** Seed string of the turbulent field of realization `index` (0-based). */
export function fieldSeed(masterSeed: number, index: number): string {
  return `crsky:${masterSeed}:field:${index}`;
}

/** Seed string of random launch directions of realization `index` (0-based). */
export function launchSeed(masterSeed: number, index: number): string {
  return `crsky:${masterSeed}:launch:${index}`;
}

/** Seed string of isotropic reference maps used for the empirical shot noise. */
export function noiseSeed(masterSeed: number, index: number): string {
  return `crsky:${masterSeed}:noise:${index}`;
}

/** Seed string of the Poisson events `crsky observe` draws for one observatory. */
export function observeSeed(masterSeed: number, observatory: string): string {
  return `crsky:${masterSeed}:observe:${observatory}`;
}

/** Seed string of grid `level` (0 = coarsest) of a nested-grid field drawn with seed `fieldSeedString`. */
export function nestedGridSeed(fieldSeedString: string, level: number): string {
  return `${fieldSeedString}:grid:${level}`;
}
