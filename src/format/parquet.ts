/**
 * Parquet flow-log objects (`….log.parquet`, GZIP pages), told by their magic bytes. Read column
 * by column with hyparquet (pure JavaScript, no dependencies) and Node's zlib for the GZIP pages
 * (docs/formats.md says why, with figures): only the columns a digest uses are decoded, a row
 * group at a time, and each row group's columns are laid out as flow-log lines of those fields in
 * one buffer for the {@link Scanner}, so every rule of the text path (log-status, the window,
 * filters, malformed records, the ephemeral port, the key) applies unchanged and the digests of
 * the two deliveries are the same bytes. No object is made per row; a malformed record's "line"
 * is its row number (1-based).
 *
 * AWS's columns use underscores (`account_id`, `log_status`, `pkt_srcaddr`, ...); its types are
 * int / bigint / string; null means `-`.
 */
import { gunzipSync } from 'node:zlib';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { CorruptObjectError, FormatError } from '../errors.js';
import { KNOWN_FIELDS, ROLE_BY_FIELD } from './fields.js';
import { HEADER_REQUIRED_FIELDS } from './layout.js';

export { isParquet } from './parquet-magic.js';

/** Parquet's GZIP codec is the gzip format; pages are small, so the one-call inflate suits them. */
const COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
};

/** An opened Parquet object: the flow-log fields of the columns it reads, in order. */
export interface ParquetObject {
  /** Field names (hyphens) of the columns read, in the order of the lines fed to the scanner. */
  readonly fields: readonly string[];
  /** Feed every row group to `push` as flow-log lines of {@link fields}; returns the bytes fed. */
  scan(push: (lines: Uint8Array) => void): Promise<number>;
}

/**
 * Read the footer of the Parquet object `bytes` (named `key` in errors) and choose its columns:
 * those whose field has a role in a digest (`extra` adds more, e.g. key fields). Columns named
 * after no flow-log field are left unread.
 * @throws CorruptObjectError when the footer cannot be read (a truncated object), FormatError
 *   when srcaddr or dstaddr is missing.
 */
export function openParquet(bytes: Uint8Array, key: string, extra: readonly string[] = []): ParquetObject {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: ReturnType<typeof parquetMetadata>;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    throw new CorruptObjectError(key, `not a readable Parquet object: ${(err as Error).message}`, { cause: err });
  }
  const top = metadata.schema.slice(1).map((s) => s.name);
  const present = new Set(top.map(fieldOf));
  const missing = HEADER_REQUIRED_FIELDS.filter((f) => !present.has(f));
  if (missing.length > 0)
    throw new FormatError(
      `${key}: the Parquet object has no ${missing.map((f) => `'${f.replace(/-/g, '_')}'`).join(' or ')} column, needed to form a conversation`,
      { key, field: missing[0] },
    );
  const wanted = new Set(extra);
  const columns = top.filter((c) => {
    const f = fieldOf(c);
    return KNOWN_FIELDS.has(f) && (ROLE_BY_FIELD[f] !== undefined || wanted.has(f));
  });
  const fields = columns.map(fieldOf);
  return {
    fields,
    async scan(push) {
      let total = 0;
      for (let g = 0, rowStart = 0; g < metadata.row_groups.length; g++) {
        const rows = Number(metadata.row_groups[g].num_rows);
        const data: ArrayLike<unknown>[] = new Array(columns.length);
        try {
          await parquetRead({
            file,
            metadata,
            columns,
            rowStart,
            rowEnd: rowStart + rows,
            compressors: COMPRESSORS,
            onChunk: (c) => {
              data[columns.indexOf(c.columnName)] = c.columnData;
            },
          });
        } catch (err) {
          throw new CorruptObjectError(key, `Parquet row group ${g}: ${(err as Error).message}`, { cause: err });
        }
        for (let i = 0; i < columns.length; i++)
          if (data[i] === undefined || data[i].length < rows)
            throw new CorruptObjectError(
              key,
              `Parquet row group ${g}: column '${columns[i]}' holds fewer rows than ${rows}`,
            );
        const text = linesOf(data, rows);
        total += text.length;
        push(text);
        rowStart += rows;
      }
      return total;
    },
  };
}

/** `account_id` → `account-id`. */
function fieldOf(column: string): string {
  return column.replace(/_/g, '-');
}

/**
 * The rows of one row group as lines, written as bytes row by row (no string per line): numbers
 * as digits, strings through Buffer's native UTF-8 write, null (or an empty string) as `-`.
 */
function linesOf(columns: ArrayLike<unknown>[], rows: number): Uint8Array {
  let buf = Buffer.allocUnsafe(Math.max(1024, rows * 96));
  let p = 0;
  const ncols = columns.length;
  for (let r = 0; r < rows; r++) {
    if (p + 4096 > buf.length) {
      const grown = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(grown, 0, 0, p);
      buf = grown;
    }
    for (let c = 0; c < ncols; c++) {
      if (c > 0) buf[p++] = SP;
      const v = columns[c][r];
      if (typeof v === 'number' && v >= 0 && v < 2 ** 53) p = writeDigits(buf, p, v);
      else if (typeof v === 'string' && v.length > 0) {
        // A value longer than the room left: grow first (values are short; this is rare).
        if (p + v.length * 3 + 64 > buf.length) {
          const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, p + v.length * 3 + 4096));
          buf.copy(grown, 0, 0, p);
          buf = grown;
        }
        p += buf.write(v, p, 'utf8');
      } else if (v === null || v === undefined || v === '') buf[p++] = DASH;
      else if (typeof v === 'bigint' && v >= 0n && v < SAFE) p = writeDigits(buf, p, Number(v));
      else p += buf.write(String(v), p, 'latin1');
    }
    buf[p++] = NL;
  }
  return buf.subarray(0, p);
}

const SAFE = 2n ** 53n;
const SP = 32,
  NL = 10,
  DASH = 45;

function writeDigits(buf: Buffer, p: number, v: number): number {
  if (v < 10) {
    buf[p] = 48 + v;
    return p + 1;
  }
  let digits = 1;
  for (let d = 10; d <= v; d *= 10) digits++;
  let i = p + digits;
  while (v >= 10) {
    const q = Math.floor(v / 10);
    buf[--i] = 48 + (v - q * 10);
    v = q;
  }
  buf[--i] = 48 + v;
  return p + digits;
}
