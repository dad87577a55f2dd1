/**
 * A fresh Debian 12 + Node 20 machine (issue 11, item 14): the README's test command sets up and
 * passes the tests by itself. It is `npm run test:full`, which runs `.ci/install-system` (installs
 * the Debian packages the tests need, only those missing, saying what and why) and then
 * `npm test`; `.ci/run` calls the same. The installer runs here against stand-ins for dpkg-query,
 * apt-get and sudo that record what they are asked, so nothing is installed by the test.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCli, makeTempDir, REPO_ROOT } from '../helpers/cli.ts';

const INSTALLER = path.join(REPO_ROOT, '.ci/install-system');
/** What a Debian 12 machine with everything (Mesa from bookworm-backports) reports. */
const ALL: Readonly<Record<string, string>> = {
  'mesa-vulkan-drivers': '25.0.7-2~bpo12+1',
  libvulkan1: '1.3.239.0-1',
  'python3-healpy': '1.16.1-1+b2',
  'python3-numpy': '1:1.24.2-1+deb12u1',
  'python3-astropy': '5.2.1-2+deb12u1',
  'python3-h5py': '3.7.0-8',
  'fonts-dejavu-core': '2.37-6',
  chromium: '156.0.8078.114-1~deb12u1',
};

let tmp: string;
let bin: string;

beforeAll(() => {
  tmp = makeTempDir('crsky-fresh-');
  bin = path.join(tmp, 'bin');
  fs.mkdirSync(bin);
  const script = (name: string, body: string[]) => {
    fs.writeFileSync(path.join(bin, name), ['#!/bin/bash', ...body, ''].join('\n'));
    fs.chmodSync(path.join(bin, name), 0o755);
  };
  // dpkg-query -W -f='${db:Status-Status} ${Version}' PKG, answered from $FAKE_DPKG ("pkg version" lines)
  script('dpkg-query', ['pkg="${@: -1}"', 'v=$(awk -v p="$pkg" \'$1 == p { print $2 }\' "$FAKE_DPKG")', 'if [ -z "$v" ]; then echo "dpkg-query: no packages found matching $pkg" >&2; exit 1; fi', 'printf "installed %s" "$v"']);
  script('apt-get', ['echo "apt-get $*" >> "$CALLS"']);
  script('sudo', ['echo "sudo $*" >> "$CALLS"', 'exec "$@"']);
});

afterAll(cleanupCli);

function install(installed: Readonly<Record<string, string>>, args: string[] = []): { status: number | null; stdout: string; stderr: string; calls: string[] } {
  const dpkg = path.join(tmp, `dpkg-${Math.random().toString(36).slice(2)}`);
  const calls = `${dpkg}.calls`;
  fs.writeFileSync(dpkg, Object.entries(installed).map(([p, v]) => `${p} ${v}\n`).join(''));
  const r = spawnSync('bash', [INSTALLER, ...args], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, FAKE_DPKG: dpkg, CALLS: calls } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').trim().split('\n') : [] };
}

describe('a fresh machine: one command sets up and runs the tests', () => {
  it('the README’s second command is `npm ci && npm run test:full`; test:full installs what is missing, then runs npm test; .ci/run calls it', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test:full']).toBe('bash .ci/install-system && npm test');
    expect(pkg.scripts.test).toBe('tsc --noEmit -p . && vitest run');
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /## Set-up: two commands[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(commands).toEqual(['npm ci && npx crsky simulate --preset quick --out out/quick', 'npm ci && npm run test:full']);
    expect(fs.readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')).toMatch(/^npm run test:full$/m);
  });

  it('with every package present it says so in one line and installs nothing', () => {
    const r = install(ALL);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('crsky: the system packages the tests need are all installed (mesa-vulkan-drivers 25.0.7-2~bpo12+1, libvulkan1, python3-healpy, python3-numpy, python3-astropy, python3-h5py, fonts-dejavu-core, chromium)');
    expect(r.calls).toEqual([]);
  });

  it('installs exactly the missing packages, saying why each is needed', () => {
    const { chromium: _c, 'python3-healpy': _h, ...rest } = ALL;
    const r = install(rest);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('crsky: installing 2 system packages the tests need:');
    expect(r.stdout).toMatch(/^ {2}python3-healpy \(not installed\): .*healpy.*$/m);
    expect(r.stdout).toMatch(/^ {2}chromium \(not installed\): .*browser.*$/m);
    expect(r.calls.filter((c) => !c.startsWith('sudo '))).toEqual(['apt-get update -q', 'apt-get install -y -q --no-install-recommends python3-healpy chromium']);
  });

  it('an old Mesa (Debian 12’s own 22.3) counts as missing; --check reports it, installs nothing and exits 1', () => {
    const r = install({ ...ALL, 'mesa-vulkan-drivers': '22.3.6-1+deb12u1' }, ['--check']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}mesa-vulkan-drivers \(22\.3\.6-1\+deb12u1 installed, need >= 25 from bookworm-backports\): .*lavapipe.*$/m);
    expect(r.calls).toEqual([]);
  });
});
