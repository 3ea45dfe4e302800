/**
 * JSON that keeps every number exact. `JSON.parse` turns 9223372036854775807 into
 * 9223372036854775808; audit logs carry such IDs. {@link parseJson} keeps each number literal a
 * double cannot hold exactly as a {@link JsonNumber} (its text), and {@link toJsonLine} writes
 * those, bigints and raw records back digit for digit, on one line.
 */
import { FetchError } from '../errors.js';
import { JsonSyntaxError, parseJsonWith } from '../util/json.js';
import type { JsonNumberLike, JsonValue, RawRecord } from './types.js';

/** A JSON number kept as its literal text, because a double would change it. */
export class JsonNumber implements JsonNumberLike {
  constructor(readonly json: string) {}
  /** The nearest double (lossy: that is why the text is kept). */
  valueOf(): number {
    return Number(this.json);
  }
  toString(): string {
    return this.json;
  }
}

/** A decimal literal's exact value as `digits e exponent` (no leading or trailing zeros). */
function decimalValue(lit: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(lit);
  if (m === null) return lit;
  let digits = (m[2] + (m[3] ?? '')).replace(/^0+/, '');
  let exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  let end = digits.length;
  while (end > 0 && digits[end - 1] === '0') {
    end--;
    exp++;
  }
  digits = digits.slice(0, end);
  return digits === '' ? '0' : `${m[1]}${digits}e${exp}`;
}

/**
 * A number literal as a double when the double has exactly the literal's decimal value (so
 * writing it back loses nothing), else as a JsonNumber: big integers, long fractions, and
 * exponents beyond a double's range (1e400, 1e-330) all keep their text.
 */
function number(text: string): number | JsonNumber {
  const n = Number(text);
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : new JsonNumber(text);
  return Number.isFinite(n) && decimalValue(String(n)) === decimalValue(text) ? n : new JsonNumber(text);
}

// Marks for big numbers while they pass through JSON.parse / JSON.stringify: random per
// process, so no input string can pass for one.
const NONCE = Math.random().toString(36).slice(2, 12);
const PARSE_MARK = `\\u0000${NONCE}:`; // as JSON text (an escaped NUL)
const PARSE_MARK_VALUE = `\u0000${NONCE}:`; // as the parsed string
const STRINGIFY_MARK = `~${NONCE}:`;
const STRINGIFIED = new RegExp(`"${STRINGIFY_MARK}(-?[0-9.eE+-]+)"`, 'g');

// A string literal, or (outside strings) a number literal long enough or with an exponent, so
// that a double might change it; short plain numbers are left to JSON.parse untouched.
const TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|-?[0-9][0-9.]{15,}(?:[eE][+-]?[0-9]+)?|-?[0-9][0-9.]*[eE][+-]?[0-9]+/g;

/**
 * Parse JSON text, keeping numbers exact.
 *
 * Fast path: number literals a double would change are rewritten as marked strings, the text
 * goes through `JSON.parse`, and the marks become {@link JsonNumber}s. Invalid JSON is parsed again by the
 * hand-written parser below, for an error that gives the offset.
 * @param where names the input in errors (e.g. `stream slack: GET /audit/v1/logs`).
 * @throws FetchError with the offset of the fault.
 */
export function parseJson(text: string, where = 'JSON'): JsonValue {
  let marked = 0;
  const rewritten = text.replace(TOKENS, (token) => {
    if (token[0] === '"' || !(number(token) instanceof JsonNumber)) return token;
    marked++;
    return `"${PARSE_MARK}${token}"`;
  });
  let value: JsonValue;
  try {
    value = JSON.parse(rewritten) as JsonValue;
  } catch {
    return strictParse(text, where);
  }
  return marked === 0 ? value : unmark(value);
}

/** Marked strings back to JsonNumbers, in place. */
function unmark(v: JsonValue): JsonValue {
  if (typeof v === 'string')
    return v.startsWith(PARSE_MARK_VALUE) ? new JsonNumber(v.slice(PARSE_MARK_VALUE.length)) : v;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = unmark(v[i]);
  } else if (!(v instanceof JsonNumber)) {
    const o = v as Record<string, JsonValue>;
    for (const k of Object.keys(o)) {
      const u = unmark(o[k]);
      // defineProperty: assigning to a "__proto__" key would set the prototype instead.
      if (u !== o[k]) Object.defineProperty(o, k, { value: u, enumerable: true, writable: true, configurable: true });
    }
  }
  return v;
}

/** The hand-written parser: same result as {@link parseJson}, slower, with precise errors. */
export function strictParse(text: string, where = 'JSON'): JsonValue {
  try {
    return parseJsonWith(text, number) as JsonValue;
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new FetchError(`${where}: invalid JSON at offset ${err.offset}: ${err.reason}`, {
      field: `offset ${err.offset}`,
    });
  }
}

/** True for a {@link RawRecord}. */
export function isRawRecord(v: unknown): v is RawRecord {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as RawRecord).raw === 'string' &&
    Object.keys(v).length === 1
  );
}

/**
 * One NDJSON line (no newline) for a record: JSON values with bigint and JsonNumber written
 * digit for digit; a raw record checked and written with its whitespace outside strings removed.
 */
export function toJsonLine(record: JsonValue | RawRecord): string {
  if (isRawRecord(record)) {
    parseJson(record.raw, 'raw record'); // validates; its text is what is written
    return compact(record.raw);
  }
  return stringify(record);
}

/**
 * JSON.stringify with bigints and JsonNumbers swapped for marked strings, then the marks
 * replaced by the digits. Values JSON cannot hold (NaN, functions) throw rather than vanish.
 */
function stringify(v: JsonValue): string {
  let marked = 0;
  const line = JSON.stringify(v, (_k, x: unknown) => {
    switch (typeof x) {
      case 'bigint':
        marked++;
        return `${STRINGIFY_MARK}${x.toString()}`;
      case 'number':
        if (!Number.isFinite(x)) throw new TypeError(`record holds ${x}, which JSON cannot represent`);
        return x;
      case 'function':
      case 'symbol':
        throw new TypeError(`record holds a ${typeof x}, which JSON cannot represent`);
      case 'object':
        if (x instanceof JsonNumber) {
          marked++;
          return `${STRINGIFY_MARK}${x.json}`;
        }
        return x;
      default:
        return x;
    }
  });
  if (line === undefined) throw new TypeError('record is not a JSON value');
  if (marked === 0) return line;
  return line.replace(STRINGIFIED, '$1');
}

/** `text` without whitespace outside strings (so a pretty-printed record fits one line). */
function compact(text: string): string {
  let out = '';
  let inString = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}
