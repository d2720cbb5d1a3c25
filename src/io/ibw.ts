import { ByteReader, numericView, type NumericType } from './binary.ts';

/** An Igor binary wave (IBW version 2 or 5): one numeric wave with its units and x scaling. */
export interface IbwWave {
  version: 2 | 5;
  name: string;
  /** Samples (the first dimension of a multi-dimensional wave is returned whole; see `dims`). */
  values: Float64Array;
  /** Unit of the values ('mV', 'pA', ...), from the short field or the extended units. */
  dataUnit: string;
  /** Unit of x ('s', 'ms', or '' when the file sets none). */
  xUnit: string;
  /** x of sample k is `x0 + k * dx` (in xUnit). */
  x0: number;
  dx: number;
  dims: number[];
  note: string;
}

const TYPES: Record<number, NumericType> = { 2: 'float32', 4: 'float64', 8: 'int8', 0x10: 'int16', 0x20: 'int32', 0x48: 'uint8', 0x50: 'uint16', 0x60: 'uint32' };

/** 2 or 5 when the bytes start as an Igor binary wave of that version (either byte order). */
export function isIbw(bytes: Uint8Array): 2 | 5 | undefined {
  if (bytes.length < 2) return undefined;
  const le = bytes[0]! | (bytes[1]! << 8);
  const be = (bytes[0]! << 8) | bytes[1]!;
  for (const v of [le, be]) if (v === 2 || v === 5) return v;
  return undefined;
}

/**
 * Parses an Igor binary wave, version 2 or 5, either byte order. Complex and text waves,
 * and versions 1 and 3, are refused with what was found.
 *
 * ```ts
 * const wave = parseIbw(readFileSync('B6_Ch3_IDRest_181.ibw'), 'B6_Ch3_IDRest_181.ibw');
 * wave.dataUnit; // 'mV'
 * ```
 */
export function parseIbw(bytes: Uint8Array, path: string): IbwWave {
  if (bytes.length < 2) throw new Error(`${path}: truncated Igor binary wave: ${bytes.length} bytes`);
  const le = bytes[0]! | (bytes[1]! << 8);
  const be = (bytes[0]! << 8) | bytes[1]!;
  const littleEndian = [1, 2, 3, 5].includes(le) ? true : [1, 2, 3, 5].includes(be) ? false : undefined;
  if (littleEndian === undefined) throw new Error(`${path}: not an Igor binary wave (first two bytes ${bytes[0]}, ${bytes[1]} give no version 1, 2, 3 or 5)`);
  const r = new ByteReader(bytes, path, littleEndian);
  const version = r.i16(0, 'version');
  if (version !== 2 && version !== 5) throw new Error(`${path}: unsupported Igor binary wave version ${version} (versions 2 and 5 are read)`);
  return version === 5 ? parseV5(r) : parseV2(r);
}

function elementType(r: ByteReader, code: number): NumericType {
  if (code & 1) throw new Error(`${r.path}: complex Igor waves are not read (type ${code}); save the real part as its own wave`);
  if (code === 0) throw new Error(`${r.path}: a text Igor wave, not a numeric one`);
  const t = TYPES[code];
  if (!t) throw new Error(`${r.path}: unknown Igor number type ${code}`);
  return t;
}

function parseV5(r: ByteReader): IbwWave {
  const BIN = 64;
  const wfmSize = r.i32(4, 'wfmSize');
  const formulaSize = r.i32(8, 'formulaSize');
  const noteSize = r.i32(12, 'noteSize');
  const dataEUnitsSize = r.i32(16, 'dataEUnitsSize');
  const dimEUnitsSize = [0, 1, 2, 3].map((k) => r.i32(20 + 4 * k, 'dimEUnitsSize'));
  const w = BIN;
  const npnts = r.i32(w + 12, 'npnts');
  const type = elementType(r, r.i16(w + 16, 'type'));
  const name = r.text(w + 28, 32);
  const dims = [0, 1, 2, 3].map((k) => r.i32(w + 68 + 4 * k, 'nDim')).filter((n) => n > 0);
  const dx = r.f64(w + 84, 'sfA');
  const x0 = r.f64(w + 116, 'sfB');
  let dataUnit = r.text(w + 148, 4);
  let xUnit = r.text(w + 152, 4);
  const dataStart = BIN + 320;
  const values = Float64Array.from(numericView(r, dataStart, npnts, type, `the wave's ${npnts} samples`));
  // after the data: formula, note, extended data units, extended dimension units
  let o = BIN + wfmSize;
  o += formulaSize;
  const note = noteSize > 0 && o + noteSize <= r.length ? r.text(o, noteSize) : '';
  o += noteSize;
  if (dataEUnitsSize > 0 && o + dataEUnitsSize <= r.length) dataUnit = r.text(o, dataEUnitsSize);
  o += dataEUnitsSize;
  if (dimEUnitsSize[0]! > 0 && o + dimEUnitsSize[0]! <= r.length) xUnit = r.text(o, dimEUnitsSize[0]!);
  return { version: 5, name, values, dataUnit, xUnit, x0, dx, dims, note };
}

function parseV2(r: ByteReader): IbwWave {
  const BIN = 16;
  const noteSize = r.i32(6, 'noteSize');
  const w = BIN;
  const type = elementType(r, r.i16(w, 'type'));
  const name = r.text(w + 6, 20);
  const dataUnit = r.text(w + 34, 4);
  const xUnit = r.text(w + 38, 4);
  const npnts = r.i32(w + 42, 'npnts');
  const dx = r.f64(w + 48, 'hsA');
  const x0 = r.f64(w + 56, 'hsB');
  const dataStart = w + 110;
  const values = Float64Array.from(numericView(r, dataStart, npnts, type, `the wave's ${npnts} samples`));
  const size = { float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4 }[type];
  const noteAt = dataStart + npnts * size;
  const note = noteSize > 0 && noteAt + noteSize <= r.length ? r.text(noteAt, noteSize) : '';
  return { version: 2, name, values, dataUnit, xUnit, x0, dx, dims: [npnts], note };
}
