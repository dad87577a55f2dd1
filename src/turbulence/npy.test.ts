import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPython } from '../../test/helpers/python.ts';
import { encodeNpy, parseNpy } from './npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'crsky-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.npy reader and writer', () => {
  it('reads what numpy writes: float32/float64, little and big endian, C and Fortran order, format 1.0 and 2.0 (exact values)', () => {
    // a[i, j, k] = i + 10 j + 100 k + 0.25 in each file, so the index order can be checked
    runPython(
      `import numpy as np
from numpy.lib import format as F
i, j, k = np.meshgrid(np.arange(2), np.arange(3), np.arange(4), indexing='ij')
a = (i + 10 * j + 100 * k + 0.25)
np.save('${dir}/c_f4.npy', a.astype('<f4'))
np.save('${dir}/c_f8_be.npy', a.astype('>f8'))
np.save('${dir}/fortran_f8.npy', np.asfortranarray(a))
with open('${dir}/v2_f4.npy', 'wb') as fh:
    F.write_array(fh, a.astype('<f4'), version=(2, 0))
`,
    );
    for (const name of ['c_f4', 'c_f8_be', 'fortran_f8', 'v2_f4']) {
      const arr = parseNpy(readFileSync(join(dir, `${name}.npy`)), name);
      expect(arr.shape, name).toEqual([2, 3, 4]);
      const at = (i: number, j: number, k: number) => (arr.fortranOrder ? arr.data[i + 2 * (j + 3 * k)] : arr.data[k + 4 * (j + 3 * i)]);
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(at(i, j, k), name).toBe(i + 10 * j + 100 * k + 0.25);
      expect(arr.data instanceof Float32Array).toBe(name.includes('f4'));
    }
    expect(parseNpy(readFileSync(join(dir, 'fortran_f8.npy'))).fortranOrder).toBe(true);
  });

  it('numpy reads what encodeNpy writes, bit for bit (float32 and float64)', () => {
    const f4 = Float32Array.from({ length: 24 }, (_, i) => Math.fround(Math.sin(i) * 1e-3));
    const f8 = Float64Array.from({ length: 24 }, (_, i) => Math.cos(i) / 3);
    writeFileSync(join(dir, 'ours_f4.npy'), encodeNpy(f4, [2, 3, 4]));
    writeFileSync(join(dir, 'ours_f8.npy'), encodeNpy(f8, [4, 6]));
    const out = runPython(
      `import numpy as np
a = np.load('${dir}/ours_f4.npy'); b = np.load('${dir}/ours_f8.npy')
print(a.dtype, a.shape, b.dtype, b.shape)
a.ravel().astype('<f4').tofile('${dir}/back_f4.bin'); b.ravel().astype('<f8').tofile('${dir}/back_f8.bin')
`,
    );
    expect(out.trim()).toBe('float32 (2, 3, 4) float64 (4, 6)');
    expect(Buffer.from(readFileSync(join(dir, 'back_f4.bin'))).equals(Buffer.from(f4.buffer))).toBe(true);
    expect(Buffer.from(readFileSync(join(dir, 'back_f8.bin'))).equals(Buffer.from(f8.buffer))).toBe(true);
  });

  it('rejects non-npy bytes, unsupported dtypes and truncated data with a message naming the problem', () => {
    expect(() => parseNpy(new Uint8Array(20))).toThrow(/not a .npy file/);
    const ints = encodeNpy(new Float32Array(4), [4]);
    const text = new TextDecoder('latin1').decode(ints).replace("'<f4'", "'<i4'");
    expect(() => parseNpy(Uint8Array.from(text, (c) => c.charCodeAt(0)))).toThrow(/dtype '<i4' is not supported/);
    expect(() => parseNpy(ints.subarray(0, ints.length - 2))).toThrow(/truncated/);
  });
});
