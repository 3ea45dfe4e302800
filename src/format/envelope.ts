/**
 * CloudWatch Logs deliveries, told from text by content: an object whose first byte that is not
 * white space is `{` holds JSON documents, not flow-log lines (a flow-log line never starts so).
 *
 * - A subscription filter's payload, `{"messageType":"DATA_MESSAGE", ..., "logEvents":[{"id",
 *   "timestamp","message"}, ...]}`; Firehose writes several into one object, concatenated
 *   without a separator (after inflating the gzip members). `CONTROL_MESSAGE` documents are
 *   health checks: skipped.
 * - NDJSON lines with a `message` field (other shippers): one record each.
 *
 * Each message is one record, fed to the {@link Scanner} as a line in the run's header-less
 * format (`--fields`, else v2). Documents are cut out as the bytes arrive (a small state machine
 * over strings and braces), so an object is never held whole: at most one document is. A document
 * that does not parse, or is cut short, is one malformed record at the line where it begins.
 */
import type { Scanner } from './scanner.js';

const OPEN = 123,
  CLOSE = 125,
  QUOTE = 34,
  BACKSLASH = 92,
  NL = 10;

/** What a CloudWatch Logs subscription document looks like (only the fields read). */
interface Envelope {
  messageType?: unknown;
  logEvents?: unknown;
  message?: unknown;
}

/**
 * The bytes of one object (decompressed), handed on to a scanner: as they are for text, or as
 * the messages of their JSON documents for a CloudWatch Logs delivery.
 */
export class DeliveryReader {
  /** null until the first byte that is not white space decides. */
  private json: boolean | null = null;
  private pending: Buffer = Buffer.alloc(0);
  /** Scan state within `pending`: where scanning resumes, the open document's start, depth, string state. */
  private at = 0;
  private docStart = -1;
  private docLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Line number (1-based) at `pending[at]`. */
  private line = 1;
  /** Control messages skipped (health checks). */
  controlMessages = 0;

  /** @param firstLine lines before these bytes (a later block of a stream) */
  constructor(
    private readonly scanner: Scanner,
    firstLine = 0,
  ) {
    this.line = firstLine + 1;
  }

  /** Whether the object turned out to be JSON documents (known after the first non-blank byte). */
  get isJson(): boolean {
    return this.json === true;
  }

  push(buf: Uint8Array): void {
    if (this.json === null) {
      let i = 0;
      while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13 || buf[i] === NL)) i++;
      if (i === buf.length) {
        // Only white space so far: keep it (its newlines count as lines) until something decides.
        this.pending = Buffer.concat([this.pending, buf]);
        return;
      }
      this.json = buf[i] === OPEN;
      if (!this.json) {
        if (this.pending.length > 0) this.scanner.push(this.pending);
        this.pending = Buffer.alloc(0);
        this.scanner.push(buf);
        return;
      }
    } else if (!this.json) {
      this.scanner.push(buf);
      return;
    }
    this.pending = this.pending.length === 0 ? Buffer.from(buf) : Buffer.concat([this.pending, buf]);
    this.cut();
  }

  /** End of the object: a document still open was cut short. */
  end(): void {
    if (this.json !== true) {
      if (this.pending.length > 0) this.scanner.push(this.pending);
      this.pending = Buffer.alloc(0);
      return;
    }
    if (this.docStart >= 0) {
      this.scanner.malformedRecord(
        'JSON document cut short (the object ends inside it)',
        this.docLine,
        this.pending.length - this.docStart,
      );
    }
    this.pending = Buffer.alloc(0);
  }

  /** Cut out and read every complete document in `pending`; keep the rest. */
  private cut(): void {
    const b = this.pending;
    let i = this.at;
    for (; i < b.length; i++) {
      const c = b[i];
      if (this.docStart < 0) {
        if (c === NL) this.line++;
        else if (c === OPEN) {
          this.docStart = i;
          this.docLine = this.line;
          this.depth = 1;
        } else if (c !== 32 && c !== 9 && c !== 13) {
          // Not a document: the rest of this line is one malformed record.
          const nl = b.indexOf(NL, i);
          if (nl < 0) break; // wait for the line's end
          this.scanner.malformedRecord('not a JSON document (CloudWatch Logs delivery)', this.line, nl - i + 1);
          i = nl - 1;
        }
        continue;
      }
      if (c === NL) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN) this.depth++;
      else if (c === CLOSE && --this.depth === 0) {
        this.document(b.subarray(this.docStart, i + 1), this.docLine);
        this.docStart = -1;
      }
    }
    // Keep only the open document (or the undecided line) for the next chunk.
    const keepFrom = this.docStart >= 0 ? this.docStart : Math.min(i, b.length);
    this.pending = b.subarray(keepFrom);
    this.at = i - keepFrom;
    if (this.docStart >= 0) this.docStart = 0;
  }

  private document(bytes: Uint8Array, line: number): void {
    let doc: Envelope;
    try {
      doc = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as Envelope;
    } catch (err) {
      this.scanner.malformedRecord(`not valid JSON: ${(err as Error).message}`, line, bytes.length);
      return;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      this.scanner.malformedRecord('a JSON document that is not an object', line, bytes.length);
      return;
    }
    if (doc.messageType === 'CONTROL_MESSAGE') {
      this.controlMessages++;
      return;
    }
    let messages: unknown[];
    if (doc.messageType !== undefined || doc.logEvents !== undefined) {
      if (!Array.isArray(doc.logEvents)) {
        this.scanner.malformedRecord("a subscription document without a 'logEvents' array", line, bytes.length);
        return;
      }
      messages = doc.logEvents.map((e) => (e !== null && typeof e === 'object' ? (e as Envelope).message : undefined));
    } else {
      messages = [doc.message];
    }
    this.feed(messages, line, bytes.length);
  }

  /** The messages as lines of text, scanned as the log events of the document at `line`. */
  private feed(messages: unknown[], line: number, docBytes: number): void {
    const s = this.scanner;
    const parts: string[] = [],
      events: number[] = [];
    messages.forEach((m, k) => {
      // A message is one record: a line break inside it cannot start another.
      if (typeof m === 'string') {
        parts.push(m.replace(/[\r\n]/g, ' '));
        events.push(k + 1);
      } else {
        const where = messages.length === 1 ? '' : `log event ${k + 1}: `;
        s.malformedRecord(
          `${where}no string 'message' in the JSON document`,
          line,
          messages.length === 1 ? docBytes : 0,
        );
      }
    });
    if (parts.length === 0) return;
    s.eventsOf = { line, base: s.lineNo, events };
    try {
      s.push(Buffer.from(`${parts.join('\n')}\n`, 'utf8'));
    } finally {
      s.eventsOf = null;
    }
  }
}
