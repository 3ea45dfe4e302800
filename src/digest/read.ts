/**
 * Read a digest back (for `merge`): a text digest is a flow log and goes through the same
 * scanner; NDJSON rows keep their record counts and the stats line is summed; a binary partial
 * is decoded whole (see partial.ts).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { inflateIfGzip, peek } from '../sources/gunzip.js';
import split2 from 'split2';
import { DigestParseError, InputError } from '../errors.js';
import { newCounters } from '../format/counters.js';
import { Scanner } from '../format/scanner.js';
import { addStats, Digest, emptyStats, type DigestStats } from './digest.js';
import { identity } from './order.js';
import { decodePartial, isPartial } from './partial.js';
import { type DigestTable, hashKey, type TableView, TWO52 } from './table.js';

/** Read a text, NDJSON or binary partial digest (optionally gzip) from a path or stream. */
export async function readDigest(input: string | Readable, name = typeof input === 'string' ? input : 'digest'): Promise<Digest> {
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const digest = new Digest();
  try {
    const body = await sniff(stream);
    if (body.kind === 'partial') return await readPartial(body.stream, name);
    if (body.kind === 'ndjson') await readNdjson(body.stream, name, digest);
    else await readText(body.stream, name, digest);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(`${name}: no such file`, { key: name }, { cause: err });
    if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (err as Error).message === 'unexpected end of file') {
      throw new InputError(`${name}: corrupt gzip: ${(err as Error).message}`, { key: name }, { cause: err });
    }
    throw err;
  }
  return digest;
}

async function readText(stream: Readable, name: string, digest: Digest): Promise<void> {
  const scanner = new Scanner(digest.table, { key: name, strict: true, maxSamples: 0, filter: {} });
  for await (const chunk of stream) scanner.push(chunk as Buffer);
  scanner.end();
  const c = scanner.counters;
  const stats: DigestStats = { ...emptyStats(), ...c, objects: 1 };
  addStats(digest.stats, stats);
}

async function readNdjson(stream: Readable, name: string, digest: Digest): Promise<void> {
  let line = 0;
  for await (const text of stream.pipe(split2()) as AsyncIterable<string>) {
    line++;
    readNdjsonLine(text, { key: name, line }, digest.table, digest.stats);
  }
}

/** Add one NDJSON digest line to `table` (a row) or `stats` (the stats line). Throws {@link DigestParseError}. */
export function readNdjsonLine(text: string, at: { key: string; line: number }, table: DigestTable, stats: DigestStats): void {
  if (text.trim() === '') return;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new DigestParseError(`not JSON: ${(err as Error).message}`, at);
  }
  if (obj !== null && typeof obj === 'object' && 'stats' in obj) {
    addStats(stats, { ...emptyStats(), ...newCounters(), ...(obj.stats as object) } as DigestStats);
    return;
  }
  const str = (f: string): string => {
    const v = obj[f];
    if (typeof v !== 'string' || v === '' || /[ \n\0]/.test(v)) throw new DigestParseError(`field '${f}' must be a non-empty string without spaces`, { ...at, field: f });
    return v;
  };
  const int = (f: string, nullable: boolean): number | null => {
    const v = obj[f];
    if (v === null && nullable) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new DigestParseError(`field '${f}' must be a non-negative integer${nullable ? ' or null' : ''}`, { ...at, field: f });
    return v;
  };
  const key = Buffer.from([str('account-id'), str('interface-id'), str('srcaddr'), str('dstaddr'), str('action')].join('\0'), 'utf8');
  const sport = int('srcport', true) ?? -1, dport = int('dstport', true) ?? -1, proto = int('protocol', true) ?? -1;
  const e = table.upsert(key, 0, key.length, hashKey(key, 0, key.length, sport, dport, proto), sport, dport, proto);
  const [pl, ph] = bigField(text, 'packets', at), [bl, bh] = bigField(text, 'bytes', at);
  // A row with values shows them even when the file has no stats line.
  stats.packetsSeen ||= obj.packets !== null;
  stats.bytesSeen ||= obj.bytes !== null;
  const start = int('start', true), end = int('end', true);
  const records = int('records', false)!;
  table.addAggregate(e, pl, ph, bl, bh, start ?? Infinity, end ?? -Infinity, records);
}

// packets/bytes may exceed 2^53, which JSON.parse would round: read their digits from the text.
function bigField(text: string, field: string, at: { key: string; line: number }): [number, number] {
  const m = new RegExp(`"${field}":(null|\\d+)[,}]`).exec(text);
  if (m === null) throw new DigestParseError(`field '${field}' must be an integer or null`, { ...at, field });
  if (m[1] === 'null') return [0, 0];
  const v = BigInt(m[1]);
  return [Number(v % BigInt(TWO52)), Number(v / BigInt(TWO52))];
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

/** The kinds of digest files: text (a flow log), NDJSON, or a binary partial. */
export type DigestKind = 'text' | 'ndjson' | 'partial';

async function sniff(stream: Readable): Promise<{ stream: Readable; kind: DigestKind }> {
  const body = await inflateIfGzip(stream);
  const first = await peek(body);
  if (first !== null && isPartial(first)) return { stream: body, kind: 'partial' };
  return { stream: body, kind: first !== null && first.toString('latin1').trimStart().startsWith('{') ? 'ndjson' : 'text' };
}

async function readPartial(stream: Readable, name: string): Promise<Digest> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  const { table, starts, stats } = decodePartial(Buffer.concat(parts), name);
  return digestOfSorted(table, starts, stats);
}

/** A digest over rows already in canonical order, its ranges starting at `starts`. */
export function digestOfSorted(table: TableView, starts: readonly number[], stats: DigestStats): Digest {
  const ranges = starts.map((from, i) => ({ from: [from], to: [starts[i + 1] ?? table.size] }));
  return Digest.fromRuns([{ table, order: identity(table.size) }], ranges, table.size, stats);
}
