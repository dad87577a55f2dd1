/**
 * Runs Debian's Python (/usr/bin/python3, always by that path: the first python3 on PATH may be a
 * different interpreter without healpy) for cross-checks against healpy and astropy.
 * Scripts go in through stdin and arrays through files, never through argv.
 */
import { spawnSync } from 'node:child_process';

export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Runs `script` with /usr/bin/python3 and returns its stdout; throws with stderr on failure. */
export function runPython(script: string, options: { cwd?: string; timeoutMs?: number } = {}): string {
  const res = spawnSync(SYSTEM_PYTHON, ['-'], {
    input: script,
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new Error(`cannot run ${SYSTEM_PYTHON}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`${SYSTEM_PYTHON} exited with ${res.status ?? res.signal}:\n${res.stderr}`);
  }
  return res.stdout;
}

/**
 * Throws a clear error when healpy/astropy cannot be imported by /usr/bin/python3 (the tests that
 * call this must fail, not skip: the cross-checks are the point).
 */
export function requireHealpy(): void {
  try {
    runPython('import healpy, astropy.io.fits, numpy\n', { timeoutMs: 30_000 });
  } catch (e) {
    throw new Error(
      `healpy/astropy are not importable by ${SYSTEM_PYTHON}; install Debian's python3-healpy python3-astropy ` +
        `python3-numpy (.ci/install-system does). Details: ${(e as Error).message}`,
    );
  }
}
