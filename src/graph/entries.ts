/**
 * Byte-exact access to digest table entries, for the views and the diff: they work on the
 * table's columns directly, so millions of rows cost no object per row.
 */
import {
  addLostValues,
  addValues,
  COL,
  type DigestTable,
  hashKey,
  INT_STRIDE,
  LOST_STRIDE,
  NUM_STRIDE,
  TWO52,
  type TableView,
} from '../table/table.js';

/** The five string key fields of entry `e` (account, interface, srcaddr, dstaddr, action) as latin1 strings. */
export function keyParts(t: TableView, e: number): string[] {
  const b = e * INT_STRIDE;
  const off = t.ints[b + COL.I_KEYOFF];
  return Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN])
    .toString('latin1')
    .split('\0');
}

/** Copy entry `e` of `from` into `to` under the key `parts` (latin1), adding to what `to` holds. Returns the entry in `to`. */
export function copyEntry(from: TableView, e: number, to: DigestTable, parts: readonly string[]): number {
  const key = Buffer.from(parts.join('\0'), 'latin1');
  const b = e * INT_STRIDE,
    n = e * NUM_STRIDE,
    fi = from.ints,
    fn = from.nums;
  const sport = fi[b + COL.I_SPORT],
    dport = fi[b + COL.I_DPORT],
    proto = fi[b + COL.I_PROTO];
  const t = to.upsert(key, 0, key.length, hashKey(key, 0, key.length, sport, dport, proto), sport, dport, proto);
  addValues(to.nums, t * NUM_STRIDE, fn, n);
  copyLost(from, e, to, t);
  return t;
}

/** Copy entry `e` of `from` into `to` unchanged (raw key bytes, no re-encoding). */
export function copyRaw(from: TableView, e: number, to: DigestTable): number {
  const b = e * INT_STRIDE,
    n = e * NUM_STRIDE,
    fi = from.ints,
    fn = from.nums;
  const t = to.upsert(
    from.keyBytes,
    fi[b + COL.I_KEYOFF],
    fi[b + COL.I_KEYLEN],
    fi[b + COL.I_HASH],
    fi[b + COL.I_SPORT],
    fi[b + COL.I_DPORT],
    fi[b + COL.I_PROTO],
  );
  addValues(to.nums, t * NUM_STRIDE, fn, n);
  copyLost(from, e, to, t);
  return t;
}

/** Add entry `e` of `from`'s lost packets, if it has that column, to entry `t` of `to`. */
function copyLost(from: TableView, e: number, to: DigestTable, t: number): void {
  if (!from.lost) return;
  to.enableLost();
  addLostValues(to.lost!, t * LOST_STRIDE, from.lost, e * LOST_STRIDE);
}

/** Bytes of entry `e` as a double (monotonic in the exact value; exact below 2^53). */
export function approxBytes(t: TableView, e: number): number {
  const n = e * NUM_STRIDE;
  return t.nums[n + COL.N_BYTEHI] * TWO52 + t.nums[n + COL.N_BYTELO];
}

/** latin1 (one char per byte) → the UTF-8 text those bytes spell. */
export function utf8(latin1: string): string {
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** UTF-8 text → latin1 (one char per byte), the form keys are compared in. */
export function latin1(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}
