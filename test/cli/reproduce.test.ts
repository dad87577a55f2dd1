/** `crsky reproduce`: one quick target end to end, its folder, and bad input. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupCli, csvHeader, makeTempDir, runCli } from '../helpers/cli.ts';

afterAll(cleanupCli);

describe('crsky reproduce', () => {
  it('dipole --quick writes figures, CSV, the config, wall time, backend and checks into the folder', async () => {
    const out = path.join(makeTempDir(), 'dipole');
    const r = await runCli(['reproduce', 'dipole', '--quick', '--backend', 'cpu', '--threads', '2', '--out', out, '--log', 'quiet']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['summary.json', 'summary.txt', 'dipole_vs_time.csv', 'phase_comparison.csv', 'phase.png', 'configs/dipole.json']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as { backend: string; wallSeconds: number; particleSteps: number; checks: { pass: boolean }[]; allChecksPass: boolean };
    expect(summary.backend).toBe('cpu');
    expect(summary.wallSeconds).toBeGreaterThan(0);
    expect(summary.particleSteps).toBeGreaterThan(0);
    expect(summary.allChecksPass).toBe(true);
    expect(csvHeader(path.join(out, 'dipole_vs_time.csv'))).toEqual(expect.arrayContaining(['omega_t', 'a1', 'alpha1_deg']));
    const cfg = JSON.parse(fs.readFileSync(path.join(out, 'configs/dipole.json'), 'utf8')) as { particles: { nside: number } };
    expect(cfg.particles.nside).toBe(4);
  });

  it('an unknown target or a bad override is refused with exit code 2', async () => {
    const a = await runCli(['reproduce', 'nope']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/Choices: "diffusion", "giacinti-sigl-2012", "ahlers-mertsch-2015", "shape", "dipole"/);
    const b = await runCli(['reproduce', 'dipole', '--quick', '--nside', '3']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--nside 3: must be a power of two/);
  });
});
