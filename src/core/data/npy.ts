/**
 * NumPy `.npy` files (format 1.0) for float32 matrices, so spectrograms computed here can be
 * loaded with `np.load` and compared with librosa, and read back by the CLI and tests.
 *
 * Layout (numpy/lib/format.py): the magic `\x93NUMPY`, version bytes 1 0, a little-endian uint16
 * header length, then an ASCII Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (r, c), }` padded with spaces and ended by
 * '\n' so the data starts at a multiple of 64 bytes (NumPy's ARRAY_ALIGN), then the data, C order.
 */
import { LabError } from '../errors';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const PREAMBLE_BYTES = 10; // magic 6 + version 2 + header length 2
const ALIGN = 64;

/** Python's repr of a shape tuple: `(5,)` for one axis, `(2, 3)` otherwise. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The header text (dict literal, padding and '\n') numpy writes for a `<f4` C-order array. */
export function npyHeaderText(shape: readonly number[]): string {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  const unpadded = PREAMBLE_BYTES + dict.length + 1; // + '\n'
  const pad = (ALIGN - (unpadded % ALIGN)) % ALIGN;
  return dict + ' '.repeat(pad) + '\n';
}

/** A float32 array of `shape` (C order) as the bytes of a `.npy` file, format 1.0, `<f4`. */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== data.length)
    throw new LabError('bad-argument', `.npy shape (${shape.join(', ')}) does not hold ${data.length} values; pass the array's real dimensions.`);
  const header = npyHeaderText(shape);
  if (header.length > 0xffff) throw new LabError('bad-argument', `.npy header of ${header.length} bytes does not fit format 1.0.`);
  const out = new Uint8Array(PREAMBLE_BYTES + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const o = PREAMBLE_BYTES + header.length;
  // Explicit little-endian writes: '<f4' says little-endian whatever the host is.
  for (let i = 0; i < data.length; i++) view.setFloat32(o + 4 * i, data[i] as number, true);
  return out;
}

export interface NpyArray {
  data: Float32Array;
  shape: number[];
}

/** Read a `.npy` file holding a little-endian float32 C-order array (format 1.0, 2.0 or 3.0). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  const bad = (why: string): LabError => new LabError('bad-argument', `Not a float32 .npy file this lab can read: ${why}.`);
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('the \\x93NUMPY magic is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] as number;
  if (major < 1 || major > 3) throw bad(`format version ${major}.${bytes[7]} is unknown`);
  const lenBytes = major === 1 ? 2 : 4;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > bytes.length) throw bad('the header is cut short');
  let header = '';
  for (let i = 0; i < headerLen; i++) header += String.fromCharCode(bytes[start + i] as number);
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4') throw bad(`dtype is ${descr ?? 'missing'}, expected '<f4'`);
  if (fortran !== 'False') throw bad('the array is in Fortran order');
  if (shapeText === undefined) throw bad('the shape is missing');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`the shape (${shapeText}) is not a tuple of sizes`);
  const count = shape.reduce((a, b) => a * b, 1);
  const o = start + headerLen;
  if (bytes.length - o !== count * 4) throw bad(`${bytes.length - o} data bytes for shape (${shape.join(', ')}), expected ${count * 4}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getFloat32(o + 4 * i, true);
  return { data, shape };
}
