/** `crsky config`: the resolved config, the field list and the JSON Schema, from the one zod schema. */
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.ts';
import { cleanupCli, runCli } from '../helpers/cli.ts';

afterAll(cleanupCli);

describe('crsky config', () => {
  it('prints the config simulate would run: preset, shortcuts and --set applied, defaults filled', async () => {
    const r = await runCli(['config', '--preset', 'quick', '--nside', '32', '--set', 'field.turbulence.modes=128']);
    expect(r.code, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout);
    const expected = resolveConfig({ preset: 'quick', overrides: [{ particles: { nside: 32 }, field: { turbulence: { modes: 128 } } }] }).config;
    expect(printed).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('--fields lists every field with its type, default and unit/range text', async () => {
    const r = await runCli(['config', '--fields']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('particles.nside  integer  [default 16]  — HEALPix N_side');
    expect(r.stdout).toContain('field.turbulence.spectrum.kind  "kolmogorov" | "ahlers-mertsch"');
    expect(r.stdout).toMatch(/tracking\.timesOmega {2}number\[\] {2}\[default \[\]\]/);
  });

  it('--schema prints a JSON Schema of config files; bad input exits 2', async () => {
    const r = await runCli(['config', '--schema']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.$schema).toMatch(/json-schema/);
    expect(s.properties.particles.properties.rigidityPV.description).toMatch(/PV/);
    const bad = await runCli(['config', '--nside', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('crsky: config: particles.nside = 3: must be a power of two in 1..1024');
  });
});
