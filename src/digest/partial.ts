/**
 * The binary partial: a digest's rows in canonical order, in partitions (the engine's ranges),
 * with its stats. It is what a digest is between machines or runs: compact (no text formatting
 * or parsing), exact (two-word sums, raw key bytes), and mergeable (`merge` reads it like any
 * digest). Little-endian, 8-byte aligned sections:
 *
 *   magic      8 bytes  89 46 44 50 0D 0A 1A 0A  ("\x89FDP\r\n\x1a\n": catches text-mode mangling)
 *   version    u32      2
 *   statsLen   u32      then the stats as JSON, padded with spaces to a multiple of 8
 *   partition  u32 "PART", u32 rows, u32 keyBytes, u32 crc32c,
 *              f64[rows × 7] values, i32[rows × 6] key columns (offsets within the partition's
 *              keys), u8[keyBytes] keys, zero padding to a multiple of 8     (repeated)
 *   trailer    u32 "FEND", u32 partitions, f64 rows
 *
 * `crc32c` is the CRC-32C of the partition's values, key columns and keys (not the padding).
 * Version 1 (the same layout with 0 in place of the checksum) is still read, unchecked.
 *
 * Version 3 is version 2 with the digest's conversation key in its stats JSON (`"key": [...]`).
 * It is written only for a key other than v2's, so a digest of the v2 key stays a version 2
 * partial that older builds read, while an older build refuses a keyed one (naming its
 * version) rather than read its rows as v2's.
 *
 * Version 4 is version 3 for a digest that sums packets-lost-* fields (Transit Gateway logs): its
 * stats JSON names them (`"lost": [...]`), and each partition has their two-word sums,
 * f64[rows × 8], between its values and its key columns (covered by the checksum). Every other
 * digest is still written as version 2 or 3, byte for byte as before.
 *
 * The reader checks every length against the bytes present, every partition against its
 * checksum, every key against its partition and the row order, so a truncated, mangled or
 * foreign file (a changed sum of the same length included) fails with a
 * {@link PartialFormatError} that names it, instead of giving a wrong digest.
 */
import { PartialFormatError } from '../errors.js';
import { type Digest, type DigestStats, emptyStats } from './digest.js';
import { compareEntries } from './order.js';
import { RowCollector } from './collector.js';
import type { RunCursor } from './runs.js';
import { COL, hashKey, INT_STRIDE, LOST_STRIDE, NUM_STRIDE, type TableView } from '../table/table.js';
import { PACKETS_LOST_FIELDS, type PacketsLostField } from '../format/fields.js';
import { crc32c } from '../util/crc32c.js';
import { isV2Key } from './keyed-format.js';
import { parseKeySpec, V2_KEY } from '../format/key.js';

/** The magic bytes a partial starts with. */
export const PARTIAL_MAGIC = Buffer.from([0x89, 0x46, 0x44, 0x50, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The version this build writes for the v2 key; it reads this one and version 1 (no checksums). */
export const PARTIAL_VERSION = 2;
/** The version this build writes for any other key (version 2 with the key in the stats). */
export const PARTIAL_VERSION_KEYED = 3;
/** The version this build writes for a digest with lost packets (version 3 with their sums). */
export const PARTIAL_VERSION_LOST = 4;
/** Versions this build reads. */
const READABLE_VERSIONS = [1, 2, 3, 4];

const PART = 0x54524150,
  FEND = 0x444e4546;

/** Whether `head` (the first bytes of a file) is a partial. */
export function isPartial(head: Uint8Array): boolean {
  return head.length >= 8 && PARTIAL_MAGIC.equals(head.subarray(0, 8));
}

/**
 * The partial of `digest`, as chunks to write in order (one per partition, plus header and
 * trailer), every partition collected on this thread. {@link partialChunksAsync} has a digest
 * from the engine's pool collect them on its workers.
 */
export function* partialChunks(digest: Digest): IterableIterator<Uint8Array> {
  yield* partialHead(digest);
  const lost = digest.lost.length > 0;
  const tail = new PartialTail();
  for (const cursor of digest.cursors()) yield tail.count(collectPartition(cursor, lost));
  yield tail.bytes();
}

/**
 * The partial of `digest`, as chunks to write in order: byte for byte {@link partialChunks}, but
 * a digest from the engine (its pool open) has each range merged and its partition written on
 * the workers (by the kernel where it takes the range), a few ranges ahead of the writer.
 */
export async function* partialChunksAsync(digest: Digest): AsyncIterableIterator<Uint8Array> {
  const lost = digest.lost;
  const away = digest.rangesAway((renderer, runs, range) => renderer.partition(runs, range, lost));
  if (away === null) {
    yield* partialChunks(digest);
    return;
  }
  yield* partialHead(digest);
  const tail = new PartialTail();
  for await (const part of away) yield tail.count(part);
  yield tail.bytes();
}

/** The header and the stats (with the key and lost fields a version 3 or 4 names). */
function* partialHead(digest: Digest): IterableIterator<Uint8Array> {
  const keyed = !isV2Key(digest.key),
    lost = digest.lost.length > 0;
  const named = lost ? { key: digest.key, lost: digest.lost } : keyed ? { key: digest.key } : {};
  const stats = Buffer.from(JSON.stringify({ ...digest.stats, ...named }), 'utf8');
  const padded = Buffer.alloc(align8(stats.length), 0x20);
  stats.copy(padded);
  const head = Buffer.alloc(16);
  PARTIAL_MAGIC.copy(head, 0);
  head.writeUInt32LE(lost ? PARTIAL_VERSION_LOST : keyed ? PARTIAL_VERSION_KEYED : PARTIAL_VERSION, 8);
  head.writeUInt32LE(padded.length, 12);
  yield head;
  yield padded;
}

/** Counts the partitions written (rows from each one's header), for the trailer. */
class PartialTail {
  private partitions = 0;
  private rows = 0;

  /** `part` (a whole partition), counted. */
  count(part: Uint8Array): Uint8Array {
    this.partitions++;
    this.rows += new DataView(part.buffer, part.byteOffset, 16).getUint32(4, true);
    return part;
  }

  bytes(): Uint8Array {
    const tail = Buffer.alloc(16);
    tail.writeUInt32LE(FEND, 0);
    tail.writeUInt32LE(this.partitions, 4);
    tail.writeDoubleLE(this.rows, 8);
    return tail;
  }
}

/** One partition of the merged rows of `cursor`'s range, collected row by row (the JavaScript path). */
export function collectPartition(cursor: RunCursor, lost: boolean): Uint8Array {
  const b = new RowCollector(cursor.entries);
  while (cursor.next(b.add)) {
    /* collected by the builder */
  }
  return encodePartition(b.view(), lost);
}

/**
 * One partition (no lost packets) from its columns as the kernel copies them out (Float64
 * columns, Int32 columns and key bytes, back to back in `bytes`) and their CRC-32C.
 */
export function partitionOfColumns(p: {
  rows: number;
  keyBytes: number;
  bytes: Uint8Array;
  crc32c: number;
}): Uint8Array {
  const out = newPartition(p.rows, p.keyBytes, false);
  out.set(p.bytes, 16);
  return sealPartition(out, p.bytes.length, p.crc32c);
}

/** A decoded partial: its rows in canonical order, where its partitions start, and its stats. */
export interface DecodedPartial {
  table: TableView;
  /** Row index where each partition starts. */
  starts: number[];
  stats: DigestStats;
  /** The conversation key (v2's for versions 1 and 2). */
  key: readonly string[];
  /** The packets-lost-* fields summed (none before version 4). */
  lost: PacketsLostField[];
}

/** Decode a partial (its whole bytes). Throws {@link PartialFormatError} naming `name`. */
export function decodePartial(buf: Uint8Array, name: string): DecodedPartial {
  const { tables, stats, key, lost } = decodeParts(buf, name);
  return { ...concatTables(tables), stats, key, lost };
}

/** Tables of consecutive rows as one table (copied), and the row where each one starts. */
export function concatTables(tables: readonly TableView[]): { table: TableView; starts: number[] } {
  const starts: number[] = [];
  let rows = 0,
    keyLen = 0;
  for (const t of tables) {
    starts.push(rows);
    rows += t.size;
    keyLen += t.keyBytes.length;
  }
  if (tables.length === 1) return { table: tables[0], starts };
  const lost = tables.some((t) => t.lost) ? new Float64Array(rows * LOST_STRIDE) : null;
  const table = {
    size: rows,
    nums: new Float64Array(rows * NUM_STRIDE),
    ints: new Int32Array(rows * INT_STRIDE),
    keyBytes: new Uint8Array(keyLen),
    ...(lost === null ? {} : { lost }),
  };
  let r = 0,
    k = 0;
  for (const t of tables) {
    table.nums.set(t.nums.subarray(0, t.size * NUM_STRIDE), r * NUM_STRIDE);
    if (lost !== null && t.lost) lost.set(t.lost.subarray(0, t.size * LOST_STRIDE), r * LOST_STRIDE);
    table.ints.set(t.ints.subarray(0, t.size * INT_STRIDE), r * INT_STRIDE);
    table.keyBytes.set(t.keyBytes, k);
    for (let e = r; e < r + t.size; e++) table.ints[e * INT_STRIDE + COL.I_KEYOFF] += k;
    r += t.size;
    k += t.keyBytes.length;
  }
  return { table, starts };
}

function decodeParts(
  buf: Uint8Array,
  name: string,
): { tables: TableView[]; stats: DigestStats; key: readonly string[]; lost: PacketsLostField[] } {
  const fail = (what: string): never => {
    throw new PartialFormatError(`${name}: not a valid flowdigest partial: ${what}`, { key: name });
  };
  if (!isPartial(buf)) fail('no partial magic number');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const need = (at: number, n: number, what: string) => {
    if (at + n > buf.length) fail(`truncated in ${what} (needs ${at + n} bytes, the file has ${buf.length})`);
  };
  need(0, 16, 'the header');
  const version = view.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version))
    fail(
      `version ${version}; this flowdigest reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)}`,
    );
  const statsLen = view.getUint32(12, true);
  need(16, statsLen, 'the stats');
  let stats: DigestStats;
  try {
    stats = {
      ...emptyStats(),
      ...(JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 16, statsLen).toString('utf8')) as object),
    } as DigestStats;
  } catch (err) {
    return fail(`its stats are not JSON (${(err as Error).message})`);
  }
  let key: readonly string[] = V2_KEY;
  if (version >= 3) {
    const { key: named, ...rest } = stats as DigestStats & { key?: unknown };
    stats = rest as DigestStats;
    try {
      if (!Array.isArray(named)) throw new Error('it names no key');
      parseKeySpec(named as string[], 'key');
      key = named as string[];
    } catch (err) {
      return fail(`its key is not a conversation key (${(err as Error).message})`);
    }
  }
  let lost: PacketsLostField[] = [];
  if (version >= 4) {
    const { lost: named, ...rest } = stats as DigestStats & { lost?: unknown };
    stats = rest as DigestStats;
    const known: readonly string[] = PACKETS_LOST_FIELDS;
    if (!Array.isArray(named) || named.length === 0 || !named.every((f) => known.includes(f as string)))
      fail('its stats do not name the packets-lost-* fields it sums');
    lost = PACKETS_LOST_FIELDS.filter((f) => (named as string[]).includes(f));
  }
  let at = 16 + statsLen;
  const tables: TableView[] = [];
  let rows = 0;
  for (;;) {
    need(at, 16, `partition ${tables.length + 1}'s header`);
    const marker = view.getUint32(at, true);
    if (marker === FEND) {
      if (view.getUint32(at + 4, true) !== tables.length || view.getFloat64(at + 8, true) !== rows)
        fail('its trailer does not match its partitions');
      if (at + 16 !== buf.length) fail(`${buf.length - at - 16} bytes after the trailer`);
      return { tables, stats, key, lost };
    }
    if (marker !== PART) fail(`no partition marker at byte ${at}`);
    const n = view.getUint32(at + 4, true),
      keyLen = view.getUint32(at + 8, true),
      stored = view.getUint32(at + 12, true);
    const numBytes = n * NUM_STRIDE * 8,
      lostBytes = version >= 4 ? n * LOST_STRIDE * 8 : 0,
      intBytes = n * INT_STRIDE * 4;
    at += 16;
    need(at, numBytes + lostBytes + intBytes + keyLen, `partition ${tables.length + 1} (${n} rows)`);
    if (version >= 2) {
      const computed = crc32c(buf.subarray(at, at + numBytes + lostBytes + intBytes + keyLen));
      if (computed !== stored)
        fail(
          `partition ${tables.length + 1} (${n} rows) fails its checksum (CRC-32C ${hex(computed)}, stored ${hex(stored)}): ` +
            'the file was changed or damaged after it was written',
        );
    }
    // Copies (a Buffer's slice would be a view): the file's bytes need not be aligned for typed arrays.
    const copy = (from: number, n: number) => new Uint8Array(buf.subarray(from, from + n));
    const nums = new Float64Array(copy(at, numBytes).buffer);
    const lostSums = lostBytes === 0 ? null : new Float64Array(copy(at + numBytes, lostBytes).buffer);
    const ints = new Int32Array(copy(at + numBytes + lostBytes, intBytes).buffer);
    const keyBytes = copy(at + numBytes + lostBytes + intBytes, keyLen);
    at += align8(numBytes + lostBytes + intBytes + keyLen);
    const table: TableView = { size: n, nums, ints, keyBytes, ...(lostSums === null ? {} : { lost: lostSums }) };
    checkPartition(table, tables[tables.length - 1], (what) => fail(`partition ${tables.length + 1}: ${what}`));
    tables.push(table);
    rows += n;
  }
}

// Keys inside their partition, hashes recomputed (never trusted from a file), rows strictly in
// canonical order within and across partitions: a reader may then merge partials as sorted runs.
function checkPartition(t: TableView, previous: TableView | undefined, fail: (what: string) => never): void {
  const ints = t.ints;
  for (let e = 0; e < t.size; e++) {
    const b = e * INT_STRIDE,
      off = ints[b + COL.I_KEYOFF],
      len = ints[b + COL.I_KEYLEN];
    if (off < 0 || len < 0 || off + len > t.keyBytes.length) fail(`row ${e + 1}'s key lies outside the partition`);
    ints[b + COL.I_HASH] = hashKey(
      t.keyBytes,
      off,
      len,
      ints[b + COL.I_SPORT],
      ints[b + COL.I_DPORT],
      ints[b + COL.I_PROTO],
    );
    const before =
      e > 0
        ? compareEntries(t, e - 1, t, e)
        : previous && previous.size > 0
          ? compareEntries(previous, previous.size - 1, t, e)
          : -1;
    if (before >= 0) fail(`row ${e + 1} is not in canonical order`);
  }
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** One partition: its header, then its columns (with `lost`, version 4's lost packets), padded to 8 bytes. */
function encodePartition(t: TableView, lost: boolean): Uint8Array {
  const numBytes = t.size * NUM_STRIDE * 8,
    lostBytes = lost ? t.size * LOST_STRIDE * 8 : 0,
    intBytes = t.size * INT_STRIDE * 4,
    keyLen = t.keyBytes.length;
  const out = newPartition(t.size, keyLen, lost);
  Buffer.from(t.nums.buffer, t.nums.byteOffset, numBytes).copy(out, 16);
  // Rows that came without the column lost nothing: the zeros Buffer.alloc gave.
  if (lost && t.lost) Buffer.from(t.lost.buffer, t.lost.byteOffset, lostBytes).copy(out, 16 + numBytes);
  Buffer.from(t.ints.buffer, t.ints.byteOffset, intBytes).copy(out, 16 + numBytes + lostBytes);
  Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset, keyLen).copy(out, 16 + numBytes + lostBytes + intBytes);
  return sealPartition(out, numBytes + lostBytes + intBytes + keyLen);
}

/** A zeroed partition of `rows` rows and `keyLen` key bytes (with `lost`, version 4's), its header written but its checksum. */
function newPartition(rows: number, keyLen: number, lost: boolean): Buffer {
  const body = rows * (NUM_STRIDE * 8 + (lost ? LOST_STRIDE * 8 : 0) + INT_STRIDE * 4) + keyLen;
  const out = Buffer.alloc(16 + align8(body));
  out.writeUInt32LE(PART, 0);
  out.writeUInt32LE(rows, 4);
  out.writeUInt32LE(keyLen, 8);
  return out;
}

/**
 * `out` with the checksum of its `body` bytes (the padding after them not included) in its
 * header: `crc`, when the caller has it (the kernel computes it where the bytes are), else computed.
 */
function sealPartition(out: Buffer, body: number, crc = crc32c(out.subarray(16, 16 + body))): Buffer {
  out.writeUInt32LE(crc, 12);
  return out;
}
