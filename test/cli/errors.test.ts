/**
 * Bad input to the real CLI: every case exits with code 2, prints one clear message on stderr
 * (naming the option or config field, the value and what is allowed), prints nothing on stdout,
 * and writes nothing: its --out directory is never created.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHealpixFits } from '../../src/io/fits.ts';
import { cleanupCli, makeTempDir, runCliAll, type CliResult } from '../helpers/cli.ts';

interface Case {
  /** The behaviour pinned. */
  readonly name: string;
  /** Arguments; `out` is a fresh path that must still not exist afterwards. */
  readonly args: (out: string, fx: string) => string[];
  /** The whole of stderr (trimmed), exactly or as a pattern. */
  readonly stderr: string | RegExp | ((fx: string) => string | RegExp);
  /** Lines of stderr (default 1: `crsky: <message>`). */
  readonly lines?: number;
}

const SIM = (out: string) => ['simulate', '--preset', 'quick', '--backend', 'cpu', '--out', out];
const RIGIDITY = '(rigidity R = pc/(Ze), PV (1 TV = 1e-3 PV), > 0)';

const CASES: readonly Case[] = [
  // ---- simulate: config fields
  {
    name: 'an unknown config key',
    args: (o) => [...SIM(o), '--set', 'particles.rigidityTV=5'],
    stderr: 'crsky: config: particles: unknown option "rigidityTV"',
  },
  {
    name: 'a value with a unit where a number in PV belongs',
    args: (o) => [...SIM(o), '--set', 'particles.rigidityPV="5 TV"'],
    stderr: `crsky: config: particles.rigidityPV = "5 TV": must be a number ${RIGIDITY}`,
  },
  {
    name: 'a shortcut that is not a number (--rigidity abc)',
    args: (o) => [...SIM(o), '--rigidity', 'abc'],
    stderr: `crsky: config: particles.rigidityPV = "abc": must be a number ${RIGIDITY}`,
  },
  {
    name: 'N_side not a power of two',
    args: (o) => [...SIM(o), '--nside', '3'],
    stderr: 'crsky: config: particles.nside = 3: must be a power of two in 1..1024',
  },
  {
    name: 'N_side not an integer',
    args: (o) => [...SIM(o), '--set', 'particles.nside=4.5'],
    stderr: 'crsky: config: particles.nside = 4.5: must be an integer (HEALPix N_side of the launch pixels and maps, power of two 1..1024)',
  },
  {
    name: 'an option given twice: the later one wins (--nside 4 --nside 3)',
    args: (o) => [...SIM(o), '--nside', '4', '--nside', '3'],
    stderr: 'crsky: config: particles.nside = 3: must be a power of two in 1..1024',
  },
  {
    name: 'zero realizations',
    args: (o) => [...SIM(o), '--realizations', '0'],
    stderr: 'crsky: config: realizations = 0: must be >= 1',
  },
  {
    name: 'a step larger than the gyroradius',
    args: (o) => [...SIM(o), '--step', '1000'],
    stderr: /^crsky: config: tracking\.stepPc = 1000: must be <= r_g = 1\.414 pc \(rigidity 1\.85\d* PV in 1\.414 uG\); r_g\/20 is the default$/,
  },
  {
    name: 'a negative snapshot time',
    args: (o) => [...SIM(o), '--set', 'tracking.timesPc=[-1]'],
    stderr: 'crsky: config: tracking.timesPc.0 = -1: must be > 0',
  },
  {
    name: 'a field value NaN on the command line',
    args: (o) => [...SIM(o), '--set', 'field.b0UG=NaN'],
    stderr: 'crsky: config: field.b0UG = "NaN": must be a number (regular field magnitude, uG, >= 0)',
  },
  {
    name: 'a field value "NaN" in a config file',
    args: (o, fx) => [...SIM(o), '--config', path.join(fx, 'nan.json')],
    stderr: 'crsky: config: field.b0UG = "NaN": must be a number (regular field magnitude, uG, >= 0)',
  },
  {
    name: 'no field at all (B0 = B_rms = 0) and times in units of 1/Omega: there is no Omega',
    args: (o) => [...SIM(o), '--b0', '0', '--brms', '0', '--step', '1'],
    stderr: /^crsky: config: tracking\.timesOmega = \[10,50\]: with field\.b0UG = 0 and field\.turbulence\.brmsUG = 0 there is no Omega; give tracking\.timesPc instead$/,
  },
  {
    name: 'no field at all (B0 = B_rms = 0) and no step: nothing to derive it from',
    args: (o) => [...SIM(o), '--b0', '0', '--brms', '0'],
    stderr: /^crsky: config: tracking\.stepPc = \(missing\): with field\.b0UG = 0 and field\.turbulence\.brmsUG = 0 there is no r_g or lMin to derive a step from; give one in pc \(> 0\)$/,
  },
  {
    name: 'a turbulence grid too coarse for the spectrum',
    args: (o) => [...SIM(o), '--method', 'grid', '--grid-n', '8'],
    stderr: /^crsky: config: field\.turbulence\.spectrum\.lMinPc = 1: must be >= 2 × grid spacing = 25 pc \(gridN = 8, gridSpacingPc = 12\.5 pc, box 100 pc\)/,
  },
  {
    name: 'a mode table with a NaN',
    args: (o, fx) => [...SIM(o), '--set', `field.turbulence.modeTableFile=${path.join(fx, 'modes_nan.csv')}`],
    stderr: (fx) => `crsky: config: field.turbulence.modeTableFile = "${path.join(fx, 'modes_nan.csv')}": ${path.join(fx, 'modes_nan.csv')}:3: column ay = "NaN" is not a finite number`,
  },
  {
    name: 'a mode table with a malformed line',
    args: (o, fx) => [...SIM(o), '--set', `field.turbulence.modeTableFile=${path.join(fx, 'modes_bad.csv')}`],
    stderr: (fx) =>
      `crsky: config: field.turbulence.modeTableFile = "${path.join(fx, 'modes_bad.csv')}": ${path.join(fx, 'modes_bad.csv')}:3: expected 7 comma-separated numbers (kx,ky,kz,ax,ay,az,phase), got 3`,
  },
  {
    name: 'a mode table that does not exist',
    args: (o, fx) => [...SIM(o), '--set', `field.turbulence.modeTableFile=${path.join(fx, 'none.csv')}`],
    stderr: /^crsky: config: field\.turbulence\.modeTableFile = ".*none\.csv": mode table .*none\.csv: cannot read \(ENOENT/,
  },
  {
    name: 'an override without "="',
    args: (o) => [...SIM(o), '--set', 'seed'],
    stderr: 'crsky: --set seed: expected key.path=value',
  },
  // ---- simulate: sources and options
  {
    name: 'a config file that does not exist',
    args: (o, fx) => [...SIM(o), '--config', path.join(fx, 'none.json')],
    stderr: (fx) => `crsky: --config ${path.join(fx, 'none.json')}: cannot read (ENOENT)`,
  },
  {
    name: 'a config file that is not JSON',
    args: (o, fx) => [...SIM(o), '--config', path.join(fx, 'broken.json')],
    stderr: /^crsky: --config .*broken\.json: not valid JSON \(.+\)$/,
  },
  {
    name: 'an unknown preset',
    args: (o) => ['simulate', '--preset', 'nope', '--out', o],
    stderr: 'crsky: --preset nope: unknown preset; allowed: quick, giacinti-sigl-2012, ahlers-mertsch-2015',
  },
  {
    name: 'an unknown backend',
    args: (o) => [...SIM(o), '--backend', 'gpu'],
    stderr: 'crsky: Invalid values:\n  Argument: backend, Given: "gpu", Choices: "auto", "cpu", "webgpu"\nRun with --help for the options.',
    lines: 3,
  },
  {
    name: 'a shard index not below the shard count (--shard 3/2)',
    args: (o) => [...SIM(o), '--shard', '3/2'],
    stderr: 'crsky: --shard 3/2: need 0 <= i < N and N >= 1',
  },
  {
    name: 'a shard that is not i/N (--shard x)',
    args: (o) => [...SIM(o), '--shard', 'x'],
    stderr: 'crsky: --shard x: expected i/N with 0 <= i < N, e.g. 0/4',
  },
  {
    name: 'a negative shard index (--shard -1/2) is read as the shard, not as flags',
    args: (o) => [...SIM(o), '--shard', '-1/2'],
    stderr: 'crsky: --shard -1/2: expected i/N with 0 <= i < N, e.g. 0/4',
  },
  {
    name: 'snapshot times out of order',
    args: (o) => [...SIM(o), '--set', 'tracking.timesOmega=[50,10]'],
    stderr: 'crsky: config: tracking.timesOmega = [50,10]: must be in increasing order',
  },
  {
    name: 'B0 = 0 with an anisotropic given K: refused before any tracking',
    args: (o) => [...SIM(o), '--b0', '0', '--set', 'liouville.diffusion={"parallelPc":1,"perpendicularPc":2}'],
    stderr: 'crsky: config: liouville.diffusion = {"parallelPc":1,"perpendicularPc":2}: with field.b0UG = 0 there is no axis to be parallel to; give parallelPc = perpendicularPc',
  },
  // ---- resource bounds: refused before any work, naming the option, the estimate and the limit
  {
    name: 'N_side 1024 with 16x16 particles per pixel does not fit in memory',
    args: (o) => [...SIM(o), '--nside', '1024', '--set', 'particles.perPixelSide=16'],
    stderr: /^crsky: config: particles\.nside = 1024, perPixelSide = 16: 3\.22e\+9 particles need about [\d.]+ GiB \(launch directions and end states at 2 snapshots\), over the limit of [\d.]+ GiB \(3\/4 of this machine's memory\); lower particles\.nside or particles\.perPixelSide$/,
  },
  {
    name: 'N_side 1024 with 8x8 particles per pixel does not fit in memory',
    args: (o) => [...SIM(o), '--nside', '1024', '--set', 'particles.perPixelSide=8'],
    stderr: /^crsky: config: particles\.nside = 1024, perPixelSide = 8: 8\.05e\+8 particles need about [\d.]+ GiB .*, over the limit of [\d.]+ GiB/,
  },
  {
    name: 'a step of 1e-300 pc would never finish',
    args: (o) => [...SIM(o), '--step', '1e-300'],
    stderr: /^crsky: config: tracking\.stepPc = 1e-300: the last snapshot \(T = 100 pc\) takes 1\.0e\+302 steps per particle, over the limit of 1e\+9; raise tracking\.stepPc or lower the times$/,
  },
  {
    name: 'a snapshot at Omega*T = 1e12 would never finish',
    args: (o) => [...SIM(o), '--set', 'tracking.timesOmega=[1e12]'],
    stderr: /^crsky: config: tracking\.timesOmega = \[1000000000000\]: the last snapshot \(T = 2\.0\d*e\+12 pc\) takes [\d.]+e\+13 steps per particle \(step [\d.]+ pc\), over the limit of 1e\+9; lower the times or raise tracking\.stepPc$/,
  },
  {
    name: 'diffusion: 1e9 snapshot times do not fit in memory',
    args: (o) => ['diffusion', '--nt', '1e9', '--csv', path.join(o, 'd.csv')],
    stderr: /^crsky: diffusion --nt 1000000000: 256 particles × 1e\+9 snapshots need about [\d.]+ TiB, over the limit of [\d.]+ GiB \(3\/4 of this machine's memory\); lower --nt or --particles$/,
  },
  {
    name: 'diffusion: 1e12 particles do not fit in memory',
    args: (o) => ['diffusion', '--particles', '1e12', '--csv', path.join(o, 'd.csv')],
    stderr: /^crsky: diffusion --particles 1000000000000: 1e\+12 particles × 16 snapshots need about [\d.]+ TiB, over the limit of [\d.]+ GiB \(3\/4 of this machine's memory\); lower --nt or --particles$/,
  },
  {
    name: 'diffusion: --csv is a directory: refused before any tracking',
    args: (_o, fx) => ['diffusion', '--csv', path.join(fx, 'adir')],
    stderr: (fx) => `crsky: diffusion --csv ${path.join(fx, 'adir')}: is a directory; give a file name`,
  },
  {
    name: 'an empty --out',
    args: () => [...SIM(''), '--nside', '2'],
    stderr: 'crsky: --out "": an empty path; name a directory',
  },
  {
    name: '--out under a file',
    args: (_o, fx) => [...SIM(path.join(fx, 'afile', 'run'))],
    stderr: (fx) => `crsky: --out ${path.join(fx, 'afile', 'run')}: ${path.join(fx, 'afile')} is a file, not a directory`,
  },
  // ---- scan
  {
    name: 'scan: a scan file that does not exist',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'none.json'), '--out', o],
    stderr: (fx) => `crsky: scan --config ${path.join(fx, 'none.json')}: no such file`,
  },
  {
    name: 'scan: a scan file that is not JSON',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'broken.json'), '--out', o],
    stderr: /^crsky: scan --config .*broken\.json: not valid JSON \(.+\)$/,
  },
  {
    name: 'scan: an unknown key in the scan file',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan_unknown.json'), '--out', o],
    stderr: 'crsky: scan: (top level): unknown option "grids"',
  },
  {
    name: 'scan: neither a grid nor points',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan_empty.json'), '--out', o],
    stderr: 'crsky: scan: grid = (missing): give a grid or a list of points',
  },
  {
    name: 'scan: a point whose config is invalid, named with its parameters',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan_badpoint.json'), '--out', o],
    stderr: 'crsky: scan point 1 ({"particles.nside":3}):\nconfig: particles.nside = 3: must be a power of two in 1..1024',
    lines: 2,
  },
  {
    name: 'scan: a plot over a parameter that is not scanned: refused before any point runs',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan_badplot.json'), '--out', o],
    stderr: 'crsky: scan: plots.0.x = "particles.rigidityPV": not a numeric scanned parameter (scanned: particles.nside)',
  },
  {
    name: 'scan: --out is a file: refused before any point runs',
    args: (_o, fx) => ['scan', '--config', path.join(fx, 'scan.json'), '--out', path.join(fx, 'afile')],
    stderr: (fx) => `crsky: scan --out ${path.join(fx, 'afile')}: exists and is not a directory`,
  },
  {
    name: 'scan: a scan file that is a directory',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'adir'), '--out', o],
    stderr: /^crsky: scan --config .*adir: cannot read \(EISDIR: .+\)$/,
  },
  {
    name: 'scan: --point out of range',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan.json'), '--point', '5', '--out', o],
    stderr: 'crsky: scan --point 5: must be an integer in [0, 1]',
  },
  {
    name: 'scan: --shard without --point',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan.json'), '--shard', '0/2', '--out', o],
    stderr: 'crsky: scan --shard needs --point (one cluster task is one point and one shard)',
  },
  {
    name: 'scan: a shard count other than the scan file’s',
    args: (o, fx) => ['scan', '--config', path.join(fx, 'scan.json'), '--point', '0', '--shard', '0/3', '--out', o],
    stderr: 'crsky: scan --shard 0/3: the scan file says shards = 2; use i/2',
  },
  // ---- analyze
  {
    name: 'analyze: a map file that does not exist',
    args: (o, fx) => ['analyze', path.join(fx, 'none.fits'), '--out', o],
    stderr: (fx) => `crsky: analyze: ${path.join(fx, 'none.fits')}: no such file`,
  },
  {
    name: 'analyze: a file that is not FITS',
    args: (o, fx) => ['analyze', path.join(fx, 'text.fits'), '--out', o],
    stderr: /^crsky: analyze: .*text\.fits: not a FITS file/,
  },
  {
    name: 'analyze: a FITS file without a HEALPix map (an image)',
    args: (o, fx) => ['analyze', path.join(fx, 'image.fits'), '--out', o],
    stderr: /^crsky: analyze: .*image\.fits: no BINTABLE extension, so no HEALPix map/,
  },
  {
    name: 'analyze: --lmax above 3 N_side - 1',
    args: (o, fx) => ['analyze', path.join(fx, 'map.fits'), '--lmax', '100', '--out', o],
    stderr: 'crsky: analyze --lmax 100: must be an integer in [1, 5] (3·N_side − 1)',
  },
  {
    name: 'analyze: --lmax not a number',
    args: (o, fx) => ['analyze', path.join(fx, 'map.fits'), '--lmax', 'abc', '--out', o],
    stderr: 'crsky: analyze --lmax abc: must be a number',
  },
  {
    name: 'analyze: --iter outside 0..10',
    args: (o, fx) => ['analyze', path.join(fx, 'map.fits'), '--iter', '11', '--out', o],
    stderr: 'crsky: analyze --iter 11: must be an integer in [0, 10]',
  },
  {
    name: 'analyze: --smooth outside (0, 180]',
    args: (o, fx) => ['analyze', path.join(fx, 'map.fits'), '--smooth', '0', '--out', o],
    stderr: 'crsky: analyze --smooth 0: radius in degrees must be in (0, 180]',
  },
  {
    name: 'analyze: a directory where the map belongs',
    args: (o, fx) => ['analyze', path.join(fx, 'adir'), '--out', o],
    stderr: (fx) => `crsky: analyze: ${path.join(fx, 'adir')}: is a directory, not a FITS file`,
  },
  {
    name: 'analyze: an N_side 3 map names the file',
    args: (o, fx) => ['analyze', path.join(fx, 'nside3.fits'), '--out', o],
    stderr: (fx) => `crsky: analyze: ${path.join(fx, 'nside3.fits')}: 108 pixels (N_side 3): crsky's HEALPix functions need N_side a power of two`,
  },
  // ---- merge, diffusion, bench
  {
    name: 'merge: a directory that is no run',
    args: (o, fx) => ['merge', fx, '--out', o],
    stderr: (fx) => `crsky: merge: ${fx} has no manifest.json; not a crsky run directory`,
  },
  {
    name: 'merge: no directories',
    args: (o) => ['merge', '--out', o],
    stderr: 'crsky: Not enough non-option arguments: got 0, need at least 1\nRun with --help for the options.',
    lines: 2,
  },
  {
    name: 'diffusion: zero particles',
    args: (o) => ['diffusion', '--particles', '0', '--csv', path.join(o, 'd.csv')],
    stderr: 'crsky: --particles 0: must be an integer >= 1',
  },
  {
    name: 'diffusion: a negative time',
    args: (o) => ['diffusion', '--tmin', '-1', '--csv', path.join(o, 'd.csv')],
    stderr: 'crsky: --tmin -1: must be a time > 0 in pc',
  },
  {
    name: 'bench: an unknown backend',
    args: () => ['bench', '--backends', 'cpu,gpu'],
    stderr: "crsky: bench --backends: unknown backend 'gpu' (cpu, webgpu)",
  },
  {
    name: 'bench: --json is a directory: refused before measuring',
    args: (_o, fx) => ['bench', '--quick', '--json', path.join(fx, 'adir')],
    stderr: (fx) => `crsky: bench --json ${path.join(fx, 'adir')}: is a directory; give a file name`,
  },
  {
    name: 'bench: a run shorter than 0.1 s',
    args: () => ['bench', '--seconds', '0.01'],
    stderr: 'crsky: bench --seconds 0.01: must be >= 0.1',
  },
  {
    name: 'bench: zero particles',
    args: () => ['bench', '--particles', '0'],
    stderr: 'crsky: bench --particles 0: each count must be an integer in [1, 16777216]',
  },
  {
    name: 'bench: a particle count that is no integer, in a list',
    args: () => ['bench', '--workload', 'crpropa', '--particles', '16384,1.5e3x'],
    stderr: 'crsky: bench --particles 16384,1.5e3x: each count must be an integer in [1, 16777216]',
  },
  {
    name: 'bench: an unknown row',
    args: () => ['bench', '--modes', '256,32'],
    stderr: "crsky: bench --modes: unknown row '32' (64, 256, 1024, grid)",
  },
];

let fx: string;
let results: CliResult[];

function writeFixtures(dir: string): void {
  const w = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  w('nan.json', JSON.stringify({ field: { b0UG: 'NaN' } }));
  w('broken.json', '{"seed": 1,');
  const header = 'kx,ky,kz,ax,ay,az,phase\n';
  w('modes_nan.csv', `${header}0.1,0,0,0,1,0,0\n0.2,0,0,0,NaN,0,0\n`);
  w('modes_bad.csv', `${header}0.1,0,0,0,1,0,0\n0.2,0,0\n`);
  const scan = { name: 'err', preset: 'quick', base: { realizations: 2 }, grid: { 'particles.nside': [2, 4] }, shards: 2 };
  w('scan.json', JSON.stringify(scan));
  w('scan_unknown.json', JSON.stringify({ ...scan, grids: {} }));
  w('scan_empty.json', JSON.stringify({ name: 'err', preset: 'quick' }));
  w('scan_badplot.json', JSON.stringify({ ...scan, plots: [{ x: 'particles.rigidityPV', y: 'c1' }] }));
  fs.mkdirSync(path.join(dir, 'adir'));
  w('afile', 'not a directory\n');
  writeHealpixFits(path.join(dir, 'nside3.fits'), { ordering: 'RING', columns: [{ name: 'I', data: new Float64Array(108).fill(1) }] });
  w('scan_badpoint.json', JSON.stringify({ ...scan, grid: { 'particles.nside': [2, 3] } }));
  w('text.fits', 'this is not a FITS file\n');
  // a valid FITS file holding an empty primary image and no table
  const cards = ['SIMPLE  =                    T', 'BITPIX  =                    8', 'NAXIS   =                    0', 'END'];
  w('image.fits', cards.map((c) => c.padEnd(80)).join('').padEnd(2880));
  writeHealpixFits(path.join(dir, 'map.fits'), { ordering: 'RING', columns: [{ name: 'I', data: new Float64Array(48).fill(1) }] });
}

beforeAll(async () => {
  fx = makeTempDir('crsky-cli-errors-');
  writeFixtures(fx);
  results = await runCliAll(
    CASES.map((c, i) => c.args(path.join(fx, `out${i}`), fx)),
    2,
    { timeoutMs: 60_000 },
  );
  // ~60 command lines, two at a time, each a few seconds on a loaded 2-core machine
}, 600_000);

afterAll(cleanupCli);

describe('bad input: exit code 2, one clear message, nothing written', () => {
  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = CASES[i];
    const r = results[i];
    expect(r.timedOut).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const err = r.stderr.trim();
    const want = typeof c.stderr === 'function' ? c.stderr(fx) : c.stderr;
    if (typeof want === 'string') expect(err).toBe(want);
    else expect(err).toMatch(want);
    expect(err.split('\n')).toHaveLength(c.lines ?? 1);
    expect(fs.existsSync(path.join(fx, `out${i}`)), 'the --out directory was created').toBe(false);
  });
});

describe('a request the GPU cannot hold', () => {
  // Pins lavapipe's 128 MiB storage bindings (CI's device): a 512³ grid takes 512 MiB per component.
  it('a grid over the device binding limit exits 2 naming the size and the limit, before anything is written (webgpu)', async () => {
    const out = path.join(fx, 'biggrid');
    const [r] = await runCliAll(
      [['simulate', '--preset', 'quick', '--backend', 'webgpu', '--method', 'grid', '--grid-n', '512', '--set', 'field.turbulence.spectrum.lMinPc=2', '--out', out]],
      1,
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(2);
    // Dawn itself may print driver warnings ("Warning: ...") on stderr; our message is one line.
    const ours = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning:'));
    expect(ours).toEqual([expect.stringMatching(/^crsky: webgpu: grid 512³ needs 512\.0 MiB per field component, over this device's maxStorageBufferBindingSize \d+\.\d MiB$/)]);
    expect(fs.existsSync(out)).toBe(false);
  });

  // Nested grids share the three component bindings, one grid after another: 256³ + 256³ fill
  // lavapipe's 128 MiB exactly, the third grid's 32³ goes over although each grid fits alone.
  it('nested grids whose packed nodes exceed a binding exit 2 naming every grid and the limit, before anything is written (webgpu)', async () => {
    const out = path.join(fx, 'bignested');
    const grids = '{"grids":[{"n":256,"spacingPc":1},{"n":256,"spacingPc":0.25},{"n":32,"spacingPc":0.5}],"splitWavelengthsPc":[64,16]}';
    const [r] = await runCliAll(
      [['simulate', '--preset', 'quick', '--backend', 'webgpu', '--method', 'nested-grids', '--set', 'field.turbulence.spectrum.lMinPc=2', '--set', 'field.turbulence.spectrum.lMaxPc=256', '--set', `field.turbulence.nestedGrids=${grids}`, '--out', out]],
      1,
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(2);
    const ours = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning:'));
    expect(ours).toEqual([expect.stringMatching(/^crsky: webgpu: nested grids 256³ \+ 256³ \+ 32³ needs 128\.1 MiB per field component, over this device's maxStorageBufferBindingSize \d+\.\d MiB$/)]);
    expect(fs.existsSync(out)).toBe(false);
  });
});
