/**
 * Formats merged rows straight into bytes: no string per row or per field. Key fields are copied
 * as the bytes they were read as; NDJSON strings that need escaping (or are not plain ASCII) go
 * through JSON.stringify of their UTF-8 reading, exactly as `ndjsonLines()` has always written them.
 */
import type { RowSink } from './runs.js';
import { COL, INT_STRIDE, TWO52 } from '../table/table.js';

/** The row formats: `text` (a v2 flow-log file) and `ndjson`. */
export type RowFormat = 'text' | 'ndjson';

/** Whether the digest saw packets / bytes at all (otherwise they print as `-` / null). */
export interface Seen {
  packetsSeen: boolean;
  bytesSeen: boolean;
}

const SP = 32,
  NL = 10,
  QUOTE = 34,
  BACKSLASH = 92,
  DASH = 45;
const NAMES = [
  '"account-id":',
  ',"interface-id":',
  ',"srcaddr":',
  ',"dstaddr":',
  ',"srcport":',
  ',"dstport":',
  ',"protocol":',
  ',"packets":',
  ',"bytes":',
  ',"start":',
  ',"end":',
  ',"action":',
  ',"records":',
].map((s) => Buffer.from(s, 'latin1'));
const NULL = Buffer.from('null');

/** Collects formatted rows in one growing buffer. */
export class RowWriter {
  private buf: Uint8Array;
  private len = 0;
  /** Rows written so far. */
  rows = 0;
  /** The sink to hand a {@link RunCursor} (or any row source). */
  readonly row: RowSink;
  // Flow-log times repeat from row to row (records share capture windows): reuse their digits.
  private readonly start = new LastTime();
  private readonly end = new LastTime();

  constructor(
    format: RowFormat,
    private readonly seen: Seen,
    initial = 1 << 16,
  ) {
    this.buf = new Uint8Array(initial);
    this.row = format === 'text' ? this.text : this.ndjson;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** The bytes written, in a buffer of their own (transferable); the writer starts empty again. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  private readonly text: RowSink = (t, e, nums, n) => {
    const b = e * INT_STRIDE,
      ints = t.ints,
      k = t.keyBytes;
    const off = ints[b + COL.I_KEYOFF],
      end = off + ints[b + COL.I_KEYLEN];
    // The key, 7 numbers of at most 16 digits and the separators; two-word sums go the long way.
    this.room(end - off + 160);
    let buf = this.buf;
    let p = this.len;
    buf[p++] = 50;
    buf[p++] = SP; // "2 "
    let last = end;
    for (let i = end - 1; i >= off; i--)
      if (k[i] === 0) {
        last = i;
        break;
      }
    for (let i = off; i < last; i++) {
      const c = k[i];
      buf[p++] = c === 0 ? SP : c;
    }
    buf[p++] = SP;
    p = optInt(buf, p, ints[b + COL.I_SPORT]);
    buf[p++] = SP;
    p = optInt(buf, p, ints[b + COL.I_DPORT]);
    buf[p++] = SP;
    p = optInt(buf, p, ints[b + COL.I_PROTO]);
    buf[p++] = SP;
    if (!this.seen.packetsSeen) buf[p++] = DASH;
    else if (nums[n + COL.N_PKTHI] === 0) p = writeInt(buf, p, nums[n + COL.N_PKTLO]);
    else {
      this.len = p;
      this.twoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]);
      p = this.len;
    }
    this.len = p;
    this.room(200);
    buf = this.buf;
    buf[p++] = SP;
    if (!this.seen.bytesSeen) buf[p++] = DASH;
    else if (nums[n + COL.N_BYTEHI] === 0) p = writeInt(buf, p, nums[n + COL.N_BYTELO]);
    else {
      this.len = p;
      this.twoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]);
      p = this.len;
    }
    this.len = p;
    this.room(end - last + 60);
    buf = this.buf;
    buf[p++] = SP;
    p = this.start.write(buf, p, nums[n + COL.N_START]);
    buf[p++] = SP;
    p = this.end.write(buf, p, nums[n + COL.N_END]);
    buf[p++] = SP;
    for (let i = last + 1; i < end; i++) buf[p++] = k[i];
    buf[p++] = SP;
    buf[p++] = 79;
    buf[p++] = 75;
    buf[p++] = NL; // " OK\n"
    this.len = p;
    this.rows++;
  };

  private readonly ndjson: RowSink = (t, e, nums, n) => {
    const b = e * INT_STRIDE,
      ints = t.ints,
      k = t.keyBytes;
    const off = ints[b + COL.I_KEYOFF],
      end = off + ints[b + COL.I_KEYLEN];
    let last = end;
    for (let i = end - 1; i >= off; i--)
      if (k[i] === 0) {
        last = i;
        break;
      }
    this.byte(123); // {
    let s = off,
      f = 0;
    for (let i = off; i < last && f < 3; i++) {
      if (k[i] === 0) {
        this.bytes(NAMES[f]);
        this.jsonString(k, s, i);
        s = i + 1;
        f++;
      }
    }
    for (; f < 3; f++) {
      this.bytes(NAMES[f]);
      this.jsonString(k, s, s);
    }
    this.bytes(NAMES[3]);
    this.jsonString(k, s, Math.max(s, last));
    this.bytes(NAMES[4]);
    this.optInt(ints[b + COL.I_SPORT], true);
    this.bytes(NAMES[5]);
    this.optInt(ints[b + COL.I_DPORT], true);
    this.bytes(NAMES[6]);
    this.optInt(ints[b + COL.I_PROTO], true);
    this.bytes(NAMES[7]);
    if (this.seen.packetsSeen) this.twoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]);
    else this.bytes(NULL);
    this.bytes(NAMES[8]);
    if (this.seen.bytesSeen) this.twoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]);
    else this.bytes(NULL);
    this.bytes(NAMES[9]);
    this.time(nums[n + COL.N_START], true);
    this.bytes(NAMES[10]);
    this.time(nums[n + COL.N_END], true);
    this.bytes(NAMES[11]);
    this.jsonString(k, Math.min(last + 1, end), end);
    this.bytes(NAMES[12]);
    this.int(nums[n + COL.N_RECORDS]);
    this.byte(125);
    this.byte(NL);
    this.rows++;
  };

  private byte(c: number): void {
    this.room(1);
    this.buf[this.len++] = c;
  }

  private bytes(src: Uint8Array): void {
    this.room(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** A non-negative integer below 2^53, in decimal. */
  private int(v: number): void {
    this.room(16);
    this.len = writeInt(this.buf, this.len, v);
  }

  /** A port or protocol: `-` (or null) when absent. */
  private optInt(v: number, json = false): void {
    if (v >= 0) this.int(v);
    else if (json) this.bytes(NULL);
    else this.byte(DASH);
  }

  private time(v: number, json: boolean): void {
    if (Number.isFinite(v)) this.int(v);
    else if (json) this.bytes(NULL);
    else this.byte(DASH);
  }

  private twoWord(lo: number, hi: number): void {
    if (hi === 0) this.int(lo);
    else this.bytes(Buffer.from((BigInt(hi) * BigInt(TWO52) + BigInt(lo)).toString(), 'latin1'));
  }

  private jsonString(k: Uint8Array, s: number, e: number): void {
    let plain = true;
    for (let i = s; i < e; i++) {
      const c = k[i];
      if (c < 0x20 || c >= 0x80 || c === QUOTE || c === BACKSLASH) {
        plain = false;
        break;
      }
    }
    if (!plain) {
      this.bytes(Buffer.from(JSON.stringify(Buffer.from(k.buffer, k.byteOffset + s, e - s).toString('utf8')), 'utf8'));
      return;
    }
    this.room(e - s + 2);
    const buf = this.buf;
    let p = this.len;
    buf[p++] = QUOTE;
    for (let i = s; i < e; i++) buf[p++] = k[i];
    buf[p++] = QUOTE;
    this.len = p;
  }
}

/** "00".."99" as byte pairs: two digits per division. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Write the non-negative integer `v` (< 2^53) at `buf[p]` in decimal; returns the end. */
function writeInt(buf: Uint8Array, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v;
    return p + 1;
  }
  let digits = 2;
  for (let d = 100; d <= v; d *= 10) digits++;
  let i = p + digits;
  const end = i;
  while (v >= 100) {
    const q = v < 0x80000000 ? (v / 100) | 0 : Math.floor(v / 100);
    const r = (v - q * 100) * 2;
    buf[--i] = PAIRS[r + 1];
    buf[--i] = PAIRS[r];
    v = q;
  }
  if (v >= 10) {
    buf[--i] = PAIRS[v * 2 + 1];
    buf[--i] = PAIRS[v * 2];
  } else buf[--i] = 48 + v;
  return end;
}

function optInt(buf: Uint8Array, p: number, v: number): number {
  if (v >= 0) return writeInt(buf, p, v);
  buf[p] = DASH;
  return p + 1;
}

function optTime(buf: Uint8Array, p: number, v: number): number {
  if (Number.isFinite(v)) return writeInt(buf, p, v);
  buf[p] = DASH;
  return p + 1;
}

/** One time field's last value and its digits. */
class LastTime {
  private value = NaN;
  private readonly digits = new Uint8Array(24);
  private len = 0;

  write(buf: Uint8Array, p: number, v: number): number {
    if (v !== this.value) {
      this.value = v;
      this.len = optTime(this.digits, 0, v);
    }
    const d = this.digits;
    for (let i = 0; i < this.len; i++) buf[p + i] = d[i];
    return p + this.len;
  }
}
