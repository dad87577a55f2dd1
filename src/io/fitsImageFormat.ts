/**
 * FITS image HDUs (primary array and IMAGE extensions), e.g. the field cubes MHD users write
 * with astropy, decoded from bytes (browser-clean): the header parser of fitsFormat.ts plus the
 * image data layout (FITS Standard 4.0,
 * sections 3.3.2 and 5): big-endian values, BITPIX 8/16/32/64/−32/−64, NAXIS1 varying fastest,
 * physical value = BZERO + BSCALE · stored value.
 *
 * Why by hand: the header reader is already here for HEALPix tables (fitsFormat.ts says why); an image
 * adds only the layout above. The npm FITS readers are browser image viewers or unmaintained.
 */
import { dataSize, FITS_BLOCK, intValue, parseHeader, type FitsHeader } from './fitsFormat.ts';

export interface FitsImage {
  /** HDU number: 0 primary, 1.. extensions. */
  readonly hdu: number;
  readonly extname: string;
  /** NAXIS1, NAXIS2, ... (NAXIS1 varies fastest in `data`). */
  readonly naxis: readonly number[];
  readonly bitpix: number;
  /** Physical values (BSCALE/BZERO applied): float32 images without scaling stay float32. */
  readonly data: Float32Array | Float64Array;
  readonly header: FitsHeader;
}

function readValues(view: DataView, bitpix: number, count: number, scale: number, zero: number): Float32Array | Float64Array {
  if (bitpix === -32 && scale === 1 && zero === 0) {
    const f = new Float32Array(count);
    for (let i = 0; i < count; i++) f[i] = view.getFloat32(4 * i, false);
    return f;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let v: number;
    switch (bitpix) {
      case 8:
        v = view.getUint8(i);
        break;
      case 16:
        v = view.getInt16(2 * i, false);
        break;
      case 32:
        v = view.getInt32(4 * i, false);
        break;
      case 64:
        v = Number(view.getBigInt64(8 * i, false));
        break;
      case -32:
        v = view.getFloat32(4 * i, false);
        break;
      case -64:
        v = view.getFloat64(8 * i, false);
        break;
      default:
        throw new Error(`FITS: BITPIX = ${bitpix} is not a valid image type`);
    }
    out[i] = zero + scale * v;
  }
  return out;
}

/** Every image HDU with data in a FITS file's bytes (tables and empty HDUs are skipped). */
export function decodeFitsImages(bytes: Uint8Array, source = 'FITS file'): FitsImage[] {
  if (bytes.length < FITS_BLOCK || new TextDecoder('latin1').decode(bytes.subarray(0, 9)) !== 'SIMPLE  =') {
    throw new Error(`${source}: not a FITS file (it does not start with a SIMPLE card in a 2880-byte block)`);
  }
  const images: FitsImage[] = [];
  let off = 0;
  for (let hdu = 0; off < bytes.length; hdu++) {
    const what = `${source} HDU ${hdu}`;
    const { header, blocks } = parseHeader(bytes, off, `${what} header`);
    const dataStart = off + blocks * FITS_BLOCK;
    const size = dataSize(header, what);
    const isImage = hdu === 0 || header.values.XTENSION === 'IMAGE';
    const naxisCount = intValue(header, 'NAXIS', what);
    if (isImage && naxisCount > 0) {
      const naxis = Array.from({ length: naxisCount }, (_, i) => intValue(header, `NAXIS${i + 1}`, what));
      const count = naxis.reduce((a, b) => a * b, 1);
      if (count > 0) {
        const bitpix = intValue(header, 'BITPIX', what);
        if (dataStart + size > bytes.length) throw new Error(`${what}: file truncated (the image needs ${size} bytes of data)`);
        const num = (key: string, fallback: number): number => {
          const v = header.values[key];
          if (v === undefined) return fallback;
          if (typeof v !== 'number') throw new Error(`${what}: ${key} must be a number`);
          return v;
        };
        const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, size);
        images.push({
          hdu,
          extname: String(header.values.EXTNAME ?? '').trim(),
          naxis,
          bitpix,
          data: readValues(view, bitpix, count, num('BSCALE', 1), num('BZERO', 0)),
          header,
        });
      }
    }
    off = dataStart + Math.ceil(size / FITS_BLOCK) * FITS_BLOCK;
  }
  return images;
}

