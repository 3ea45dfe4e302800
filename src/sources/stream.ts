/**
 * A byte stream (stdin by default) cut into blocks of whole lines, so a stream of any length
 * goes through the pool in bounded pieces. Lines are found as bytes, never as strings: the bytes
 * reach the scanner as they came (invalid UTF-8 included, which the scanner then rejects the
 * same way on every path), and a line longer than the scanner's limit is cut down to a stub as
 * it streams by: its rest is counted and dropped, never held, so any line costs linear time and
 * bounded memory.
 */
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { headerProblem, headerTokens } from '../format/layout.js';
import { MAX_LINE_BYTES } from '../format/scanner.js';
import { inflateIfGzip } from '../util/gunzip.js';
import type { ListContext, ObjectRef, ObjectSource } from './source.js';

/** Bytes of lines per block handed to a worker. */
export const STREAM_BLOCK_BYTES = 4 * 1024 * 1024;

const NL = 10,
  CR = 13;
/** An over-long line keeps this many bytes: one more than the limit, so the scanner counts it as too long. */
const STUB_BYTES = MAX_LINE_BYTES + 1;

export class StreamSource implements ObjectSource {
  readonly description: string;
  private readonly blocks = new WeakMap<ObjectRef, Uint8Array>();

  /**
   * @param input the stream (gzip detected by magic bytes) @param name its name in messages
   * @param blockBytes bytes of lines per block handed to a worker (default 4 MiB)
   */
  constructor(
    private readonly input: Readable,
    name = '-',
    private readonly blockBytes = STREAM_BLOCK_BYTES,
  ) {
    this.description = name;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const text = await inflateIfGzip(this.input);
    const onAbort = () => text.destroy();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const target = this.blockBytes;
    let parts: Uint8Array[] = [];
    let blockBytes = 0,
      blockFirstLine = 0,
      blockElided = 0;
    /** Complete lines so far; bytes of the current line (kept or dropped); dropping its rest. */
    let lineNo = 0,
      lineLen = 0,
      dropping = false,
      droppedCr = false;
    /** The field order, once the first non-blank line is known (undefined: still looking). */
    let fields: string[] | undefined;
    /** The field order in force where the current block begins. */
    let blockFields: string[] | undefined;
    /** Bytes of a line being collected to test as a header (the first, or one starting a-z). */
    let first: Uint8Array[] | null = [];
    let firstSeen = false;
    const flush = (): ObjectRef => {
      const data = parts.length === 1 ? parts[0] : Buffer.concat(parts, blockBytes);
      const ref: ObjectRef = { key: this.description, size: data.length, listedWithData: true };
      // The first block finds its own header; later ones are told the layout and line offset.
      if (blockFirstLine > 0) {
        // Absent: no header yet, the run's headerless format (--fields, else v2) applies.
        if (blockFields !== undefined) ref.fields = blockFields;
        ref.firstLine = blockFirstLine;
      }
      if (blockElided > 0) ref.elidedBytes = blockElided;
      this.blocks.set(ref, data);
      parts = [];
      blockBytes = 0;
      blockFirstLine = lineNo;
      blockFields = fields;
      blockElided = 0;
      return ref;
    };
    const keep = (b: Uint8Array) => {
      if (b.length === 0) return;
      parts.push(b);
      blockBytes += b.length;
      if (first !== null) first.push(b);
    };
    // The first line that is not blank decides the layout later blocks are told (as the scanner
    // of the first block decides it): collected while it streams, at most a stub long.
    const lineDone = () => {
      if (first === null) return;
      const line = Buffer.concat(first);
      first = [];
      let e = line.length;
      if (e > 0 && line[e - 1] === NL) e--;
      if (e > 0 && line[e - 1] === CR) e--;
      if (e === 0) return;
      first = null;
      if (!firstSeen) {
        firstSeen = true;
        fields = e > MAX_LINE_BYTES ? undefined : headerFields(line.subarray(0, e).toString('latin1'));
        return;
      }
      // A later valid header (concatenated objects) applies from the next line on, as in the scanner.
      const later = e > MAX_LINE_BYTES ? undefined : headerFields(line.subarray(0, e).toString('latin1'));
      if (later !== undefined) fields = later;
    };
    try {
      for await (const chunk of text as AsyncIterable<Buffer>) {
        const len = chunk.length;
        let p = 0,
          from = 0;
        if (first === null && lineLen === 0 && !dropping && len > 0 && chunk[0] >= 97 && chunk[0] <= 122) first = [];
        while (p < len) {
          if (dropping) {
            const nl = chunk.indexOf(NL, p);
            if (nl < 0) {
              blockElided += len - p;
              droppedCr = chunk[len - 1] === CR;
              p = from = len;
              break;
            }
            blockElided += nl - p;
            // A CR before the newline is not a byte of the line (as the scanner counts it).
            if (nl > p ? chunk[nl - 1] === CR : droppedCr) blockElided--;
            droppedCr = false;
            p = from = nl;
            dropping = false;
            lineLen = 0;
          }
          const nl = chunk.indexOf(NL, p);
          const end = nl < 0 ? len : nl;
          if (lineLen + (end - p) > MAX_LINE_BYTES) {
            // Keep a stub of the line and drop the rest up to its newline.
            const stubEnd = p + (STUB_BYTES - lineLen);
            keep(chunk.subarray(from, stubEnd));
            lineLen = STUB_BYTES;
            p = from = stubEnd;
            dropping = true;
            continue;
          }
          if (nl < 0) {
            lineLen += len - p;
            p = len;
            break;
          }
          p = nl + 1;
          lineNo++;
          lineLen = 0;
          if (first !== null) {
            keep(chunk.subarray(from, p));
            from = p;
            lineDone();
          }
          if (blockBytes + (p - from) >= target) {
            keep(chunk.subarray(from, p));
            from = p;
            yield flush();
          }
          // A line starting with a lowercase letter may be a repeated header: collect it too.
          if (first === null && p < len && chunk[p] >= 97 && chunk[p] <= 122) {
            keep(chunk.subarray(from, p));
            from = p;
            first = [];
          }
        }
        keep(chunk.subarray(from, len));
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    ctx.signal.throwIfAborted();
    if (blockBytes > 0 || blockElided > 0 || blockFirstLine === 0) yield flush();
  }

  async read(ref: ObjectRef): Promise<Uint8Array> {
    const data = this.blocks.get(ref);
    if (data === undefined)
      throw new InputError(`block of ${ref.key} was already read (each block is read once)`, { key: ref.key });
    this.blocks.delete(ref);
    return data;
  }
}

/**
 * The fields of a header line, or undefined when the line is not a valid header. A line that
 * only looks like one is left to the first block's scanner, which fails it with a FormatError.
 */
function headerFields(line: string): string[] | undefined {
  const tokens = headerTokens(line);
  return tokens !== null && headerProblem(tokens) === null ? tokens : undefined;
}
