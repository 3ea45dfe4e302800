/**
 * Read a digest back (for `merge`): a text digest is a flow log and goes through the same
 * scanner; NDJSON rows keep their record counts and the stats line is summed; a binary partial
 * is decoded whole (see partial.ts).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { inflateIfGzip, peek } from '../util/gunzip.js';
import { DigestParseError, InputError } from '../errors.js';
import { newCounters } from '../table/counters.js';
import { MAX_LINE_BYTES, Scanner } from '../format/scanner.js';
import { forEachLine } from '../util/lines.js';
import { addStats, Digest, emptyStats, type DigestStats, MAX_SAMPLES } from './digest.js';
import { identity } from './order.js';
import { decodePartial, isPartial } from './partial.js';
import { parseJsonExact } from '../util/json.js';
import { keySlots, type KeySlots } from './keyed-format.js';
import { parseKeySpec, V2_KEY } from '../format/key.js';
import { KNOWN_FIELDS, PACKETS_LOST_FIELDS, type PacketsLostField } from '../format/fields.js';
import { type DigestTable, hashKey, type TableView, TWO52 } from '../table/table.js';

/** Options of {@link readDigest}. */
export interface ReadDigestOptions {
  /**
   * Fail on the first malformed row of a text digest; false counts and skips it (with samples
   * in the stats). NDJSON rows that do not parse always fail. @default true
   */
  strict?: boolean;
}

/** Read a text, NDJSON or binary partial digest (optionally gzip) from a path or stream. */
export async function readDigest(
  input: string | Readable,
  name = typeof input === 'string' ? input : 'digest',
  options: ReadDigestOptions = {},
): Promise<Digest> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const digest = new Digest();
  try {
    const body = await sniff(stream);
    if (body.kind === 'partial') return await readPartial(body.stream, name);
    if (body.kind === 'ndjson') await readNdjson(body.stream, name, digest);
    else await readText(body.stream, name, digest, options.strict ?? true);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new InputError(`${name}: no such file`, { key: name }, { cause: err });
    if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (err as Error).message === 'unexpected end of file') {
      throw new InputError(`${name}: corrupt gzip: ${(err as Error).message}`, { key: name }, { cause: err });
    }
    throw err;
  }
  return digest;
}

async function readText(stream: Readable, name: string, digest: Digest, strict: boolean): Promise<void> {
  const scanner = new Scanner(digest.table, {
    key: name,
    strict,
    maxSamples: MAX_SAMPLES,
    filter: {},
    keyFromHeader: true,
  });
  for await (const chunk of stream) scanner.push(chunk as Buffer);
  scanner.end();
  // A digest made with --key names its key in its header: merged, it keeps it.
  digest.key = scanner.keyFields;
  // Its summed packets-lost-* fields follow log-status: read, they are summed again.
  digest.withLost(scanner.lostFields);
  const c = scanner.counters;
  const stats: DigestStats = { ...emptyStats(), ...c, objects: 1 };
  addStats(digest.stats, stats);
}

async function readNdjson(stream: Readable, name: string, digest: Digest): Promise<void> {
  const key = new NdjsonKey();
  await forEachLine(stream, MAX_LINE_BYTES, (bytes, line) => {
    readNdjsonLine(digestLineText(bytes, { key: name, line }), { key: name, line }, digest.table, digest.stats, key);
  });
  // A digest made with --key has its key's fields in each row: merged, it keeps it.
  if (key.fields !== null) digest.key = key.fields;
  digest.withLost(key.lost);
}

/** Fields of an NDJSON digest row that are not key fields. */
const NDJSON_VALUES = new Set(['packets', 'bytes', 'start', 'end', 'records', 'log-status', ...PACKETS_LOST_FIELDS]);

/**
 * The key of an NDJSON digest, found in its first row (its flow-log fields but the values, in
 * their order: a digest made with `--key` writes them in the key's order) or its stats line's
 * `key`, and checked against the other. Pass one per file to {@link readNdjsonLine}.
 */
export class NdjsonKey {
  /** The key's fields once a row was read (v2's for a v2 digest, in any field order); null before. */
  fields: readonly string[] | null = null;
  /** @internal The layout of a non-v2 key; null for v2's. */
  slots: KeySlots | null = null;
  /** The packets-lost-* fields the first row (or the stats line) sums; every row must have the first row's. */
  lost: PacketsLostField[] = [];
  private names = '';
  private known: Set<string> | null = null;

  /** @internal Check `obj`'s key fields against the first row's. */
  take(obj: Record<string, unknown>, at: { key: string; line: number }, statsLine = false): void {
    // After the first row, only the stats line's key is compared: a row lacking a key field
    // fails on that field below, and a field beyond the key is ignored (as it always was), so
    // the rows pay for no check of their own.
    if (this.known !== null && !statsLine) return;
    // Names that are no flow-log field (another tool's notes) are not key fields, as before.
    const fields = Object.keys(obj).filter((f) => !NDJSON_VALUES.has(f) && KNOWN_FIELDS.has(f));
    const names = [...fields].sort().join(' ');
    if (this.fields === null) {
      const v2 = names === V2_SORTED;
      if (!v2) {
        let spec: ReturnType<typeof parseKeySpec>;
        try {
          spec = parseKeySpec(fields, 'key');
        } catch (err) {
          throw new DigestParseError(`row's fields are not a digest key: ${(err as Error).message}`, at);
        }
        if ('replace' in spec) this.slots = keySlots(spec.replace);
      }
      this.fields = v2 ? V2_KEY : fields;
      this.names = names;
      this.known = new Set(fields);
      if (!statsLine) this.lost = PACKETS_LOST_FIELDS.filter((f) => f in obj);
    } else if (names !== this.names)
      throw new DigestParseError(
        `row's key fields (${fields.join(' ')}) are not the first row's (${this.fields.join(' ')})`,
        at,
      );
  }
}

const V2_SORTED = [...V2_KEY].sort().join(' ');

/**
 * The text of a digest line (NDJSON; DOT for dot and diff). A line over the line limit, or not
 * valid UTF-8 (whose bytes a string would silently turn into U+FFFD), is not a digest row:
 * DigestParseError naming file:line.
 */
export function digestLineText(bytes: Buffer | null, at: { key: string; line: number }): string {
  if (bytes === null) throw new DigestParseError(`line longer than ${MAX_LINE_BYTES} bytes`, at);
  if (!isUtf8(bytes)) throw new DigestParseError('not valid UTF-8', at);
  return bytes.toString('utf8');
}

/**
 * Add one NDJSON digest line to `table` (a row) or `stats` (the stats line). Throws {@link DigestParseError}.
 * The line is read as JSON reads it (any whitespace, a repeated key keeps its last value); only
 * when packets or bytes are beyond 2^53 - 1, which JSON.parse would round, is it parsed again by
 * the exact parser, which keeps every digit.
 */
export function readNdjsonLine(
  text: string,
  at: { key: string; line: number },
  table: DigestTable,
  stats: DigestStats,
  keyOf: NdjsonKey = new NdjsonKey(),
): void {
  if (text.trim() === '') return;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new DigestParseError(`not JSON: ${(err as Error).message}`, at);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    throw new DigestParseError('not a JSON object', at);
  if ('stats' in obj) {
    const { key, lost, ...rest } = (obj.stats ?? {}) as { key?: unknown; lost?: unknown };
    if (key !== undefined)
      keyOf.take(Object.fromEntries((Array.isArray(key) ? key : [key]).map((f) => [f, 0])), at, true);
    // A digest without rows names its packets-lost-* fields here.
    if (Array.isArray(lost)) keyOf.lost = PACKETS_LOST_FIELDS.filter((f) => keyOf.lost.includes(f) || lost.includes(f));
    addStats(stats, { ...emptyStats(), ...newCounters(), ...rest } as DigestStats);
    return;
  }
  if (!exactSums(obj)) {
    try {
      obj = parseJsonExact(text) as Record<string, unknown>;
    } catch (err) {
      throw new DigestParseError(`not JSON: ${(err as Error).message}`, at);
    }
  }
  const str = (f: string): string => {
    const v = obj[f];
    if (typeof v !== 'string' || v === '' || /[ \n\0]/.test(v))
      throw new DigestParseError(`field '${f}' must be a non-empty string without spaces`, { ...at, field: f });
    // A lone surrogate has no UTF-8 form: its bytes would silently become U+FFFD.
    if (LONE_SURROGATE.test(v))
      throw new DigestParseError(`field '${f}' is not valid Unicode (a lone surrogate)`, { ...at, field: f });
    return v;
  };
  const int = (f: string, nullable: boolean): number | null => {
    const v = obj[f];
    if (v === null && nullable) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw new DigestParseError(`field '${f}' must be a non-negative integer${nullable ? ' or null' : ''}`, {
        ...at,
        field: f,
      });
    return v;
  };
  keyOf.take(obj, at);
  const k = keyOf.slots;
  const key = Buffer.from(
    (k === null
      ? [str('account-id'), str('interface-id'), str('srcaddr'), str('dstaddr'), str('action')]
      : k.plan.slots.map((f) => (f === '' ? '-' : str(f)))
    ).join('\0'),
    'utf8',
  );
  const portOf = (f: string, keyed: boolean) => (k === null || keyed ? (int(f, true) ?? -1) : -1);
  const sport = portOf('srcport', k?.plan.srcport ?? true),
    dport = portOf('dstport', k?.plan.dstport ?? true),
    proto = portOf('protocol', k?.plan.protocol ?? true);
  const start = int('start', true),
    end = int('end', true);
  if (start !== null && end !== null && start > end)
    throw new DigestParseError(`field 'start' (${start}) is after field 'end' (${end})`, { ...at, field: 'start' });
  const records = int('records', false)!;
  const [pl, ph] = sumField(obj, 'packets', at),
    [bl, bh] = sumField(obj, 'bytes', at);
  const e = table.upsert(key, 0, key.length, hashKey(key, 0, key.length, sport, dport, proto), sport, dport, proto);
  // A row with values shows them even when the file has no stats line.
  stats.packetsSeen ||= obj.packets !== null;
  stats.bytesSeen ||= obj.bytes !== null;
  table.addAggregate(e, pl, ph, bl, bh, start ?? Infinity, end ?? -Infinity, records);
  if (keyOf.lost.length > 0) {
    table.enableLost();
    for (const f of keyOf.lost) {
      const [lo, hi] = sumField(obj, f, at);
      table.addLost(e, PACKETS_LOST_FIELDS.indexOf(f), lo, hi);
    }
  }
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when JSON.parse read packets, bytes and any packets-lost-* sums exactly: each null,
 * absent, or a safe integer (or not a number at all: then the field check says why).
 */
function exactSums(obj: Record<string, unknown>): boolean {
  const ok = (v: unknown) => typeof v !== 'number' || Number.isSafeInteger(v);
  return ok(obj.packets) && ok(obj.bytes) && PACKETS_LOST_FIELDS.every((f) => ok(obj[f]));
}

/** packets or bytes as the table's two words (low 52 bits, high part), exactly. */
function sumField(obj: Record<string, unknown>, field: string, at: { key: string; line: number }): [number, number] {
  const v = obj[field];
  if (v === null) return [0, 0];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return [v % TWO52, Math.floor(v / TWO52)];
  if (typeof v === 'bigint' && v >= 0n) return [Number(v % BigInt(TWO52)), Number(v / BigInt(TWO52))];
  throw new DigestParseError(`field '${field}' must be a non-negative integer or null`, { ...at, field });
}

/**
 * What kind of digest the file at `path` holds, from its first bytes (gzip looked through), or
 * null when it cannot be read (the caller's readDigest then reports why).
 */
export async function digestKind(path: string): Promise<DigestKind | null> {
  const stream = createReadStream(path);
  try {
    return (await sniff(stream)).kind;
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
}

/**
 * The key a text digest's header names when it was made with a key other than v2's (its
 * fields before `packets bytes start end log-status`), or null: a v2 digest, a flow log, or
 * unreadable. `report` reads such a file as a digest, so its key is kept.
 */
export async function textDigestKey(path: string): Promise<readonly string[] | null> {
  const stream = createReadStream(path);
  try {
    const body = await inflateIfGzip(stream);
    const first = await peek(body);
    if (first === null) return null;
    const text = first.toString('latin1');
    const nl = text.indexOf('\n');
    const fields = (nl < 0 ? text : text.slice(0, nl)).trim().split(/\s+/);
    // Summed packets-lost-* fields may follow log-status.
    while (fields.length > 0 && (PACKETS_LOST_FIELDS as readonly string[]).includes(fields[fields.length - 1]))
      fields.pop();
    const n = fields.length - KEYED_VALUES.length;
    if (n < 2 || fields[0] === 'version' || !KEYED_VALUES.every((f, i) => fields[n + i] === f)) return null;
    const key = fields.slice(0, n);
    try {
      parseKeySpec(key, 'key');
    } catch {
      return null;
    }
    return key;
  } catch {
    return null;
  } finally {
    stream.destroy();
  }
}

const KEYED_VALUES = ['packets', 'bytes', 'start', 'end', 'log-status'];

/** The kinds of digest files: text (a flow log), NDJSON, or a binary partial. */
export type DigestKind = 'text' | 'ndjson' | 'partial';

async function sniff(stream: Readable): Promise<{ stream: Readable; kind: DigestKind }> {
  const body = await inflateIfGzip(stream);
  const first = await peek(body);
  if (first !== null && isPartial(first)) return { stream: body, kind: 'partial' };
  return {
    stream: body,
    kind: first?.toString('latin1').trimStart().startsWith('{') ? 'ndjson' : 'text',
  };
}

async function readPartial(stream: Readable, name: string): Promise<Digest> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  const { table, starts, stats, key, lost } = decodePartial(Buffer.concat(parts), name);
  return digestOfSorted(table, starts, stats, key, lost);
}

/**
 * A digest over rows already in canonical order, its ranges starting at `starts`, under `key`
 * (v2's by default), summing the packets-lost-* fields `lost` (none by default).
 */
export function digestOfSorted(
  table: TableView,
  starts: readonly number[],
  stats: DigestStats,
  key: readonly string[] = V2_KEY,
  lost: readonly PacketsLostField[] = [],
): Digest {
  const ranges = starts.map((from, i) => ({ from: [from], to: [starts[i + 1] ?? table.size] }));
  return Digest.fromRuns([{ table, order: identity(table.size) }], ranges, table.size, stats, undefined, key).withLost(
    lost,
  );
}
