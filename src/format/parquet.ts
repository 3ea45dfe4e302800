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
import { type ColumnChunk, parquetMetadata, parquetRead, type SchemaElement } from 'hyparquet';
import { CorruptObjectError, FormatError } from '../errors.js';
import { KNOWN_FIELDS, ROLE_BY_FIELD } from './fields.js';
import { HEADER_REQUIRED_FIELDS } from './layout.js';
import {
  ColumnBytes,
  decodeColumn,
  decodeColumnWasm,
  type LineWriter,
  renderValues,
  Unsupported,
  type WasmColumn,
  wasmRowGroup,
  writeLines,
} from './parquet-columns.js';

export { isParquet } from './parquet-magic.js';

/** Parquet's GZIP codec is the gzip format; pages are small, so the one-call inflate suits them. */
const COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)),
};

/** How {@link openParquet} decodes. */
export interface ParquetReadOptions {
  /**
   * `fast` (the default): the column-wise decoder, with hyparquet for the column chunks it does
   * not read; `hyparquet`: hyparquet for every column (the reference the fast one is tested against).
   */
  decoder?: 'fast' | 'hyparquet';
  /**
   * What the fast decoder runs in: WebAssembly (the default, where it runs) or JavaScript. The
   * bytes are the same.
   */
  engine?: LineWriter;
}

/** An opened Parquet object: the flow-log fields of the columns it reads, in order. */
export interface ParquetObject {
  /** Field names (hyphens) of the columns read, in the order of the lines fed to the scanner. */
  readonly fields: readonly string[];
  /** Column chunks read so far by the column-wise decoder and by hyparquet. */
  readonly decoded: { fast: number; hyparquet: number };
  /**
   * Feed every row group to `push` as flow-log lines of {@link fields}; returns the bytes fed. The
   * lines are valid during the call only (they may be a view of memory the next row group reuses).
   */
  scan(push: (lines: Uint8Array) => void): Promise<number>;
}

/**
 * Read the footer of the Parquet object `bytes` (named `key` in errors) and choose its columns:
 * those whose field has a role in a digest (`extra` adds more, e.g. key fields). Columns named
 * after no flow-log field are left unread.
 * @throws CorruptObjectError when the footer cannot be read (a truncated object), FormatError
 *   when srcaddr or dstaddr is missing.
 */
export function openParquet(
  bytes: Uint8Array,
  key: string,
  extra: readonly string[] = [],
  options: ParquetReadOptions = {},
): ParquetObject {
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
  const bytesOf = new Uint8Array(file);
  const elementOf = new Map(metadata.schema.slice(1).map((e) => [e.name, e]));
  const decoded = { fast: 0, hyparquet: 0 };
  return {
    fields,
    decoded,
    async scan(push) {
      // The thread's column buffers, when no other scan holds them (a worker scans one object at a time).
      const pool = shared.busy ? [] : shared.columns;
      const owned = pool === shared.columns;
      shared.busy = true;
      try {
        return await scanGroups(push, pool, owned);
      } finally {
        if (owned) shared.busy = false;
      }
    },
  };

  /**
   * A column chunk by the fast decoder: in WebAssembly when `wasm`, and in JavaScript if that
   * cannot (its memory, a footer's bound). Unsupported when neither reads it.
   */
  function decodeFast(
    wasm: boolean,
    chunk: ColumnChunk,
    element: SchemaElement,
    rows: number,
    reuse: ColumnBytes,
  ): ColumnBytes | WasmColumn {
    if (wasm)
      try {
        return decodeColumnWasm(bytesOf, chunk, element, rows);
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
      }
    return decodeColumn(bytesOf, chunk, element, rows, reuse);
  }

  async function scanGroups(push: (lines: Uint8Array) => void, pool: ColumnBytes[], owned: boolean): Promise<number> {
    let total = 0;
    for (let g = 0, rowStart = 0; g < metadata.row_groups.length; g++) {
      const group = metadata.row_groups[g];
      const rows = Number(group.num_rows);
      const data: (ColumnBytes | WasmColumn)[] = new Array(columns.length);
      // WebAssembly where it runs, for the scan that holds this thread's module (its memory is
      // the row group's until the lines are written).
      const wasm = owned && options.engine !== 'js' && wasmRowGroup();
      // The column-wise decoder first; hyparquet reads what it does not.
      const slow: string[] = [];
      for (let i = 0; i < columns.length; i++) {
        const chunk = options.decoder === 'hyparquet' ? undefined : chunkOf(group.columns, columns[i]);
        const element = elementOf.get(columns[i]);
        if (chunk === undefined || element === undefined) {
          slow.push(columns[i]);
          continue;
        }
        try {
          data[i] = decodeFast(wasm, chunk, element, rows, columnPool(pool, i));
          decoded.fast++;
        } catch (err) {
          if (err instanceof Unsupported) slow.push(columns[i]);
          else
            throw new CorruptObjectError(
              key,
              `Parquet row group ${g}, column '${columns[i]}': ${(err as Error).message}`,
              { cause: err },
            );
        }
      }
      if (slow.length > 0) {
        const values = new Map<string, ArrayLike<unknown>>();
        try {
          await parquetRead({
            file,
            metadata,
            columns: slow,
            rowStart,
            rowEnd: rowStart + rows,
            compressors: COMPRESSORS,
            onChunk: (c) => {
              values.set(c.columnName, c.columnData);
            },
          });
        } catch (err) {
          throw new CorruptObjectError(key, `Parquet row group ${g}: ${(err as Error).message}`, { cause: err });
        }
        for (const name of slow) {
          const v = values.get(name);
          if (v === undefined || v.length < rows)
            throw new CorruptObjectError(key, `Parquet row group ${g}: column '${name}' holds fewer rows than ${rows}`);
          data[columns.indexOf(name)] = renderValues(v, rows);
          decoded.hyparquet++;
        }
      }
      total += writeLines(data, rows, wasm ? 'wasm' : 'js', push);
      rowStart += rows;
    }
    return total;
  }
}

/** Column buffers kept from one row group (and object) to the next in this thread. */
const shared: { busy: boolean; columns: ColumnBytes[] } = { busy: false, columns: [] };

/** Column `i`'s buffers in `pool`, made on first use. */
function columnPool(pool: ColumnBytes[], i: number): ColumnBytes {
  pool[i] ??= new ColumnBytes(0, 64);
  return pool[i];
}

/** The chunk of the top-level column `name`, if the row group has one. */
function chunkOf(chunks: readonly ColumnChunk[], name: string): ColumnChunk | undefined {
  return chunks.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
}

/** `account_id` → `account-id`. */
function fieldOf(column: string): string {
  return column.replace(/_/g, '-');
}
