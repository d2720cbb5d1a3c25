/**
 * Bounds-checked reading of a binary file's header fields: every read past the end names
 * the file, the field and the offset, so a truncated file says where it stops.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly path: string, readonly littleEndian = true) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  /** Throws a 'truncated' error unless `size` bytes from `offset` are in the file. */
  need(offset: number, size: number, what: string): void {
    if (!(offset >= 0) || offset + size > this.bytes.byteLength) {
      throw new Error(`${this.path}: truncated or corrupt file: ${what} needs bytes ${offset}–${offset + size} but the file has ${this.bytes.byteLength} bytes`);
    }
  }

  i16(offset: number, what = 'a header field'): number {
    this.need(offset, 2, what);
    return this.view.getInt16(offset, this.littleEndian);
  }

  u16(offset: number, what = 'a header field'): number {
    this.need(offset, 2, what);
    return this.view.getUint16(offset, this.littleEndian);
  }

  i32(offset: number, what = 'a header field'): number {
    this.need(offset, 4, what);
    return this.view.getInt32(offset, this.littleEndian);
  }

  u32(offset: number, what = 'a header field'): number {
    this.need(offset, 4, what);
    return this.view.getUint32(offset, this.littleEndian);
  }

  i64(offset: number, what = 'a header field'): number {
    this.need(offset, 8, what);
    return Number(this.view.getBigInt64(offset, this.littleEndian));
  }

  f32(offset: number, what = 'a header field'): number {
    this.need(offset, 4, what);
    return this.view.getFloat32(offset, this.littleEndian);
  }

  f64(offset: number, what = 'a header field'): number {
    this.need(offset, 8, what);
    return this.view.getFloat64(offset, this.littleEndian);
  }

  /** A fixed-size text field, cut at its first NUL and trimmed (Axon pads with spaces). */
  text(offset: number, size: number, what = 'a text field'): string {
    this.need(offset, size, what);
    let end = offset;
    while (end < offset + size && this.bytes[end] !== 0) end++;
    return latin1(this.bytes.subarray(offset, end)).trim();
  }
}

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let k = 0; k < bytes.length; k += 4096) s += String.fromCharCode(...bytes.subarray(k, k + 4096));
  return s;
}

/** Numeric element types of the data blocks these formats store. */
export type NumericType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

const SIZES: Record<NumericType, number> = { int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 };

export function typeSize(type: NumericType): number {
  return SIZES[type];
}

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `count` numbers of `type` from `offset`, as a typed array over the bytes (no copy when
 * the offset is aligned and the byte order is the host's; else one copy and one swap):
 * reading a sample at a time through a DataView is ten times slower.
 */
export function numericView(r: ByteReader, offset: number, count: number, type: NumericType, what: string): ArrayLike<number> {
  const size = SIZES[type];
  r.need(offset, count * size, what);
  let bytes = r.bytes.subarray(offset, offset + count * size);
  const swap = r.littleEndian !== HOST_LITTLE && size > 1;
  if (swap || (bytes.byteOffset % size) !== 0) {
    bytes = bytes.slice();
    if (swap) {
      for (let k = 0; k < bytes.length; k += size) bytes.subarray(k, k + size).reverse();
    }
  }
  const { buffer, byteOffset } = bytes;
  switch (type) {
    case 'int8': return new Int8Array(buffer, byteOffset, count);
    case 'uint8': return new Uint8Array(buffer, byteOffset, count);
    case 'int16': return new Int16Array(buffer, byteOffset, count);
    case 'uint16': return new Uint16Array(buffer, byteOffset, count);
    case 'int32': return new Int32Array(buffer, byteOffset, count);
    case 'uint32': return new Uint32Array(buffer, byteOffset, count);
    case 'float32': return new Float32Array(buffer, byteOffset, count);
    case 'float64': return new Float64Array(buffer, byteOffset, count);
  }
}
