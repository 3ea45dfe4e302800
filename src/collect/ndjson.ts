/**
 * JSON that keeps every number exact. `JSON.parse` turns 9223372036854775807 into
 * 9223372036854775808; audit logs carry such IDs. {@link parseJson} keeps each number literal a
 * double cannot hold exactly as a {@link JsonNumber} (its text), and {@link toJsonLine} writes
 * those, bigints and raw records back digit for digit, on one line.
 */
import { FetchError } from '../errors.js';
import type { JsonNumberLike, JsonValue, RawRecord } from './types.js';

/** A JSON number kept as its literal text, because a double would change it. */
export class JsonNumber implements JsonNumberLike {
  constructor(readonly json: string) {}
  /** The nearest double (lossy: that is why the text is kept). */
  valueOf(): number { return Number(this.json); }
  toString(): string { return this.json; }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WS = /[ \t\n\r]*/y;

/** A number literal as a double when that is exact, else as a JsonNumber. */
function number(text: string): number | JsonNumber {
  const n = Number(text);
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(n) ? n : new JsonNumber(text);
  // A fraction or exponent: keep the text when the double prints differently from the literal's
  // significant digits (more than 15 of them, or out of range).
  const digits = text.replace(/[eE].*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
  return Number.isFinite(n) && digits.length <= 15 ? n : new JsonNumber(text);
}

/**
 * Parse JSON text, keeping numbers exact.
 * @param where names the input in errors (e.g. `stream slack: GET /audit/v1/logs`).
 * @throws FetchError with the offset of the fault.
 */
export function parseJson(text: string, where = 'JSON'): JsonValue {
  let i = 0;
  const fail = (why: string): never => {
    throw new FetchError(`${where}: invalid JSON at offset ${i}: ${why}`, { field: `offset ${i}` });
  };
  const ws = () => { WS.lastIndex = i; WS.exec(text); i = WS.lastIndex; };
  const value = (depth: number): JsonValue => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, JsonValue> = {};
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        // defineProperty: a "__proto__" key is data, not the prototype.
        Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    i = NUMBER.lastIndex;
    return number(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      const q = text.indexOf('"', i);
      if (q < 0) { i = text.length; fail('unterminated string'); }
      let backslashes = 0;
      for (let k = q - 1; text[k] === '\\'; k--) backslashes++;
      i = q + 1;
      if (backslashes % 2 === 0) break;
    }
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('bad string');
    }
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** True for a {@link RawRecord}. */
export function isRawRecord(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as RawRecord).raw === 'string' && Object.keys(v).length === 1;
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
  return stringify(record, 0);
}

function stringify(v: JsonValue, depth: number): string {
  if (depth > 512) throw new TypeError('record nested too deeply');
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`record holds ${v}, which JSON cannot represent`);
      return JSON.stringify(v);
    case 'object':
      if (v === null) return 'null';
      if (v instanceof JsonNumber) return v.json;
      if (Array.isArray(v)) return `[${v.map((x) => stringify(x, depth + 1)).join(',')}]`;
      return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${JSON.stringify(k)}:${stringify(x as JsonValue, depth + 1)}`).join(',')}}`;
    default:
      throw new TypeError(`record holds a ${typeof v}, which JSON cannot represent`);
  }
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
