/**
 * Run a Python snippet with Debian's healpy (`/usr/bin/python3`, never the first python3 on
 * PATH) and exchange arrays through raw little-endian files in a temporary directory.
 *
 * In the snippet, `np` and `hp` are imported, `load(name)` returns an input array and
 * `save(name, array)` returns an array to TypeScript (floats as Float64Array, integers as
 * Int32Array when they fit, complex as interleaved re/im Float64Array, booleans as Uint8Array),
 * `result(name, value)` returns a JSON-able value (e.g. a timing).
 *
 * If healpy cannot be imported this throws, with the import error in the message: tests that
 * use it fail, never skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HEALPY_PYTHON = '/usr/bin/python3';

export type HealpyArray = Float64Array | Int32Array | Uint8Array;

export interface HealpyResult {
  arrays: Record<string, HealpyArray>;
  values: Record<string, unknown>;
  stdout: string;
}

export interface HealpyOptions {
  /** Extra environment; OMP_NUM_THREADS defaults to 1 so tests stay polite on a shared machine. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

const PRELUDE = String.raw`
import sys, json, os
try:
    import numpy as np
    import healpy as hp
except Exception as _e:
    sys.stderr.write("HEALPY_IMPORT_ERROR: %r\n" % (_e,))
    sys.exit(97)
_dir = sys.argv[1]
with open(os.path.join(_dir, "inputs.json")) as _fh:
    _inputs = json.load(_fh)
_outputs = {}
_values = {}
def load(name):
    info = _inputs[name]
    return np.fromfile(os.path.join(_dir, "in_" + name + ".bin"), dtype=info["dtype"])
def save(name, arr):
    a = np.asarray(arr)
    if np.iscomplexobj(a):
        a = np.ascontiguousarray(a.astype(np.complex128)).view(np.float64)
        dt = "<f8"
    elif a.dtype == np.bool_:
        a = a.astype(np.uint8); dt = "|u1"
    elif np.issubdtype(a.dtype, np.integer):
        if a.size and (a.min() < -2**31 or a.max() >= 2**31):
            a = a.astype(np.float64); dt = "<f8"
        else:
            a = a.astype("<i4"); dt = "<i4"
    else:
        a = a.astype("<f8"); dt = "<f8"
    np.ascontiguousarray(a).ravel().tofile(os.path.join(_dir, "out_" + name + ".bin"))
    _outputs[name] = dt
def result(name, value):
    _values[name] = value
`;

const EPILOGUE = String.raw`
with open(os.path.join(_dir, "outputs.json"), "w") as _fh:
    json.dump({"arrays": _outputs, "values": _values}, _fh)
`;

function dtypeOf(a: HealpyArray): string {
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  return '|u1';
}

/** Run `code` (Python, with the prelude above) and collect what it saved. */
export function runHealpy(
  code: string,
  inputs: Record<string, HealpyArray> = {},
  opts: HealpyOptions = {},
): HealpyResult {
  const dir = mkdtempSync(join(tmpdir(), 'crsky-healpy-'));
  try {
    const manifest: Record<string, { dtype: string }> = {};
    for (const [name, arr] of Object.entries(inputs)) {
      manifest[name] = { dtype: dtypeOf(arr) };
      // typed arrays are little-endian on every platform Node runs on here (x86-64, arm64)
      writeFileSync(join(dir, `in_${name}.bin`), new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    }
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify(manifest));
    const script = join(dir, 'script.py');
    writeFileSync(script, `${PRELUDE}\n${code}\n${EPILOGUE}`);
    const proc = spawnSync(HEALPY_PYTHON, [script, dir], {
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 300_000,
      env: { ...process.env, OMP_NUM_THREADS: '1', ...opts.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (proc.error) {
      throw new Error(`healpy: could not run ${HEALPY_PYTHON}: ${proc.error.message}`);
    }
    if (proc.status === 97) {
      throw new Error(
        `healpy cannot be imported by ${HEALPY_PYTHON} (install Debian's python3-healpy): ${proc.stderr.trim()}`,
      );
    }
    if (proc.status !== 0) {
      throw new Error(`healpy script failed (exit ${proc.status}):\n${proc.stderr}\n${proc.stdout}`);
    }
    const out = JSON.parse(readFileSync(join(dir, 'outputs.json'), 'utf8')) as {
      arrays: Record<string, string>;
      values: Record<string, unknown>;
    };
    const arrays: Record<string, HealpyArray> = {};
    for (const [name, dt] of Object.entries(out.arrays)) {
      const buf = readFileSync(join(dir, `out_${name}.bin`));
      const bytes = new Uint8Array(buf.byteLength);
      bytes.set(buf);
      arrays[name] =
        dt === '<f8' ? new Float64Array(bytes.buffer) : dt === '<i4' ? new Int32Array(bytes.buffer) : bytes;
    }
    return { arrays, values: out.values, stdout: proc.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `runHealpy(...).arrays[name]` as a Float64Array (throws if missing or not float64). */
export function f64(res: HealpyResult, name: string): Float64Array {
  const a = res.arrays[name];
  if (!(a instanceof Float64Array)) throw new Error(`healpy output ${name} missing or not float64`);
  return a;
}

/** `runHealpy(...).arrays[name]` as an Int32Array (throws if missing or not int32). */
export function i32(res: HealpyResult, name: string): Int32Array {
  const a = res.arrays[name];
  if (!(a instanceof Int32Array)) throw new Error(`healpy output ${name} missing or not int32`);
  return a;
}
