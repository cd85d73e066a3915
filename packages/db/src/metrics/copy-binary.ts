import { ValidationError } from '../errors';
import type { SampleBatch } from './write-samples';

/**
 * COPY's binary format for the types metric tables use. The server skips parsing
 * text (numbers and timestamps especially), and the client writes numbers straight
 * into a buffer. Encoders are chosen by the column's type in the datastore, not by
 * the probe's declaration, so a table created with another type is never fed bytes
 * meant for a different one.
 */
type Encode = (w: BinaryWriter, value: unknown, column: string) => void;

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_32 = 4294967296;
const CHUNK_BYTES = 256 * 1024;
const INT64_MAX = 2n ** 63n - 1n;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

function reject(column: string, value: unknown, type: string): never {
  const shown = typeof value === 'string' ? value.slice(0, 40) : typeof value;
  throw new ValidationError(`Value rejected by the datastore (${column}: ${shown} is not ${type})`);
}

/** A growing run of buffers, handed out in chunks of about 256 KB. */
export class BinaryWriter {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  pos = 0;
  /** buffers filled and waiting to be sent */
  readonly full: Buffer[] = [];

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    if (this.pos > 0) this.full.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.pos = 0;
  }

  /** Buffers filled so far, ready to send; the writer keeps filling a new one. */
  take(final = false): Buffer[] {
    if (final && this.pos > 0) {
      this.full.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(0);
      this.pos = 0;
    }
    return this.full.splice(0);
  }

  bytes(b: Buffer): void {
    this.ensure(b.length);
    this.pos += b.copy(this.buf, this.pos);
  }
  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  /** A length-prefixed field of `bytes` bytes written by `fill` at the returned offset. */
  field(bytes: number): Buffer {
    this.ensure(4 + bytes);
    this.pos = this.buf.writeInt32BE(bytes, this.pos);
    return this.buf;
  }
  nul(): void {
    this.int32(-1);
  }
  int64(v: number | bigint): void {
    const b = this.field(8);
    if (typeof v === 'bigint') {
      this.pos = b.writeBigInt64BE(v, this.pos);
      return;
    }
    const hi = Math.floor(v / TWO_32);
    this.pos = b.writeInt32BE(hi, this.pos);
    this.pos = b.writeUInt32BE(v - hi * TWO_32, this.pos);
  }
  /** UTF-8 text, optionally after one prefix byte (jsonb's version). */
  text(s: string, prefix?: number): void {
    const extra = prefix === undefined ? 0 : 1;
    this.ensure(4 + extra + s.length * 3);
    const start = this.pos;
    this.pos += 4;
    if (prefix !== undefined) this.pos = this.buf.writeUInt8(prefix, this.pos);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    this.buf.writeInt32BE(this.pos - start - 4, start);
  }
}

function integer(value: unknown, column: string, type: string): number | bigint {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    if (Number.isInteger(value)) return BigInt(value);
  } else if (typeof value === 'bigint') {
    return value;
  } else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) {
    const n = BigInt(value);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n;
  }
  return reject(column, value, type);
}

function smallInteger(bits: 16 | 32): Encode {
  const max = 2 ** (bits - 1);
  return (w, value, column) => {
    const n = integer(value, column, `an int${bits / 8}`);
    if (typeof n === 'bigint' || n < -max || n >= max) reject(column, value, `an int${bits / 8}`);
    const b = w.field(bits / 8);
    w.pos = bits === 16 ? b.writeInt16BE(n, w.pos) : b.writeInt32BE(n, w.pos);
  };
}

function number(value: unknown, column: string): number {
  if (typeof value === 'number') return value;
  const text = typeof value === 'string' ? value.trim() : '';
  const n = Number(text);
  if (text === '' || (Number.isNaN(n) && text !== 'NaN')) reject(column, value, 'a number');
  return n;
}

function float(bits: 32 | 64): Encode {
  return (w, value, column) => {
    const n = number(value, column);
    const b = w.field(bits / 8);
    w.pos = bits === 32 ? b.writeFloatBE(n, w.pos) : b.writeDoubleBE(n, w.pos);
  };
}

const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value as string);

const ENCODERS: Record<string, Encode> = {
  bool: (w, value, column) => {
    const v =
      typeof value === 'boolean'
        ? value
        : value === 't' || value === 'true'
          ? true
          : value === 'f' || value === 'false'
            ? false
            : reject(column, value, 'a boolean');
    const b = w.field(1);
    w.pos = b.writeUInt8(v ? 1 : 0, w.pos);
  },
  int2: smallInteger(16),
  int4: smallInteger(32),
  int8: (w, value, column) => w.int64(integer(value, column, 'an int8')),
  float4: float(32),
  float8: float(64),
  text: (w, value) => w.text(asText(value)),
  varchar: (w, value) => w.text(asText(value)),
  // a string is already JSON text, as in COPY's text format
  jsonb: (w, value) => w.text(typeof value === 'string' ? value : JSON.stringify(value), 1),
  timestamptz: (w, value, column) => {
    // node-pg reads 'infinity' as Infinity; binary COPY has a reserved value for it
    if (value === Infinity || value === -Infinity) {
      w.int64(value > 0 ? INT64_MAX : -INT64_MAX - 1n);
      return;
    }
    const ms =
      value instanceof Date
        ? value.getTime()
        : typeof value === 'string'
          ? new Date(value).getTime()
          : Number.NaN;
    if (Number.isNaN(ms)) reject(column, value, 'a timestamp');
    w.int64((ms - PG_EPOCH_MS) * 1000);
  },
};

/** Whether every column type has a binary encoder here. */
export const binaryEncodable = (types: readonly string[]) => types.every((t) => t in ENCODERS);

/**
 * COPY ... (FORMAT binary) data of one batch, implicit columns first, in chunks.
 * `types` are the datastore's type names of the table's columns, in COPY order.
 */
export function* copyBinary(
  batch: SampleBatch,
  columns: readonly string[],
  types: readonly string[],
): Generator<Buffer> {
  const encoders = types.map((t) => ENCODERS[t]!);
  const implicit = batch.spec.scope === 'database' ? 3 : 2;
  const sparse = batch.spec.sparse !== undefined;
  const own = columns.slice(implicit, sparse ? -1 : undefined);
  const w = new BinaryWriter();
  w.bytes(SIGNATURE);
  w.int32(0); // flags
  w.int32(0); // header extension length
  for (const s of batch.samples) {
    for (const row of s.rows) {
      w.int16(columns.length);
      encoders[0]!(w, s.collectedAt, 'collected_at');
      encoders[1]!(w, s.serverId, 'server_id');
      if (implicit === 3) {
        if (s.database === undefined) w.nul();
        else encoders[2]!(w, s.database, 'database_name');
      }
      for (let i = 0; i < own.length; i++) {
        const name = own[i]!;
        const value = row[name];
        if (value === null || value === undefined) w.nul();
        else encoders[i + implicit]!(w, value, name);
      }
      if (sparse) encoders[columns.length - 1]!(w, s.keyframe !== false, 'keyframe');
      if (w.full.length > 0) yield* w.take();
    }
  }
  w.int16(-1); // trailer
  yield* w.take(true);
}
