/**
 * Inputs of `dot` and `diff`: a raw flow log, a text or NDJSON digest, or DOT written by
 * flowdigest; from a path or a stream, gzip or not. Rows go into tables block by block, so a
 * caller can either fill one table (load) or drain each block as it comes (stream).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { addStats, Digest, type DigestStats, emptyStats, MAX_SAMPLES, unionLost } from '../digest/digest.js';
import { digestLineText, NdjsonKey, readNdjsonLine } from '../digest/read.js';
import { V2_KEY } from '../format/key.js';
import type { PacketsLostField } from '../format/fields.js';
import { DigestTable } from '../table/table.js';
import { InputError } from '../errors.js';
import type { Layout } from '../format/layout.js';
import { MAX_LINE_BYTES, Scanner } from '../format/scanner.js';
import { forEachLine } from '../util/lines.js';
import { inflateIfGzip, peek } from '../util/gunzip.js';
import { readDotLine } from './read-dot.js';

/** What an input turned out to be. */
export type InputFormat = 'text' | 'ndjson' | 'dot';

/** Options of {@link readGraphInput}. */
export interface ReadGraphInputOptions {
  /** Name for messages. @default the path, or `input` for a stream */
  name?: string;
  /** Fail on the first malformed flow-log record instead of counting it. @default false */
  strict?: boolean;
}

/**
 * Where rows go. `table()` gives the table to fill next; `flush(table)` runs after each block.
 * Without `flush`, the whole input is read into one table in one pass.
 */
export interface BlockSink {
  table(): DigestTable;
  flush?(table: DigestTable): void;
}

/** Bytes (text) or lines (NDJSON, DOT) per block when streaming. */
const BLOCK_BYTES = 1 << 20;
const BLOCK_LINES = 8192;

/** Read a whole input into one digest. */
export async function readGraphInput(
  input: string | Readable,
  options: ReadGraphInputOptions = {},
): Promise<{ digest: Digest; format: InputFormat }> {
  const table = new DigestTable();
  const { format, stats, key, lost } = await readBlocks(input, { table: () => table }, options);
  return { digest: new Digest(table, stats).withKey(key).withLost(lost), format };
}

/** Read `input` into `sink` block by block; returns the format found and the statistics. */
export async function readBlocks(
  input: string | Readable,
  sink: BlockSink,
  options: ReadGraphInputOptions = {},
): Promise<{ format: InputFormat; stats: DigestStats; key: readonly string[]; lost: PacketsLostField[] }> {
  const name = options.name ?? (typeof input === 'string' ? input : 'input');
  const stats = emptyStats();
  stats.objects = 1;
  try {
    const stream = await inflateIfGzip(typeof input === 'string' ? createReadStream(input) : input);
    const format = sniff(await peek(stream));
    // A digest made with --key names its key (text: in its header; NDJSON: in its rows' fields).
    // And the packets-lost-* fields it sums (a Transit Gateway digest), which its rows carry.
    const { key, lost } =
      format === 'text'
        ? await readText(stream, name, options.strict ?? false, sink, stats)
        : await readLines(stream, name, format, sink, stats);
    return { format, stats, key, lost };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${name}: no such file`, { key: name }, { cause: err });
    if (code === 'EISDIR')
      throw new InputError(
        `${name}: is a directory (digest it first: flowdigest digest DIR -f dot)`,
        { key: name },
        { cause: err },
      );
    if (code === 'Z_DATA_ERROR' || (err as Error).message === 'unexpected end of file') {
      throw new InputError(`${name}: corrupt gzip: ${(err as Error).message}`, { key: name }, { cause: err });
    }
    throw err;
  }
}

function sniff(first: Buffer | null): InputFormat {
  const head = first === null ? '' : first.subarray(0, 256).toString('latin1').trimStart();
  if (head.startsWith('{')) return 'ndjson';
  if (/^(strict\s+)?(di)?graph\b/i.test(head) || head.startsWith('//') || head.startsWith('/*')) return 'dot';
  return 'text';
}

async function readText(
  stream: Readable,
  name: string,
  strict: boolean,
  sink: BlockSink,
  stats: DigestStats,
): Promise<{ key: readonly string[]; lost: PacketsLostField[] }> {
  let layout: Layout | undefined;
  let key: readonly string[] = V2_KEY;
  let lost: PacketsLostField[] = [];
  let lineNo = 0;
  const scanner = (): { scanner: Scanner; table: DigestTable } => {
    const table = sink.table();
    return {
      table,
      scanner: new Scanner(table, {
        key: name,
        strict,
        maxSamples: MAX_SAMPLES,
        filter: {},
        layout,
        firstLine: lineNo,
        keyFromHeader: true,
      }),
    };
  };
  const finish = (s: { scanner: Scanner; table: DigestTable }) => {
    s.scanner.end();
    layout = s.scanner.currentLayout;
    key = s.scanner.keyFields;
    lost = unionLost(lost, s.scanner.lostFields);
    lineNo = s.scanner.lineNo;
    addStats(stats, { ...emptyStats(), ...s.scanner.counters });
    sink.flush?.(s.table);
  };
  if (sink.flush === undefined) {
    const s = scanner();
    for await (const chunk of stream) s.scanner.push(chunk as Buffer);
    finish(s);
    return { key, lost };
  }
  // A new scanner per block of whole lines; each continues the layout and line numbers.
  let pending: Buffer[] = [],
    size = 0;
  // After a line too long for any block was cut (and counted malformed), its rest up to and
  // including its newline is dropped, counted in bytes, and never held.
  let dropping = false;
  for await (const data of stream) {
    let chunk = data as Buffer;
    if (dropping) {
      const nl = chunk.indexOf(10);
      stats.bytesRead += nl < 0 ? chunk.length : nl;
      if (nl < 0) continue;
      dropping = false;
      chunk = chunk.subarray(nl + 1);
    }
    pending.push(chunk);
    size += chunk.length;
    if (size < BLOCK_BYTES) continue;
    const all = Buffer.concat(pending);
    // A line with no end in 4 blocks is far beyond the scanner's line limit: let it count it as malformed.
    const nl = all.lastIndexOf(10) + 1;
    const cut = nl === 0 && size >= 4 * BLOCK_BYTES ? size : nl;
    if (cut === 0) {
      pending = [all];
      continue;
    }
    if (cut === size && nl === 0) dropping = true;
    const s = scanner();
    s.scanner.push(all.subarray(0, cut));
    finish(s);
    pending = cut < size ? [all.subarray(cut)] : [];
    size -= cut;
  }
  if (size > 0 || lineNo === 0) {
    const s = scanner();
    s.scanner.push(Buffer.concat(pending));
    finish(s);
  }
  return { key, lost };
}

async function readLines(
  stream: Readable,
  name: string,
  format: 'ndjson' | 'dot',
  sink: BlockSink,
  stats: DigestStats,
): Promise<{ key: readonly string[]; lost: PacketsLostField[] }> {
  const key = new NdjsonKey();
  let inBlock = 0;
  let table = sink.table();
  // Lines as bytes, bounded by the scanner's line limit (split2 re-splits a long line per chunk).
  await forEachLine(stream, MAX_LINE_BYTES, (bytes, line) => {
    const at = { key: name, line };
    const text = digestLineText(bytes, at);
    if (format === 'ndjson') {
      readNdjsonLine(text, at, table, stats, key);
    } else {
      const edge = readDotLine(text, at, table);
      if (edge !== null) {
        stats.lines++;
        stats.records++;
        stats.digested++;
        stats.packetsSeen ||= edge.packets;
        stats.bytesSeen ||= edge.bytes;
      }
    }
    if (sink.flush !== undefined && ++inBlock >= BLOCK_LINES) {
      sink.flush(table);
      table = sink.table();
      inBlock = 0;
    }
  });
  sink.flush?.(table);
  return { key: key.fields ?? V2_KEY, lost: key.lost };
}
