/**
 * Rows of a digest whose key is not v2's (`--key`, or a Transit Gateway format's default).
 * Text is still a flow-log file: the key's fields in the key's order, then packets, bytes,
 * start, end and log-status, then the summed packets-lost-* fields its inputs held (Transit
 * Gateway's); NDJSON has the same fields plus `records`. The v2 key keeps the
 * byte-level writer of format.ts (it is the hot path); this one is written for clarity.
 */
import { COL, INT_STRIDE, type TableView, TWO52 } from '../table/table.js';
import type { RowFormat, Seen } from './format.js';
import { RowWriter } from './format.js';
import type { RowSink } from './runs.js';
import { PACKETS_LOST_FIELDS, type PacketsLostField, V2_HEADER } from '../format/fields.js';
import { fieldSlots, planKey, type KeyPlan, V2_KEY } from '../format/key.js';

/** The counters a keyed row ends with, after its key fields. */
const VALUE_FIELDS = ['packets', 'bytes', 'start', 'end', 'log-status'];

/** The header line of a text digest with this key (and these summed packets-lost-* fields). */
export function keyedHeader(key: readonly string[], lost: readonly PacketsLostField[] = []): string {
  return isV2Key(key) ? V2_HEADER : [...key, ...VALUE_FIELDS, ...lost].join(' ');
}

/** True for the v2 key (the default text format). */
export function isV2Key(key: readonly string[] | undefined): boolean {
  return key === undefined || (key.length === V2_KEY.length && key.every((f, i) => f === V2_KEY[i]));
}

/** What both writers offer their callers. */
export interface DigestRowWriter {
  readonly row: RowSink;
  readonly length: number;
  rows: number;
  take(): Uint8Array;
}

/**
 * A row writer for `key`: format.ts's for the v2 key, else a {@link KeyedRowWriter} (which
 * writes the `lost` sums too; the v2 key never has them).
 */
export function rowWriter(
  format: RowFormat,
  seen: Seen,
  initial: number,
  key?: readonly string[],
  lost: readonly PacketsLostField[] = [],
): DigestRowWriter {
  return isV2Key(key) ? new RowWriter(format, seen, initial) : new KeyedRowWriter(format, seen, planKey(key!), lost);
}

/** Formats rows of a non-v2 key. */
export class KeyedRowWriter implements DigestRowWriter {
  rows = 0;
  private parts: string[] = [];
  private bytes = 0;
  /** For each output key field: its slot (string), or -1 srcport, -2 dstport, -3 protocol. */
  private readonly where: number[];
  /** For each packets-lost-* field written: its sum's offset within a row's lost packets. */
  private readonly lostAt: number[];

  constructor(
    private readonly format: RowFormat,
    private readonly seen: Seen,
    private readonly plan: KeyPlan,
    private readonly lost: readonly PacketsLostField[] = [],
  ) {
    this.lostAt = lost.map((f) => 2 * PACKETS_LOST_FIELDS.indexOf(f));
    this.where = fieldSlots(plan);
  }

  get length(): number {
    return this.bytes;
  }

  take(): Uint8Array {
    const out = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.bytes = 0;
    return out;
  }

  readonly row: RowSink = (t: TableView, e: number, nums: Float64Array, n: number, lost, l = 0) => {
    const b = e * INT_STRIDE;
    const off = t.ints[b + COL.I_KEYOFF];
    // latin1: one char per byte, so every field's bytes come out as they went in.
    const slots = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN])
      .toString('latin1')
      .split('\0');
    const ints = [t.ints[b + COL.I_SPORT], t.ints[b + COL.I_DPORT], t.ints[b + COL.I_PROTO]];
    const packets = this.seen.packetsSeen ? twoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]) : null;
    const bytes = this.seen.bytesSeen ? twoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]) : null;
    const start = nums[n + COL.N_START],
      end = nums[n + COL.N_END];
    const time = (v: number) => (Number.isFinite(v) ? String(v) : null);
    const values = this.where.map((w) => (w >= 0 ? slots[w] : ints[-1 - w] < 0 ? null : String(ints[-1 - w])));
    // A row of a run without the column (an empty digest merged in) lost nothing.
    const lostSums = this.lostAt.map((a) => (lost ? twoWord(lost[l + a], lost[l + a + 1]) : '0'));
    let line: string;
    if (this.format === 'text') {
      const tail = lostSums.length === 0 ? '' : ` ${lostSums.join(' ')}`;
      line = `${[...values, packets, bytes, time(start), time(end)].map((v) => v ?? '-').join(' ')} OK${tail}\n`;
    } else {
      const fields = this.plan.fields.map(
        (f, i) => `${JSON.stringify(f)}:${this.where[i] >= 0 ? jsonString(values[i]!) : (values[i] ?? 'null')}`,
      );
      fields.push(
        `"packets":${packets ?? 'null'}`,
        `"bytes":${bytes ?? 'null'}`,
        `"start":${time(start) ?? 'null'}`,
        `"end":${time(end) ?? 'null'}`,
        ...this.lost.map((f, i) => `"${f}":${lostSums[i]}`),
        `"records":${nums[n + COL.N_RECORDS]}`,
      );
      // NDJSON is UTF-8: strings are read as UTF-8 from their bytes, then escaped.
      line = Buffer.from(`{${fields.join(',')}}\n`, 'utf8').toString('latin1');
    }
    this.parts.push(line);
    this.bytes += line.length;
    this.rows++;
  };
}

function twoWord(lo: number, hi: number): string {
  return hi === 0 ? String(lo) : (BigInt(hi) * BigInt(TWO52) + BigInt(lo)).toString();
}

function jsonString(latin1: string): string {
  return JSON.stringify(Buffer.from(latin1, 'latin1').toString('utf8'));
}

/** The v2 fields a {@link DigestRow} names, by key field. */
const V2_ROW_FIELDS = ['account-id', 'interface-id', 'srcaddr', 'dstaddr', 'action'];

/**
 * Where each field of a key lies in a table entry's string slots: what readers of a keyed
 * digest (rows, the report, the graphs) need to find srcaddr, dstaddr and action wherever the
 * key put them.
 */
export interface KeySlots {
  readonly plan: KeyPlan;
  /** The slot of account-id, interface-id, srcaddr, dstaddr, action; -1 when the key lacks it. */
  readonly account: number;
  readonly interfaceId: number;
  readonly srcaddr: number;
  readonly dstaddr: number;
  readonly action: number;
  /** The key's string fields beyond v2's five, with their slots, in key order. */
  readonly extra: ReadonlyArray<{ field: string; slot: number }>;
}

/** The {@link KeySlots} of `key`. */
export function keySlots(key: readonly string[]): KeySlots {
  const plan = planKey(key);
  const at = (f: string) => plan.slots.indexOf(f);
  return {
    plan,
    account: at('account-id'),
    interfaceId: at('interface-id'),
    srcaddr: at('srcaddr'),
    dstaddr: at('dstaddr'),
    action: at('action'),
    extra: plan.slots.flatMap((f, slot) => (f === '' || V2_ROW_FIELDS.includes(f) ? [] : [{ field: f, slot }])),
  };
}

/**
 * Split a keyed entry's key bytes (latin1) into its slots. A NUL inside a field would shift
 * the slots, so the last slot takes whatever is left, as v2's action does.
 */
export function splitSlots(key: string, count: number): string[] {
  const parts = key.split('\0');
  if (parts.length <= count) return parts;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('\0')];
}
