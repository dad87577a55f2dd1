/**
 * NumPy's .npy format, read and written from bytes (no file system: browser-clean), for field
 * cubes from MHD codes and crsky's own grids.
 *
 * Format (numpy.lib.format, versions 1.0-3.0): the magic "\x93NUMPY", a major and minor version
 * byte, the header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), an ASCII (3.0: UTF-8) Python
 * dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (64, 64, 64), } padded with
 * spaces to a multiple of 64 bytes (16 in old files) and ended by '\n', then the raw array.
 *
 * Why by hand: the format is a page of spec, and the npm readers are either Node-only or
 * unmaintained; this keeps the turbulence code free of file-system and package dependencies.
 * Float dtypes only ('<f4', '>f4', '<f8', '>f8'): magnetic fields are stored as floats.
 */

export interface NpyArray {
  readonly shape: readonly number[];
  /** The dtype descriptor as written, e.g. '<f4'. */
  readonly descr: string;
  /** Column-major element order (numpy's order='F'). */
  readonly fortranOrder: boolean;
  /** The values, in native byte order: float32 stays Float32Array, float64 Float64Array. */
  readonly data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function headerField(header: string, key: string, what: string): string {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*`).exec(header);
  if (!m) throw new Error(`${what}: .npy header has no '${key}': ${header.trim()}`);
  return header.slice(m.index + m[0].length);
}

/** Parses a .npy file's bytes. `what` names the source in error messages. */
export function parseNpy(bytes: Uint8Array, what = '.npy data'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error(`${what}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error(`${what}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new Error(`${what}: .npy format version ${major}.${bytes[7]} is not supported (1.0-3.0 are)`);
  }
  if (start + headerLen > bytes.length) throw new Error(`${what}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));

  const descrMatch = /^['"]([^'"]+)['"]/.exec(headerField(header, 'descr', what));
  if (!descrMatch) throw new Error(`${what}: cannot read the dtype in the .npy header: ${header.trim()}`);
  const descr = descrMatch[1];
  const fortranMatch = /^(True|False)/.exec(headerField(header, 'fortran_order', what));
  if (!fortranMatch) throw new Error(`${what}: cannot read fortran_order in the .npy header`);
  const shapeMatch = /^\(([^)]*)\)/.exec(headerField(header, 'shape', what));
  if (!shapeMatch) throw new Error(`${what}: cannot read the shape in the .npy header`);
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what}: bad dimension ${s} in the .npy shape`);
      return n;
    });

  const m = /^([<>|=])f([48])$/.exec(descr);
  if (!m) throw new Error(`${what}: dtype '${descr}' is not supported (float32 or float64: '<f4', '>f4', '<f8', '>f8')`);
  const size = Number(m[2]);
  const little = m[1] !== '>'; // '=' and '|' mean native, little-endian on every platform Node runs on
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (dataStart + count * size > bytes.length) {
    throw new Error(`${what}: truncated .npy data (shape (${shape.join(', ')}) needs ${count * size} bytes, ${bytes.length - dataStart} present)`);
  }
  const data = size === 4 ? new Float32Array(count) : new Float64Array(count);
  if (size === 4) for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, little);
  else for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, little);
  return { shape, descr, fortranOrder: fortranMatch[1] === 'True', data };
}

/** A version 1.0 .npy file (C order, little-endian) of the values with the given shape. */
export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeNpy: shape (${shape.join(', ')}) holds ${count} values, got ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // pad so that magic + version + length + header is a multiple of 64, header ends in '\n'
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const size = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(total + count * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  if (size === 4) for (let i = 0; i < count; i++) view.setFloat32(total + 4 * i, data[i], true);
  else for (let i = 0; i < count; i++) view.setFloat64(total + 8 * i, data[i], true);
  return out;
}
